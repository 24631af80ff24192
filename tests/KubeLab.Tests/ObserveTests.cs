using k8s;
using k8s.Models;

namespace KubeLab.Tests;

/// <summary>Recorder, WaitFor* and their failure messages against the simulated cluster (with its controllers and kubelet).</summary>
public class ObserveTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>
{
    internal static string ReplicaSet(string name, int replicas, string image = "nginx:1.27") => $"""
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: {name}
        spec:
          replicas: {replicas}
          selector:
            matchLabels: {"{"}app: {name}{"}"}
          template:
            metadata:
              labels: {"{"}app: {name}{"}"}
            spec:
              containers:
              - name: app
                image: {image}
        """;

    [Fact]
    public async Task Recorder_timeline_sees_pods_added_running_and_deleted()
    {
        await using var lab = await Lab.StartAsync("recorder", sim.Options);
        var recorder = lab.StartRecording();
        await lab.ApplyAsync(ReplicaSet("web", 2));
        await lab.WaitForReplicaSetReadyAsync("web", TimeSpan.FromSeconds(30));
        var pods = await lab.PodsAsync("app=web");
        Assert.Equal(2, pods.Count);
        Assert.All(pods.Rows, r => Assert.Equal("Running", r.Status));
        Assert.All(pods.Rows, r => Assert.Equal("1/1", r.Ready));

        var victim = pods.Rows[0].Name;
        await lab.Client.CoreV1.DeleteNamespacedPodAsync(victim, lab.Namespace);
        await lab.WaitForPodsAsync("app=web", ps => ps.Count(p => p.Metadata.DeletionTimestamp is null && PodStatusText.IsReady(p)) == 2 && ps.All(p => p.Metadata.Name != victim),
            "the deleted pod to be replaced and gone", TimeSpan.FromSeconds(30));
        var timeline = recorder.Stop();

        Assert.Contains(timeline.Entries, e => e is { Kind: "Pod", Event: "ADDED" });
        Assert.Contains(timeline.Entries, e => e is { Kind: "Pod", Phase: "Running", Ready: true });
        Assert.Contains(timeline.Entries, e => e.Kind == "Pod" && e.Name == victim && e.Event == "DELETED");
        Assert.True(timeline.Entries.Any(e => e.Kind == "Event" && e.Event == "Scheduled"), string.Join("\n", timeline.Entries.Where(e => e.Kind == "Event")));
        Assert.Equal(2, timeline.ReplicaSeries("web")[^1].Ready);
        var lives = timeline.PodLifetimes("app=web");
        Assert.Equal(3, lives.Count);
        var deleted = lives.Single(l => l.Name == victim);
        Assert.True(deleted.Deleted > deleted.Ready && deleted.Ready > deleted.Created);
        Assert.Same(timeline, recorder.Stop());
    }

    [Fact]
    public async Task Wait_timeout_explains_image_pull_failures_and_shows_events()
    {
        await using var lab = await Lab.StartAsync("pullfail", sim.Options);
        await lab.ApplyAsync(ReplicaSet("broken", 1, "nginx:nonexistent"));
        var e = await Assert.ThrowsAsync<WaitTimeoutException>(() => lab.WaitForReplicaSetReadyAsync("broken", TimeSpan.FromSeconds(4)));
        Assert.Contains("ReplicaSet broken to have all replicas ready", e.Message);
        Assert.Matches("ErrImagePull|ImagePullBackOff", e.Diagnostics);
        Assert.Contains("Latest events:", e.Diagnostics);
        Assert.Contains("Hint: the image cannot be pulled", e.Diagnostics);
    }

    [Fact]
    public async Task Wait_for_pod_running_fails_fast_when_the_pod_finishes_instead()
    {
        await using var lab = await Lab.StartAsync("podfails", sim.Options);
        await lab.ApplyAsync("apiVersion: v1\nkind: Pod\nmetadata:\n  name: quitter\nspec:\n  restartPolicy: Never\n  containers:\n  - name: app\n    image: busybox:1.36\n    command: [\"false\"]\n");
        // Like a real kubelet, the pod is Running for a moment before it fails; once Failed, waiting for Running is pointless.
        await lab.WaitForPodsAsync("", pods => pods.Any(p => p.Metadata.Name == "quitter" && p.Status?.Phase == "Failed"), "quitter to fail", TimeSpan.FromSeconds(30));
        var e = await Assert.ThrowsAsync<WaitTimeoutException>(() => lab.WaitForPodRunningAsync("quitter", TimeSpan.FromSeconds(30)));
        Assert.Contains("phase Failed", e.Message);
        Assert.Contains("will never be Running", e.Message);
    }

    [Fact]
    public async Task Wait_timeout_shows_the_schedulers_message_for_unschedulable_pods()
    {
        await using var lab = await Lab.StartAsync("unsched", sim.Options);
        await lab.ApplyAsync("apiVersion: v1\nkind: Pod\nmetadata:\n  name: picky\n  labels: {app: picky}\nspec:\n  nodeSelector: {disk: ssd}\n  containers:\n  - name: app\n    image: nginx:1.27\n");
        var e = await Assert.ThrowsAsync<WaitTimeoutException>(() =>
            lab.WaitForPodsAsync("app=picky", pods => pods.All(p => p.Status?.Phase == "Running"), "picky to run", TimeSpan.FromSeconds(3)));
        Assert.Matches(@"Timed out after 3(\.\d)?s waiting for picky to run", e.Message);   // the elapsed time: 3.1s on a busy machine
        Assert.Contains("not scheduled: Unschedulable", e.Diagnostics);
        Assert.Contains("Hint: the scheduler found no node", e.Diagnostics);
    }

