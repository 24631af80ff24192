using System.Diagnostics;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace KubeLab.Simulator.Tests;

/// <summary>The ReplicaSet and ReplicationController controllers over real HTTP (pkg/controller/replicaset/replica_set.go behaviour).</summary>
public class ReplicaSetControllerTests(ControlPlaneCluster cp, ITestOutputHelper output) : IClassFixture<ControlPlaneCluster>
{
    private const string GeneratedSuffix = "[bcdfghjklmnpqrstvwxz2456789]{5}";
    private IKubernetes Client => cp.Client;

    private static V1ReplicaSet ReplicaSet(string name, int replicas, string app) => new()
    {
        ApiVersion = "apps/v1", Kind = "ReplicaSet",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ReplicaSetSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = app } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = app, ["tier"] = "web" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "nginx", Image = "nginx:1.27" }] },
            },
        },
    };

    private async Task<List<V1Pod>> ActivePods(string ns, string app) =>
        (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"app={app}")).Items
        .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase is not ("Succeeded" or "Failed")).ToList();

    private Task<List<V1Pod>> WaitForReadyPods(string ns, string app, int count, double seconds = 20) =>
        ObservedState.Until(() => ActivePods(ns, app),
            pods => pods.Count == count && pods.All(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true),
            $"{count} ready pods app={app}", seconds, Summary);

    /// <summary>Pods grouped by phase, readiness and node – readable where 100 full pods would not be.</summary>
    private static string Summary(List<V1Pod> pods) => string.Join(", ", pods
        .GroupBy(p => $"{p.Status?.Phase}/{(p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true ? "ready" : "not-ready")}/{p.Spec.NodeName ?? "<unbound>"}/{p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason}")
        .Select(g => $"{g.Count()}× {g.Key}"));

    private Task<V1ReplicaSet> WaitForStatus(string ns, string name, int ready) =>
        ObservedState.Until(() => Client.AppsV1.ReadNamespacedReplicaSetAsync(name, ns),
            rs => rs.Status?.ReadyReplicas == ready && rs.Status.Replicas == ready && rs.Status.AvailableReplicas == ready, $"status readyReplicas={ready}");

    [Fact]
    public async Task Creates_the_desired_pods_owned_by_the_ReplicaSet_and_reports_status()
    {
        var ns = await cp.NewNamespaceAsync("rs-create");
        var rs = await Client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("web", 3, "web"), ns);
        var pods = await WaitForReadyPods(ns, "web", 3);
        Assert.All(pods, p =>
        {
            Assert.Matches($"^web-{GeneratedSuffix}$", p.Metadata.Name);
            var owner = Assert.Single(p.Metadata.OwnerReferences);
            Assert.Equal(("apps/v1", "ReplicaSet", "web", rs.Metadata.Uid), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid));
            Assert.True(owner.Controller);
            Assert.True(owner.BlockOwnerDeletion);
            Assert.Equal("web", p.Metadata.Labels["tier"]);
        });

        var status = (await WaitForStatus(ns, "web", 3)).Status;
        Assert.Equal(3, status.FullyLabeledReplicas);
        Assert.Equal(rs.Metadata.Generation, status.ObservedGeneration);

        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "web"), e => e.Count(x => x.Reason == "SuccessfulCreate") == 3, "3 SuccessfulCreate events");
        Assert.Equal(pods.Select(p => $"Created pod: {p.Metadata.Name}").Order(), events.Select(e => e.Message).Order());
        Assert.All(events, e => Assert.Equal(("ReplicaSet", "replicaset-controller"), (e.InvolvedObject.Kind, e.Source.Component)));
    }

    [Fact]
    public async Task Replaces_a_deleted_pod_self_healing()
    {
        var ns = await cp.NewNamespaceAsync("rs-heal");
        await Client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("heal", 2, "heal"), ns);
        var before = await WaitForReadyPods(ns, "heal", 2);

        var clock = Stopwatch.StartNew();
        await Client.CoreV1.DeleteNamespacedPodAsync(before[0].Metadata.Name, ns);
        var after = await ObservedState.Until(() => ActivePods(ns, "heal"),
            pods => pods.Count == 2 && pods.All(p => p.Metadata.Name != before[0].Metadata.Name), "a replacement pod");
        output.WriteLine($"replacement created {clock.ElapsedMilliseconds} ms after the delete");
        Assert.Contains(after, p => p.Metadata.Name == before[1].Metadata.Name);
        await WaitForReadyPods(ns, "heal", 2);
    }

    [Fact]
    public async Task Scaling_down_deletes_the_surplus()
    {
        var ns = await cp.NewNamespaceAsync("rs-down");
        await Client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("down", 4, "down"), ns);
        await WaitForReadyPods(ns, "down", 4);

        var patch = new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch);
        await Client.AppsV1.PatchNamespacedReplicaSetAsync(patch, "down", ns);
        await WaitForReadyPods(ns, "down", 1);
        var rs = await WaitForStatus(ns, "down", 1);
        Assert.Equal(rs.Metadata.Generation, rs.Status.ObservedGeneration);
        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "down"), e => e.Count(x => x.Reason == "SuccessfulDelete") == 3, "3 SuccessfulDelete events");
        Assert.All(events.Where(e => e.Reason == "SuccessfulDelete"), e => Assert.Matches($"^Deleted pod: down-{GeneratedSuffix}$", e.Message));
    }

    [Fact]
    public async Task Adopts_a_matching_orphan_instead_of_creating_one()
    {
        var ns = await cp.NewNamespaceAsync("rs-adopt");
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("stray", labels: new() { ["app"] = "adopt" }), ns);
        // Let the shared informers see the orphan first (it is running once the scheduler and kubelet saw it); otherwise the
        // controller may create two pods, adopt the stray afterwards and delete the surplus – also correct, but another test.
        await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync("stray", ns), p => p.Status?.Phase == "Running", "stray Running");
        var rs = await Client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("adopt", 2, "adopt"), ns);
        var pods = await WaitForReadyPods(ns, "adopt", 2);
        var stray = Assert.Single(pods, p => p.Metadata.Name == "stray");
        Assert.Equal(rs.Metadata.Uid, Assert.Single(stray.Metadata.OwnerReferences).Uid);
        Assert.Single(await cp.EventsAsync(ns, "adopt"), e => e.Reason == "SuccessfulCreate");
        // fullyLabeledReplicas counts only pods carrying all template labels: the stray lacks tier=web.
        var status = (await WaitForStatus(ns, "adopt", 2)).Status;
        Assert.Equal(1, status.FullyLabeledReplicas);
    }

    [Fact]
    public async Task A_new_matching_bare_pod_is_adopted_and_the_surplus_deleted()
    {
        var ns = await cp.NewNamespaceAsync("rs-surplus");
        await Client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("extra", 2, "extra"), ns);
        await WaitForReadyPods(ns, "extra", 2);
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("intruder", labels: new() { ["app"] = "extra" }), ns);
        // Two ready pods may still be the original two, before the controller has seen the intruder: wait for its decision.
        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "extra"), e => e.Any(x => x.Reason == "SuccessfulDelete"),
            "the ReplicaSet deletes one pod (SuccessfulDelete)");
        var pods = await WaitForReadyPods(ns, "extra", 2);
        Assert.All(pods, p => Assert.Equal("extra", Assert.Single(p.Metadata.OwnerReferences).Name));
        Assert.Single(events, e => e.Reason == "SuccessfulDelete");
    }

    [Fact]
    public async Task A_relabelled_pod_is_released_and_replaced()
    {
        var ns = await cp.NewNamespaceAsync("rs-release");
        await Client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("rel", 2, "rel"), ns);
        var pods = await WaitForReadyPods(ns, "rel", 2);
        var quarantined = pods[0].Metadata.Name;

        var patch = new V1Patch("""{"metadata":{"labels":{"app":"debug"}}}""", V1Patch.PatchType.MergePatch);
        await Client.CoreV1.PatchNamespacedPodAsync(patch, quarantined, ns);

        var replaced = await WaitForReadyPods(ns, "rel", 2);
        Assert.DoesNotContain(replaced, p => p.Metadata.Name == quarantined);
        var orphan = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync(quarantined, ns),
            p => p.Metadata.OwnerReferences is null or { Count: 0 }, "ownerReference removed");
        Assert.Equal("Running", orphan.Status.Phase); // the released pod keeps running
        Assert.Null(orphan.Metadata.DeletionTimestamp);
    }

    [Fact]
    public async Task ReplicationController_keeps_replicas_with_an_equality_selector()
    {
        var ns = await cp.NewNamespaceAsync("rc");
        var rc = new V1ReplicationController
        {
            ApiVersion = "v1", Kind = "ReplicationController",
            Metadata = new V1ObjectMeta { Name = "legacy" },
            Spec = new V1ReplicationControllerSpec
            {
                Replicas = 2,
                Selector = new Dictionary<string, string> { ["app"] = "legacy" },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "legacy" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "nginx", Image = "nginx:1.27" }] },
                },
            },
        };
        var created = await Client.CoreV1.CreateNamespacedReplicationControllerAsync(rc, ns);
        var pods = await WaitForReadyPods(ns, "legacy", 2);
        Assert.All(pods, p =>
        {
            Assert.Matches($"^legacy-{GeneratedSuffix}$", p.Metadata.Name);
            var owner = Assert.Single(p.Metadata.OwnerReferences);
            Assert.Equal(("v1", "ReplicationController", created.Metadata.Uid), (owner.ApiVersion, owner.Kind, owner.Uid));
        });
        var status = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedReplicationControllerAsync("legacy", ns),
            r => r.Status?.ReadyReplicas == 2, "RC readyReplicas=2");
        Assert.Equal(2, status.Status.Replicas);
        Assert.Contains(await cp.EventsAsync(ns, "legacy"), e => e.Reason == "SuccessfulCreate" && e.Source.Component == "replication-controller");
    }

    [Fact]
    public async Task Pods_count_as_available_only_after_minReadySeconds()
    {
        var ns = await cp.NewNamespaceAsync("rs-minready");
        var spec = ReplicaSet("patient", 2, "patient");
        spec.Spec.MinReadySeconds = 2;
        await Client.AppsV1.CreateNamespacedReplicaSetAsync(spec, ns);
        var early = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedReplicaSetAsync("patient", ns),
            rs => rs.Status?.ReadyReplicas == 2, "readyReplicas=2");
        Assert.Equal(0, early.Status.AvailableReplicas ?? 0);
        var later = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedReplicaSetAsync("patient", ns),
            rs => rs.Status?.AvailableReplicas == 2, "availableReplicas=2");
        Assert.Equal(2, later.Status.ReadyReplicas);
    }

    [Fact]
    public async Task Hundred_replicas_all_become_ready()
    {
        var ns = await cp.NewNamespaceAsync("rs-100");
        var clock = Stopwatch.StartNew();
        await Client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("big", 100, "big"), ns);
        var pods = await WaitForReadyPods(ns, "big", 100, seconds: 60);
        output.WriteLine($"100 replicas ready after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(100, pods.Select(p => p.Status.PodIP).Distinct().Count());
        Assert.Equal(100, pods.Select(p => p.Metadata.Name).Distinct().Count());
        Assert.DoesNotContain(pods, p => p.Spec.NodeName == "k8s-course-control-plane");
        await WaitForStatus(ns, "big", 100);
        // Clean up so the shared cluster's nodes are not crowded for the other tests.
        await Client.AppsV1.DeleteNamespacedReplicaSetAsync("big", ns);
    }

    [Fact]
    public async Task A_busy_ReplicaSet_writes_its_status_in_steps_and_ends_exact()
    {
        var ns = await cp.NewNamespaceAsync("rs-paced");
        var created = await Client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("paced", 60, "paced"), ns);
        var clusterStart = cp.Cluster.Clock.GetUtcNow();
        var statuses = new List<V1ReplicaSetStatus>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await foreach (var (type, rs) in Client.AppsV1.WatchListNamespacedReplicaSetAsync(ns, resourceVersion: created.Metadata.ResourceVersion,
                           fieldSelector: "metadata.name=paced", cancellationToken: timeout.Token))
        {
            if (type != WatchEventType.Modified || rs.Status is null) continue;
            if (statuses.Count == 0 || KubernetesJson.Serialize(statuses[^1]) != KubernetesJson.Serialize(rs.Status)) statuses.Add(rs.Status);
            if (rs.Status.AvailableReplicas == 60) break;
        }
        var elapsed = cp.Cluster.Clock.GetUtcNow() - clusterStart;
        output.WriteLine($"{statuses.Count} status writes in {elapsed.TotalMilliseconds:F0} ms of cluster time");

        // The counts end exact, and the writes are at least ReplicaKeeper.StatusWriteInterval apart on the cluster clock
        // (60 pods turning ready one after another would otherwise mean about 120 writes).
        Assert.Equal((60, 60, 60, 60), (statuses[^1].Replicas, statuses[^1].FullyLabeledReplicas ?? 0, statuses[^1].ReadyReplicas ?? 0, statuses[^1].AvailableReplicas ?? 0));
        var interval = KubeLab.Simulator.Controllers.ReplicaSet.ReplicaKeeper<V1ReplicaSet, V1ReplicaSetList>.StatusWriteInterval;
        Assert.InRange(statuses.Count, 1, (int)(elapsed / interval) + 2);
        await Client.AppsV1.DeleteNamespacedReplicaSetAsync("paced", ns);
    }
}

