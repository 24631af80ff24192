using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// The StatefulSet controller over real HTTP (pkg/controller/statefulset behaviour): ordinal names, OrderedReady and
/// Parallel pod management, reverse-order scale-down, stable identity with the same PVC, rolling update from the highest ordinal.
/// </summary>
public class StatefulSetControllerTests(ControlPlaneCluster cp) : IClassFixture<ControlPlaneCluster>
{
    private IKubernetes Client => cp.Client;

    private static V1StatefulSet StatefulSet(string name, int replicas, string policy = "OrderedReady", bool claims = true, string? whenScaled = null) => new()
    {
        ApiVersion = "apps/v1", Kind = "StatefulSet",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas,
            ServiceName = name,
            PodManagementPolicy = policy,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec
                {
                    Containers = [new V1Container
                    {
                        Name = "nginx", Image = "registry.k8s.io/nginx-slim:0.27",
                        VolumeMounts = claims ? [new V1VolumeMount { Name = "www", MountPath = "/usr/share/nginx/html" }] : null,
                    }],
                },
            },
            VolumeClaimTemplates = claims ? [new V1PersistentVolumeClaim
            {
                Metadata = new V1ObjectMeta { Name = "www" },
                Spec = new V1PersistentVolumeClaimSpec
                {
                    AccessModes = ["ReadWriteOnce"],
                    Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                },
            }] : null,
            PersistentVolumeClaimRetentionPolicy = whenScaled is null ? null
                : new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenScaled = whenScaled, WhenDeleted = "Retain" },
        },
    };

    private static bool Ready(V1Pod p) => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private async Task<List<V1Pod>> Pods(string ns, string app) =>
        (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"app={app}")).Items.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();

    private static string Describe(List<V1Pod> pods) =>
        string.Join(", ", pods.Select(p => $"{p.Metadata.Name}:{p.Status?.Phase}{(Ready(p) ? "/ready" : "")}{(p.Metadata.DeletionTimestamp is null ? "" : "/terminating")}"));

    private Task<List<V1Pod>> ReadyPods(string ns, string app, params string[] names) =>
        ObservedState.Until(() => Pods(ns, app),
            pods => pods.Select(p => p.Metadata.Name).SequenceEqual(names) && pods.All(p => Ready(p) && p.Metadata.DeletionTimestamp is null),
            $"ready pods {string.Join(", ", names)}", 20, Describe);

    /// <summary>Records pod watch events of a namespace, in order: (type, name, ready, terminating).</summary>
    private sealed class PodLog : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        public ConcurrentQueue<(WatchEventType Type, string Name, bool Ready, bool Terminating)> Events { get; } = new();

        public PodLog(IKubernetes client, string ns) => _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync(ns, cancellationToken: stop.Token))
                    Events.Enqueue((type, pod.Metadata.Name, Ready(pod), pod.Metadata.DeletionTimestamp is not null));
            }
            catch (Exception) { /* stopped */ }
        });

        public int First(Func<(WatchEventType Type, string Name, bool Ready, bool Terminating), bool> match, int after = -1)
        {
            var list = Events.ToList();
            var i = list.FindIndex(after + 1, e => match(e));
            Assert.True(i >= 0, "event not seen; log: " + string.Join(" | ", list.Select(e => $"{e.Type} {e.Name}{(e.Ready ? " ready" : "")}{(e.Terminating ? " terminating" : "")}")));
            return i;
        }

        public void Dispose() => stop.Cancel();
    }

    private async Task<PodLog> WatchPods(string ns)
    {
        var log = new PodLog(Client, ns);
        await Task.Delay(200); // let the watch open before anything happens
        return log;
    }

    [Fact]
    public async Task OrderedReady_creates_web_0_1_2_each_after_the_previous_is_ready_with_claims_first()
    {
        var ns = await cp.NewNamespaceAsync("sts");
        using var log = await WatchPods(ns);
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("web", 3), ns);
        var pods = await ReadyPods(ns, "web", "web-0", "web-1", "web-2");

        Assert.True(log.First(e => e is { Type: WatchEventType.Modified, Name: "web-0", Ready: true }) < log.First(e => e is { Type: WatchEventType.Added, Name: "web-1" }));
        Assert.True(log.First(e => e is { Type: WatchEventType.Modified, Name: "web-1", Ready: true }) < log.First(e => e is { Type: WatchEventType.Added, Name: "web-2" }));

        var set = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedStatefulSetAsync("web", ns),
            s => s.Status?.ReadyReplicas == 3 && s.Status.AvailableReplicas == 3, "status readyReplicas=3");
        Assert.Equal(3, set.Status.Replicas);
        Assert.Equal(3, set.Status.CurrentReplicas);
        Assert.Equal(3, set.Status.UpdatedReplicas);
        Assert.Equal(set.Status.UpdateRevision, set.Status.CurrentRevision);
        Assert.StartsWith("web-", set.Status.UpdateRevision);
        Assert.Equal(0, set.Status.CollisionCount);

        for (var i = 0; i < 3; i++)
        {
            var pod = pods[i];
            Assert.Equal($"web-{i}", pod.Spec.Hostname);
            Assert.Equal("web", pod.Spec.Subdomain);
            Assert.Equal($"web-{i}", pod.Metadata.Labels["statefulset.kubernetes.io/pod-name"]);
            Assert.Equal($"{i}", pod.Metadata.Labels["apps.kubernetes.io/pod-index"]);
            Assert.Equal(set.Status.UpdateRevision, pod.Metadata.Labels["controller-revision-hash"]);
            var volume = Assert.Single(pod.Spec.Volumes, v => v.Name == "www");
            Assert.Equal($"www-web-{i}", volume.PersistentVolumeClaim.ClaimName);
        }

        var claims = await ObservedState.Until(() => Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns),
            l => l.Items.Count == 3 && l.Items.All(c => c.Status?.Phase == "Bound"), "three bound claims");
        Assert.Equal(["www-web-0", "www-web-1", "www-web-2"], claims.Items.Select(c => c.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.All(claims.Items, c => Assert.Equal("web", c.Metadata.Labels["app"]));
        Assert.All(claims.Items, c => Assert.Equal("standard", c.Spec.StorageClassName));

        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "web"), e => e.Count(x => x.Reason == "SuccessfulCreate") == 6, "six SuccessfulCreate events");
        var messages = events.Select(e => e.Message).ToList();
        Assert.Contains("create Claim www-web-0 Pod web-0 in StatefulSet web success", messages);
        Assert.Contains("create Pod web-0 in StatefulSet web successful", messages);
        Assert.Contains("create Pod web-2 in StatefulSet web successful", messages);
        Assert.All(events, e => Assert.Equal("statefulset-controller", e.Source.Component));
    }

    [Fact]
    public async Task Scale_down_removes_the_highest_ordinal_first_and_keeps_the_claims()
    {
        var ns = await cp.NewNamespaceAsync("sts");
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("db", 3), ns);
        await ReadyPods(ns, "db", "db-0", "db-1", "db-2");
        using var log = await WatchPods(ns);

        await Client.AppsV1.PatchNamespacedStatefulSetScaleAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "db", ns);
        await ReadyPods(ns, "db", "db-0");
        // db-1 is only deleted once db-2 is gone (OrderedReady, one at a time).
        Assert.True(log.First(e => e is { Type: WatchEventType.Deleted, Name: "db-2" }) < log.First(e => e is { Name: "db-1", Terminating: true }));

        var claims = await Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns);
        Assert.Equal(["www-db-0", "www-db-1", "www-db-2"], claims.Items.Select(c => c.Metadata.Name).Order(StringComparer.Ordinal));
        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "db"), e => e.Count(x => x.Reason == "SuccessfulDelete") == 2, "two SuccessfulDelete events");
        Assert.Contains("delete Pod db-2 in StatefulSet db successful", events.Select(e => e.Message));

        // Scaling up again re-uses the retained claims.
        await Client.AppsV1.PatchNamespacedStatefulSetScaleAsync(new V1Patch("""{"spec":{"replicas":2}}""", V1Patch.PatchType.MergePatch), "db", ns);
        var pods = await ReadyPods(ns, "db", "db-0", "db-1");
        var uidBefore = claims.Items.Single(c => c.Metadata.Name == "www-db-1").Metadata.Uid;
        var claimNow = await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("www-db-1", ns);
        Assert.Equal(uidBefore, claimNow.Metadata.Uid);
        Assert.Equal("www-db-1", pods[1].Spec.Volumes.Single(v => v.Name == "www").PersistentVolumeClaim.ClaimName);
    }

    [Fact]
    public async Task A_deleted_pod_comes_back_with_the_same_name_claim_and_node()
    {
        var ns = await cp.NewNamespaceAsync("sts");
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("kv", 2), ns);
        var before = await ReadyPods(ns, "kv", "kv-0", "kv-1");
        var claimBefore = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("www-kv-1", ns),
            c => c.Status?.Phase == "Bound", "www-kv-1 bound");

        await Client.CoreV1.DeleteNamespacedPodAsync("kv-1", ns);
        var after = await ObservedState.Until(() => Pods(ns, "kv"),
            pods => pods.Count == 2 && pods.All(Ready) && pods[1].Metadata.Uid != before[1].Metadata.Uid, "kv-1 re-created and ready", 20, Describe);
        Assert.Equal("kv-1", after[1].Metadata.Name);
        Assert.Equal(before[1].Spec.NodeName, after[1].Spec.NodeName); // the local volume lives on that node
        var claimAfter = await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("www-kv-1", ns);
        Assert.Equal(claimBefore.Metadata.Uid, claimAfter.Metadata.Uid);
        Assert.Equal(claimBefore.Spec.VolumeName, claimAfter.Spec.VolumeName);
    }

    [Fact]
    public async Task Parallel_creates_all_pods_without_waiting()
    {
        var ns = await cp.NewNamespaceAsync("sts");
        using var log = await WatchPods(ns);
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("par", 3, policy: "Parallel", claims: false), ns);
        await ReadyPods(ns, "par", "par-0", "par-1", "par-2");
        var firstReady = log.First(e => e.Ready);
        Assert.True(log.First(e => e is { Type: WatchEventType.Added, Name: "par-2" }) < firstReady);
        Assert.True(log.First(e => e is { Type: WatchEventType.Added, Name: "par-1" }) < firstReady);
    }

    [Fact]
    public async Task Rolling_update_goes_from_the_highest_ordinal_down_and_respects_the_partition()
    {
        var ns = await cp.NewNamespaceAsync("sts");
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("ru", 3, claims: false), ns);
        await ReadyPods(ns, "ru", "ru-0", "ru-1", "ru-2");
        var oldRevision = (await Client.AppsV1.ReadNamespacedStatefulSetAsync("ru", ns)).Status.CurrentRevision;
        using var log = await WatchPods(ns);

        // partition 2: only ordinals >= 2 move to the new revision.
        var patch = """{"spec":{"updateStrategy":{"rollingUpdate":{"partition":2}},"template":{"spec":{"containers":[{"name":"nginx","image":"registry.k8s.io/nginx-slim:0.28"}]}}}}""";
        await Client.AppsV1.PatchNamespacedStatefulSetAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), "ru", ns);
        var partial = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedStatefulSetAsync("ru", ns),
            s => s.Status?.UpdatedReplicas == 1 && s.Status.ReadyReplicas == 3, "one updated pod");
        Assert.Equal(oldRevision, partial.Status.CurrentRevision);
        Assert.NotEqual(oldRevision, partial.Status.UpdateRevision);
        Assert.Equal(2, partial.Status.CurrentReplicas);
        var pods = await ReadyPods(ns, "ru", "ru-0", "ru-1", "ru-2");
        Assert.Equal(["registry.k8s.io/nginx-slim:0.27", "registry.k8s.io/nginx-slim:0.27", "registry.k8s.io/nginx-slim:0.28"],
            pods.Select(p => p.Spec.Containers[0].Image));

        await Client.AppsV1.PatchNamespacedStatefulSetAsync(new V1Patch("""{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}""", V1Patch.PatchType.MergePatch), "ru", ns);
        var done = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedStatefulSetAsync("ru", ns),
            s => s.Status?.UpdatedReplicas == 3 && s.Status.ReadyReplicas == 3 && s.Status.CurrentRevision == s.Status.UpdateRevision, "rollout complete", 20);
        Assert.Equal(3, done.Status.CurrentReplicas);
        var deletions = new[] { "ru-2", "ru-1", "ru-0" }.Select(n => log.First(e => e.Name == n && e.Terminating)).ToList();
        Assert.True(deletions[0] < deletions[1] && deletions[1] < deletions[2], "pods were not replaced from the highest ordinal down");
        // Each replacement waited for the previous pod to be ready again.
        Assert.True(log.First(e => e is { Type: WatchEventType.Modified, Name: "ru-1", Ready: true, Terminating: false }, after: deletions[1]) < deletions[2]);
    }

    [Fact]
    public async Task WhenScaled_Delete_removes_the_claims_of_removed_ordinals()
    {
        var ns = await cp.NewNamespaceAsync("sts");
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("tmp", 2, whenScaled: "Delete"), ns);
        await ReadyPods(ns, "tmp", "tmp-0", "tmp-1");
        await Client.AppsV1.PatchNamespacedStatefulSetScaleAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "tmp", ns);
        await ReadyPods(ns, "tmp", "tmp-0");
        var claims = await ObservedState.Until(() => Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns),
            l => l.Items.Count == 1, "only www-tmp-0 left", 20, l => string.Join(", ", l.Items.Select(c => c.Metadata.Name)));
        Assert.Equal("www-tmp-0", claims.Items[0].Metadata.Name);
    }

    [Fact]
    public async Task OnDelete_changes_only_pods_deleted_by_hand()
    {
        var ns = await cp.NewNamespaceAsync("sts");
        var set = StatefulSet("od", 2, claims: false);
        set.Spec.UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "OnDelete" };
        await Client.AppsV1.CreateNamespacedStatefulSetAsync(set, ns);
        await ReadyPods(ns, "od", "od-0", "od-1");

        var patch = """{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"registry.k8s.io/nginx-slim:0.28"}]}}}}""";
        await Client.AppsV1.PatchNamespacedStatefulSetAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), "od", ns);
        var pending = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedStatefulSetAsync("od", ns),
            s => s.Status?.ObservedGeneration == 2, "the new generation observed");
        Assert.NotEqual(pending.Status.CurrentRevision, pending.Status.UpdateRevision);
        await Task.Delay(500);
        Assert.All(await Pods(ns, "od"), p => Assert.Equal("registry.k8s.io/nginx-slim:0.27", p.Spec.Containers[0].Image));

        await Client.CoreV1.DeleteNamespacedPodAsync("od-0", ns);
        var pods = await ObservedState.Until(() => Pods(ns, "od"),
            l => l.Count == 2 && l.All(Ready) && l[0].Spec.Containers[0].Image.EndsWith("0.28", StringComparison.Ordinal), "od-0 re-created from the new template", 20, Describe);
        Assert.Equal("registry.k8s.io/nginx-slim:0.27", pods[1].Spec.Containers[0].Image);
        await ObservedState.Until(() => Client.AppsV1.ReadNamespacedStatefulSetAsync("od", ns),
            s => s.Status?.UpdatedReplicas == 1 && s.Status.CurrentReplicas == 1, "updatedReplicas 1, currentReplicas 1");
    }
}