    [Fact]
    public async Task Wait_timeout_explains_pods_that_no_scheduler_picks_up()
    {
        await using var lab = await Lab.StartAsync("noscheduler", sim.Options);
        // Like on a real cluster, a pod asking for a scheduler that does not run stays Pending without any verdict.
        await lab.ApplyAsync("apiVersion: v1\nkind: Pod\nmetadata:\n  name: waiting\n  labels: {app: waiting}\nspec:\n  schedulerName: my-scheduler\n  containers:\n  - name: app\n    image: nginx:1.27\n");
        var e = await Assert.ThrowsAsync<WaitTimeoutException>(() =>
            lab.WaitForPodsAsync("app=waiting", pods => pods.All(p => p.Status?.Phase == "Running"), "waiting to run", TimeSpan.FromSeconds(2)));
        Assert.Contains("node <none>", e.Diagnostics);
        Assert.Contains("Hint: some pods have no node and no scheduling verdict yet – check spec.schedulerName", e.Diagnostics);
    }

    [Fact]
    public async Task Wait_for_pod_running_returns_the_running_pod()
    {
        await using var lab = await Lab.StartAsync("podrun", sim.Options);
        await lab.ApplyAsync("apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n");
        var pod = await lab.WaitForPodRunningAsync("solo", TimeSpan.FromSeconds(30));
        Assert.Equal("Running", pod.Status.Phase);
        Assert.NotNull(pod.Spec.NodeName);
        var nodes = await lab.NodesAsync();
        Assert.Contains(nodes.Rows, n => n.Name == pod.Spec.NodeName);
    }
}

public class ExperimentTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Self_healing_measures_one_recovery_per_round()
    {
        await using var lab = await Lab.StartAsync("selfheal", sim.Options);
        await lab.ApplyAsync(ObserveTests.ReplicaSet("web", 3));
        var result = await Experiments.SelfHealingAsync(lab, "web", rounds: 3);

        Assert.Equal(3, result.RecoveryTimes.Count);
        Assert.All(result.RecoveryTimes, t => Assert.True(t > TimeSpan.Zero && t < TimeSpan.FromSeconds(30)));
        Assert.Equal(3, result.DeletedPods.Distinct().Count());
        Assert.Empty(result.ReplacementPods.Intersect(result.DeletedPods));
        // A deleted pod is Terminating (graceful shutdown) while its replacement starts; the timeline sees the deletion start.
        Assert.All(result.DeletedPods, p => Assert.NotNull(result.Timeline.PodLifetimes().Single(l => l.Name == p).Terminating));
        Assert.Contains("Self-healing of ReplicaSet web", result.ToString());

        var chart = Plots.ReplicaTimeline(result.Timeline, "web");
        Assert.Contains("\"step\"", chart.SpecJson);
        var gantt = Plots.PodGantt(result.Timeline, "app=web");
        Assert.Equal(6, System.Text.Json.Nodes.JsonNode.Parse(gantt.SpecJson)!["traces"]!.AsArray()
            .Where(t => (string?)t!["name"] == "pending / not ready").SelectMany(t => t!["y"]!.AsArray()).Count());
    }

    [Fact]
    public async Task Relabelling_a_pod_out_orphans_it_and_the_replicaset_replaces_it()
    {
        await using var lab = await Lab.StartAsync("relabel", sim.Options);
        await lab.ApplyAsync(ObserveTests.ReplicaSet("web", 2));
        await lab.WaitForReplicaSetReadyAsync("web");
        var pod = (await lab.PodsAsync("app=web")).Rows[0].Name;

        var result = await Experiments.RelabelOutAsync(lab, pod, "app", "debug");

        Assert.Equal(pod, result.Orphan.Metadata.Name);
        Assert.True(result.OrphanHasNoController);
        Assert.Equal("debug", result.Orphan.Metadata.Labels["app"]);
        Assert.NotEqual(pod, result.Replacement.Metadata.Name);
        Assert.Equal("web", result.Replacement.Metadata.OwnerReferences.Single(o => o.Controller == true).Name);
        Assert.Equal(2, (await lab.PodsAsync("app=web")).Count);
        Assert.Equal(1, (await lab.PodsAsync("app=debug")).Count);
    }

    [Fact]
    public async Task A_matching_bare_pod_is_adopted_and_the_surplus_deleted()
    {
        await using var lab = await Lab.StartAsync("barepod", sim.Options);
        await lab.ApplyAsync(ObserveTests.ReplicaSet("web", 2));
        var result = await Experiments.AddBarePodAsync(lab,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: intruder\n  labels:\n    app: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n", "web");

        Assert.Equal("intruder", result.BarePodName);
        Assert.Equal(2, result.RemainingPods.Count);
        Assert.Single(result.DeletedPods);
        Assert.True(result.BarePodAdopted);
        // Kubernetes deletes the least valuable pod first (not ready / newest) – the bare pod that just started.
        Assert.Equal(result.BarePodDeleted, result.DeletedPods.Contains("intruder"));
        var live = await lab.PodsAsync("app=web");
        Assert.Equal(2, live.Rows.Count(r => r.Status != "Terminating"));
    }
}