/// <summary>Runs alone: unobserved task exceptions are process-wide, so other test classes must not be producing garbage meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}

/// <summary>Shutting the control plane down while it is busy must be clean (no exceptions, no hang).</summary>
[Collection(SerialCollection.Name)]
public class ControllerShutdownTests
{
    [Fact]
    public async Task Dispose_while_pods_are_starting_is_clean()
    {
        var cluster = await SimulatedCluster.StartAsync();
        using var client = cluster.CreateClient();
        await client.AppsV1.CreateNamespacedReplicaSetAsync(new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta { Name = "busy" },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = 20,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "busy" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "busy" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx:1.27" }] },
                },
            },
        }, "default");
        await ObservedState.Until(() => client.CoreV1.ListNamespacedPodAsync("default"), l => l.Items.Count > 0, "some pods");
        // Finalise garbage left by earlier tests first, so only this shutdown's tasks are counted.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var unobserved = 0;
        EventHandler<UnobservedTaskExceptionEventArgs> count = (_, e) =>
        {
            // Over TLS, KubernetesClient's watch enumerator abandons its pending ReadLineAsync when the watch is cancelled
            // (WatcherExt AttachCancellationToken); SslStream then faults that read with an IOException nobody can observe.
            // That is the client library's, not a task of the simulator's.
            if (e.Exception.InnerExceptions.All(x => x is IOException or NotSupportedException && x.StackTrace?.Contains("SslStream", StringComparison.Ordinal) == true
                    || x.InnerException?.StackTrace?.Contains("SslStream", StringComparison.Ordinal) == true || x.StackTrace?.Contains("k8s.LineSeparatedHttpContent", StringComparison.Ordinal) == true)) return;
            Interlocked.Increment(ref unobserved);
        };
        TaskScheduler.UnobservedTaskException += count;
        try
        {
            await cluster.DisposeAsync();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(200);
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        finally { TaskScheduler.UnobservedTaskException -= count; }
        Assert.Equal(0, unobserved);
    }
}
