using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// The Deployment controller over real HTTP on a simulated cluster (pkg/controller/deployment: sync.go, rolling.go,
/// recreate.go, progress.go): ReplicaSet naming and revisions, the surge/unavailable band during a rollout, Recreate's
/// gap, a rollout stuck on a bad image, the history limit and pausing.
/// </summary>
public class DeploymentControllerTests(ControlPlaneCluster cp) : IClassFixture<ControlPlaneCluster>
{
    private const string Hash = "[bcdfghjklmnpqrstvwxz2456789]{1,10}";
    private IKubernetes Client => cp.Client;

    public static V1Deployment Web(int replicas, string image = "nginx:1.27.0", string? strategy = null, string? maxSurge = null, string? maxUnavailable = null,
        int? progressDeadlineSeconds = null, int? revisionHistoryLimit = null) => new()
    {
        ApiVersion = "apps/v1", Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Strategy = strategy is null && maxSurge is null && maxUnavailable is null ? null : new V1DeploymentStrategy
            {
                Type = strategy ?? "RollingUpdate",
                RollingUpdate = maxSurge is null && maxUnavailable is null ? null : new V1RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable },
            },
            ProgressDeadlineSeconds = progressDeadlineSeconds,
            RevisionHistoryLimit = revisionHistoryLimit,
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = image }] },
            },
        },
    };

    private async Task<List<V1ReplicaSet>> ReplicaSets(string ns) =>
        (await Client.AppsV1.ListNamespacedReplicaSetAsync(ns)).Items.OrderBy(rs => Revision(rs)).ToList();

    private static long Revision(V1ReplicaSet rs) => long.Parse(rs.Metadata.Annotations?["deployment.kubernetes.io/revision"] ?? "0");

    private static string Describe(V1Deployment d) =>
        $"gen {d.Metadata.Generation} observed {d.Status?.ObservedGeneration} replicas {d.Status?.Replicas} updated {d.Status?.UpdatedReplicas} ready {d.Status?.ReadyReplicas} available {d.Status?.AvailableReplicas}; " +
        string.Join("; ", (d.Status?.Conditions ?? []).Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"));

    /// <summary>What `kubectl rollout status` waits for: every replica updated and available, and the controller has seen the latest spec.</summary>
    public static bool RolledOut(V1Deployment d) =>
        d.Status?.ObservedGeneration >= d.Metadata.Generation && d.Status.UpdatedReplicas == d.Spec.Replicas
        && d.Status.Replicas == d.Spec.Replicas && d.Status.AvailableReplicas == d.Spec.Replicas;

    private Task<V1Deployment> WaitRolledOut(string ns, double seconds = 30) =>
        ObservedState.Until(() => Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns), RolledOut, "the rollout to finish", seconds, Describe);

    private Task SetImage(string ns, string image) => Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"" + image + "\"}]}}}}", V1Patch.PatchType.StrategicMergePatch), "web", ns);

    [Fact]
    public async Task Creates_a_replica_set_named_after_the_pod_template_hash_with_revision_1_and_reports_status()
    {
        var ns = await cp.NewNamespaceAsync("deploy-create");
        var created = await Client.AppsV1.CreateNamespacedDeploymentAsync(Web(3), ns);
        var d = await WaitRolledOut(ns);

        var rs = Assert.Single(await ReplicaSets(ns));
        var hash = rs.Metadata.Labels["pod-template-hash"];
        Assert.Matches($"^{Hash}$", hash);
        Assert.Equal($"web-{hash}", rs.Metadata.Name);
        Assert.Equal(hash, rs.Spec.Selector.MatchLabels["pod-template-hash"]);
        Assert.Equal(hash, rs.Spec.Template.Metadata.Labels["pod-template-hash"]);
        var owner = Assert.Single(rs.Metadata.OwnerReferences);
        Assert.Equal(("Deployment", "web", created.Metadata.Uid, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller));
        Assert.Equal("1", rs.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal("3", rs.Metadata.Annotations["deployment.kubernetes.io/desired-replicas"]);
        Assert.Equal("4", rs.Metadata.Annotations["deployment.kubernetes.io/max-replicas"]); // 3 + maxSurge ceil(25% of 3) = 1
        Assert.Equal("1", d.Metadata.Annotations["deployment.kubernetes.io/revision"]);

        var pods = (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items;
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.Equal(hash, p.Metadata.Labels["pod-template-hash"]));
        Assert.All(pods, p => Assert.StartsWith($"web-{hash}-", p.Metadata.Name));

        Assert.Equal((0, 3), (d.Status.UnavailableReplicas ?? 0, d.Status.ReadyReplicas ?? 0));
        var available = Assert.Single(d.Status.Conditions, c => c.Type == "Available");
        Assert.Equal(("True", "MinimumReplicasAvailable", "Deployment has minimum availability."), (available.Status, available.Reason, available.Message));
        var progressing = Assert.Single(d.Status.Conditions, c => c.Type == "Progressing");
        Assert.Equal(("True", "NewReplicaSetAvailable", $"ReplicaSet \"web-{hash}\" has successfully progressed."), (progressing.Status, progressing.Reason, progressing.Message));

        // Level-triggered and idempotent: once rolled out, the controller stops writing (no status ping-pong).
        await Task.Delay(700);
        Assert.Equal(d.Metadata.ResourceVersion, (await Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns)).Metadata.ResourceVersion);

        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "web"), e => e.Any(x => x.Reason == "ScalingReplicaSet"), "a ScalingReplicaSet event");
        var ev = Assert.Single(events, e => e.Reason == "ScalingReplicaSet");
        Assert.Equal(($"Scaled up replica set web-{hash} to 3", "deployment-controller"), (ev.Message, ev.Source.Component));
    }

    [Theory]
    [InlineData(4, null, null, 1, 1)]    // defaults 25%/25% of 4
    [InlineData(3, "0", "1", 0, 1)]
    [InlineData(10, null, null, 3, 2)]   // 25% of 10: surge 3 (up), unavailable 2 (down)
    [InlineData(60, null, null, 15, 15)]
    public async Task A_rolling_update_stays_within_the_surge_and_unavailable_band(int replicas, string? maxSurge, string? maxUnavailable, int surge, int unavailable)
    {
        var ns = await cp.NewNamespaceAsync("deploy-band");
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Web(replicas, maxSurge: maxSurge, maxUnavailable: maxUnavailable), ns);
        await WaitRolledOut(ns);

        var samples = new ConcurrentQueue<(int Total, int Available, int NewSpec, int OldSpec)>();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var rss = (await Client.AppsV1.ListNamespacedReplicaSetAsync(ns)).Items;
                samples.Enqueue((rss.Sum(r => r.Spec.Replicas ?? 0), rss.Sum(r => r.Status?.AvailableReplicas ?? 0),
                    rss.Where(r => r.Spec.Template.Spec.Containers[0].Image == "nginx:1.27.1").Sum(r => r.Spec.Replicas ?? 0),
                    rss.Where(r => r.Spec.Template.Spec.Containers[0].Image == "nginx:1.27.0").Sum(r => r.Spec.Replicas ?? 0)));
                await Task.Delay(15);
            }
        });
        await SetImage(ns, "nginx:1.27.1");
        var d = await WaitRolledOut(ns, 60);
        await stop.CancelAsync();
        await sampler;

        Assert.All(samples, s => Assert.InRange(s.Total, 0, replicas + surge));
        Assert.All(samples, s => Assert.True(s.Available >= replicas - unavailable, $"available {s.Available} < {replicas} - {unavailable}"));
        Assert.Contains(samples, s => s.NewSpec > 0 && s.NewSpec < replicas); // it really rolled gradually
        var oldSizes = samples.Select(s => s.OldSpec).ToList();
        Assert.True(oldSizes.Zip(oldSizes.Skip(1)).All(p => p.Second <= p.First), "the old ReplicaSet only ever shrinks: " + string.Join(",", oldSizes.Where((x, i) => i == 0 || x != oldSizes[i - 1])));
        var rsList = await ReplicaSets(ns);
        Assert.Equal([0, replicas], rsList.Select(r => r.Spec.Replicas ?? -1));
        Assert.Equal("2", d.Metadata.Annotations["deployment.kubernetes.io/revision"]);
    }

    [Fact]
    public async Task Revisions_count_up_and_a_template_rolled_back_reuses_its_replica_set_with_the_next_number()
    {
        var ns = await cp.NewNamespaceAsync("deploy-rev");
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Web(2), ns);
        await WaitRolledOut(ns);
        var first = Assert.Single(await ReplicaSets(ns));
        await SetImage(ns, "nginx:1.27.1");
        await WaitRolledOut(ns);
        await SetImage(ns, "nginx:1.27.2");
        await WaitRolledOut(ns);
        Assert.Equal([1L, 2L, 3L], (await ReplicaSets(ns)).Select(Revision));

        await SetImage(ns, "nginx:1.27.0"); // the first template again
        var d = await WaitRolledOut(ns);
        var rsList = await ReplicaSets(ns);
        Assert.Equal(3, rsList.Count); // no new ReplicaSet: the old one is scaled back up
        var reused = rsList.Single(r => r.Metadata.Uid == first.Metadata.Uid);
        Assert.Equal("4", reused.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal("1", reused.Metadata.Annotations["deployment.kubernetes.io/revision-history"]);
        Assert.Equal(2, reused.Spec.Replicas);
        Assert.Equal("4", d.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal([2L, 3L, 4L], rsList.Select(Revision));
    }

    [Fact]
    public async Task Recreate_scales_the_old_replica_set_to_zero_and_waits_for_its_pods_before_starting_new_ones()
    {
        var ns = await cp.NewNamespaceAsync("deploy-recreate");
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Web(3, strategy: "Recreate"), ns);
        var before = await WaitRolledOut(ns);
        Assert.Null(before.Spec.Strategy.RollingUpdate);

        var samples = new ConcurrentBag<(int Available, int OldPods, int NewPods)>();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var pods = (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items;
                var rss = (await Client.AppsV1.ListNamespacedReplicaSetAsync(ns)).Items;
                samples.Add((rss.Sum(r => r.Status?.AvailableReplicas ?? 0),
                    pods.Count(p => p.Spec.Containers[0].Image == "nginx:1.27.0"), pods.Count(p => p.Spec.Containers[0].Image == "nginx:1.27.1")));
                await Task.Delay(15);
            }
        });
        await SetImage(ns, "nginx:1.27.1");
        await WaitRolledOut(ns);
        await stop.CancelAsync();
        await sampler;

        Assert.Contains(samples, s => s.Available == 0);                  // the gap Recreate leaves
        Assert.DoesNotContain(samples, s => s.OldPods > 0 && s.NewPods > 0); // never old and new side by side
        var events = (await cp.EventsAsync(ns, "web")).Where(e => e.Reason == "ScalingReplicaSet").Select(e => e.Message).ToList();
        var rsList = await ReplicaSets(ns);
        Assert.Contains($"Scaled down replica set {rsList[0].Metadata.Name} to 0 from 3", events);
        Assert.Contains($"Scaled up replica set {rsList[1].Metadata.Name} to 3", events);
    }

    [Fact]
    public async Task A_bad_image_leaves_the_rollout_stuck_past_its_deadline_and_rolling_back_recovers()
    {
        var ns = await cp.NewNamespaceAsync("deploy-stuck");
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Web(4, progressDeadlineSeconds: 3), ns);
        await WaitRolledOut(ns);
        await SetImage(ns, "nginx:1.27.1-does-not-exist");

        var d = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns),
            x => x.Status?.Conditions?.Any(c => c.Type == "Progressing" && c.Status == "False") == true, "ProgressDeadlineExceeded", 20, Describe);
        var rsList = await ReplicaSets(ns);
        var (oldRs, newRs) = (rsList[0], rsList[1]);
        var progressing = d.Status.Conditions.Single(c => c.Type == "Progressing");
        Assert.Equal(("ProgressDeadlineExceeded", $"ReplicaSet \"{newRs.Metadata.Name}\" has timed out progressing."), (progressing.Reason, progressing.Message));
        // 25% of 4: surge 1, unavailable 1 → the new ReplicaSet got 2 pods (5 total, then one old removed), old keeps 3 available.
        Assert.Equal((3, 2), (oldRs.Spec.Replicas, newRs.Spec.Replicas));
        Assert.Equal(3, oldRs.Status.AvailableReplicas);
        Assert.Equal(("True", 3), (d.Status.Conditions.Single(c => c.Type == "Available").Status, d.Status.AvailableReplicas));
        var newPods = (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"pod-template-hash={newRs.Metadata.Labels["pod-template-hash"]}")).Items;
        Assert.All(newPods, p => Assert.Contains(p.Status.ContainerStatuses?[0].State?.Waiting?.Reason, new[] { "ErrImagePull", "ImagePullBackOff" }));

        await SetImage(ns, "nginx:1.27.0"); // what `kubectl rollout undo` amounts to
        d = await WaitRolledOut(ns);
        rsList = await ReplicaSets(ns);
        Assert.Equal((4, 0), (rsList.Single(r => r.Metadata.Uid == oldRs.Metadata.Uid).Spec.Replicas, rsList.Single(r => r.Metadata.Uid == newRs.Metadata.Uid).Spec.Replicas));
        Assert.Equal("NewReplicaSetAvailable", d.Status.Conditions.Single(c => c.Type == "Progressing").Reason);
    }

    [Fact]
    public async Task Old_replica_sets_beyond_revision_history_limit_are_deleted()
    {
        var ns = await cp.NewNamespaceAsync("deploy-history");
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Web(1, revisionHistoryLimit: 1), ns);
        await WaitRolledOut(ns);
        foreach (var tag in new[] { "1.27.1", "1.27.2", "1.27.3" })
        {
            await SetImage(ns, $"nginx:{tag}");
            await WaitRolledOut(ns);
        }
        var rsList = await ObservedState.Until(() => ReplicaSets(ns), l => l.Count == 2, "two ReplicaSets (the new one + 1 old)", 15,
            l => string.Join(",", l.Select(r => $"{r.Metadata.Name}@{Revision(r)}")));
        Assert.Equal([3L, 4L], rsList.Select(Revision));
    }

    [Fact]
    public async Task A_paused_deployment_does_not_roll_out_until_resumed_but_still_scales()
    {
        var ns = await cp.NewNamespaceAsync("deploy-pause");
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Web(2), ns);
        await WaitRolledOut(ns);
        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"paused":true}}""", V1Patch.PatchType.MergePatch), "web", ns);
        await SetImage(ns, "nginx:1.27.1");
        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "web", ns);
        var d = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedDeploymentAsync("web", ns),
            x => x.Status?.AvailableReplicas == 3 && x.Status.Conditions?.Any(c => c.Reason == "DeploymentPaused") == true, "paused and scaled to 3", 20, Describe);
        Assert.Equal(("Unknown", "Deployment is paused"), d.Status.Conditions.Where(c => c.Type == "Progressing").Select(c => (c.Status, c.Message)).Single());
        Assert.Single(await ReplicaSets(ns)); // no new ReplicaSet while paused

        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"paused":false}}""", V1Patch.PatchType.MergePatch), "web", ns);
        await WaitRolledOut(ns);
        var rsList = await ReplicaSets(ns);
        Assert.Equal([0, 3], rsList.Select(r => r.Spec.Replicas ?? -1));
    }
    [Fact]
    public async Task Scaling_in_the_middle_of_a_rollout_shares_new_replicas_in_proportion()
    {
        // The Kubernetes docs' "proportional scaling" example: 10 replicas, maxSurge 3, maxUnavailable 2, an unresolvable image
        // leaves 8 old + 5 new; scaling to 15 adds 3 to the old ReplicaSet and 2 to the new one (5·18/13 ≈ 7, 8·18/13 ≈ 11).
        var ns = await cp.NewNamespaceAsync("deploy-proportional");
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Web(10, maxSurge: "3", maxUnavailable: "2"), ns);
        await WaitRolledOut(ns);
        await SetImage(ns, "nginx:1.27.1-does-not-exist");
        await ObservedState.Until(() => ReplicaSets(ns), l => l.Count == 2 && l[0].Spec.Replicas == 8 && l[1].Spec.Replicas == 5, "8 old + 5 new replicas", 20,
            l => string.Join(",", l.Select(r => $"{r.Metadata.Name}={r.Spec.Replicas}")));

        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":15}}""", V1Patch.PatchType.MergePatch), "web", ns);
        var rsList = await ObservedState.Until(() => ReplicaSets(ns), l => l.All(r => r.Metadata.Annotations["deployment.kubernetes.io/desired-replicas"] == "15"),
            "both ReplicaSets resized for 15 replicas", 20, l => string.Join(",", l.Select(r => $"{r.Metadata.Name}={r.Spec.Replicas}")));
        Assert.Equal([11, 7], rsList.Select(r => r.Spec.Replicas ?? -1));
        Assert.All(rsList, r => Assert.Equal("18", r.Metadata.Annotations["deployment.kubernetes.io/max-replicas"]));
    }
}
