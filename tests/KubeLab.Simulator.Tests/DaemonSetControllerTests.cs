using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// The DaemonSet controller over real HTTP (pkg/controller/daemon behaviour) on the kind-shaped cluster: a tainted
/// control-plane node and two workers.
/// </summary>
public class DaemonSetControllerTests(ControlPlaneCluster cp) : IClassFixture<ControlPlaneCluster>
{
    private const string ControlPlane = "k8s-course-control-plane";
    private static readonly string[] Workers = ["k8s-course-worker", "k8s-course-worker2"];
    private IKubernetes Client => cp.Client;

    private static V1DaemonSet DaemonSet(string name, Action<V1PodSpec>? spec = null)
    {
        var ds = new V1DaemonSet
        {
            ApiVersion = "apps/v1", Kind = "DaemonSet",
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "agent", Image = "fluent/fluent-bit:3.2.2" }] },
                },
            },
        };
        spec?.Invoke(ds.Spec.Template.Spec);
        return ds;
    }

    private async Task<List<V1Pod>> ActivePods(string ns, string app) =>
        (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"app={app}")).Items.Where(p => p.Metadata.DeletionTimestamp is null).ToList();

    private static bool Ready(V1Pod p) => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static string Describe(List<V1Pod> pods) =>
        string.Join(", ", pods.Select(p => $"{p.Metadata.Name}@{p.Spec.NodeName ?? "-"}:{p.Status?.Phase}{(Ready(p) ? "/ready" : "")}"));

    private Task<List<V1Pod>> ReadyPodsOn(string ns, string app, params string[] nodes) =>
        ObservedState.Until(() => ActivePods(ns, app),
            pods => pods.Count == nodes.Length && pods.All(Ready) && pods.Select(p => p.Spec.NodeName).Order().SequenceEqual(nodes.Order()),
            $"one ready pod on each of {string.Join(", ", nodes)}", 20, Describe);

    [Fact]
    public async Task Runs_one_pod_per_worker_and_none_on_the_tainted_control_plane()
    {
        var ns = await cp.NewNamespaceAsync("ds");
        await Client.AppsV1.CreateNamespacedDaemonSetAsync(DaemonSet("agent"), ns);
        var pods = await ReadyPodsOn(ns, "agent", Workers);

        var ds = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("agent", ns),
            d => d.Status?.NumberReady == 2 && d.Status.NumberAvailable == 2, "status numberReady=2");
        Assert.Equal(2, ds.Status.DesiredNumberScheduled);
        Assert.Equal(2, ds.Status.CurrentNumberScheduled);
        Assert.Equal(2, ds.Status.UpdatedNumberScheduled);
        Assert.Equal(0, ds.Status.NumberMisscheduled);
        Assert.Null(ds.Status.NumberUnavailable);
        Assert.Equal(ds.Metadata.Generation, ds.Status.ObservedGeneration);

        foreach (var pod in pods)
        {
            Assert.Matches(new Regex("^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$"), pod.Metadata.Name);
            Assert.Equal("1", pod.Metadata.Labels["pod-template-generation"]);
            Assert.True(pod.Metadata.Labels.ContainsKey("controller-revision-hash"));
            // Pinned by required node affinity on metadata.name, placed by the default scheduler.
            var field = Assert.Single(Assert.Single(pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms).MatchFields);
            Assert.Equal(("metadata.name", "In", pod.Spec.NodeName), (field.Key, field.OperatorProperty, Assert.Single(field.Values)));
            var tolerations = pod.Spec.Tolerations.Select(t => $"{t.Key}:{t.OperatorProperty}:{t.Effect}").ToList();
            Assert.Contains("node.kubernetes.io/not-ready:Exists:NoExecute", tolerations);
            Assert.Contains("node.kubernetes.io/unreachable:Exists:NoExecute", tolerations);
            Assert.Contains("node.kubernetes.io/disk-pressure:Exists:NoSchedule", tolerations);
            Assert.Contains("node.kubernetes.io/memory-pressure:Exists:NoSchedule", tolerations);
            Assert.Contains("node.kubernetes.io/pid-pressure:Exists:NoSchedule", tolerations);
            Assert.Contains("node.kubernetes.io/unschedulable:Exists:NoSchedule", tolerations);
            Assert.DoesNotContain(tolerations, t => t.StartsWith("node-role.kubernetes.io/control-plane", StringComparison.Ordinal));
        }

        var revisions = await Client.AppsV1.ListNamespacedControllerRevisionAsync(ns);
        var revision = Assert.Single(revisions.Items);
        Assert.Equal($"agent-{pods[0].Metadata.Labels["controller-revision-hash"]}", revision.Metadata.Name);
        Assert.Equal(1, revision.Revision);

        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "agent"), e => e.Count(x => x.Reason == "SuccessfulCreate") == 2, "two SuccessfulCreate events");
        Assert.All(events.Where(e => e.Reason == "SuccessfulCreate"), e => Assert.Matches("^Created pod: agent-", e.Message));
        Assert.All(events, e => Assert.Equal("daemonset-controller", e.Source.Component));
    }

    [Fact]
    public async Task Tolerating_the_control_plane_taint_adds_the_third_node()
    {
        var ns = await cp.NewNamespaceAsync("ds");
        await Client.AppsV1.CreateNamespacedDaemonSetAsync(DaemonSet("everywhere", s => s.Tolerations =
            [new V1Toleration { Key = "node-role.kubernetes.io/control-plane", OperatorProperty = "Exists", Effect = "NoSchedule" }]), ns);
        await ReadyPodsOn(ns, "everywhere", [ControlPlane, .. Workers]);
        var ds = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("everywhere", ns),
            d => d.Status?.NumberReady == 3, "status numberReady=3");
        Assert.Equal(3, ds.Status.DesiredNumberScheduled);
    }

    [Fact]
    public async Task Pods_follow_node_labels_with_a_node_selector()
    {
        var ns = await cp.NewNamespaceAsync("ds");
        var label = $"disk-{ns}";
        await Client.AppsV1.CreateNamespacedDaemonSetAsync(DaemonSet("ssd", s => s.NodeSelector = new Dictionary<string, string> { [label] = "ssd" }), ns);
        await ObservedState.Until(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("ssd", ns), d => d.Status?.ObservedGeneration == 1, "first status");
        Assert.Empty(await ActivePods(ns, "ssd"));

        async Task Label(string node, string? value)
        {
            var json = value is null ? "null" : $"\"{value}\"";
            var patch = "{\"metadata\":{\"labels\":{\"" + label + "\":" + json + "}}}";
            await Client.CoreV1.PatchNodeAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), node);
        }
        try
        {
            await Label(Workers[0], "ssd");
            await ReadyPodsOn(ns, "ssd", Workers[0]);
            await Label(Workers[1], "ssd");
            await ReadyPodsOn(ns, "ssd", Workers);
            await Label(Workers[0], null); // no longer eligible: its pod is deleted
            await ReadyPodsOn(ns, "ssd", Workers[1]);
            var ds = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("ssd", ns),
                d => d.Status?.DesiredNumberScheduled == 1 && d.Status.CurrentNumberScheduled == 1 && d.Status.NumberReady == 1 && d.Status.NumberMisscheduled == 0,
                "status for one node, none misscheduled");
            Assert.Equal(1, ds.Status.NumberAvailable);
            var events = await ObservedState.Until(() => cp.EventsAsync(ns, "ssd"), e => e.Any(x => x.Reason == "SuccessfulDelete"), "a SuccessfulDelete event");
            Assert.Matches("^Deleted pod: ssd-", events.First(e => e.Reason == "SuccessfulDelete").Message);
        }
        finally
        {
            await Label(Workers[0], null);
            await Label(Workers[1], null);
        }
    }

    [Fact]
    public async Task Rolling_update_replaces_one_node_at_a_time()
    {
        var ns = await cp.NewNamespaceAsync("ds");
        await Client.AppsV1.CreateNamespacedDaemonSetAsync(DaemonSet("roll"), ns);
        var before = await ReadyPodsOn(ns, "roll", Workers);
        var oldHash = before[0].Metadata.Labels["controller-revision-hash"];

        var patch = """{"spec":{"template":{"spec":{"containers":[{"name":"agent","image":"fluent/fluent-bit:3.2.3"}]}}}}""";
        await Client.AppsV1.PatchNamespacedDaemonSetAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), "roll", ns);

        // maxUnavailable 1, maxSurge 0: at every moment at least one of the two nodes has a ready pod.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var minReady = int.MaxValue;
        var maxOnOneNode = 0;
        List<V1Pod> pods;
        while (true)
        {
            var all = (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "app=roll")).Items;
            maxOnOneNode = Math.Max(maxOnOneNode, all.GroupBy(p => p.Spec.NodeName ?? p.Metadata.Name).Max(g => g.Count()));
            pods = all.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
            minReady = Math.Min(minReady, pods.Count(Ready));
            if (pods.Count == 2 && pods.All(Ready) && pods.All(p => p.Spec.Containers[0].Image == "fluent/fluent-bit:3.2.3")) break;
            Assert.True(DateTime.UtcNow < deadline, $"rollout did not finish: {Describe(pods)}");
            await Task.Delay(20);
        }
        Assert.True(minReady >= 1, "both nodes were without a ready pod at once");
        // maxSurge 0: the new pod is created only after the old one on that node is gone – never two on one node.
        Assert.Equal(1, maxOnOneNode);
        Assert.All(pods, p => Assert.NotEqual(oldHash, p.Metadata.Labels["controller-revision-hash"]));
        Assert.All(pods, p => Assert.Equal("2", p.Metadata.Labels["pod-template-generation"]));
        var ds = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("roll", ns),
            d => d.Status?.UpdatedNumberScheduled == 2 && d.Status.NumberAvailable == 2 && d.Status.ObservedGeneration == 2, "updated status");
        Assert.Equal(2, ds.Status.DesiredNumberScheduled);
        var revisions = (await Client.AppsV1.ListNamespacedControllerRevisionAsync(ns)).Items.OrderBy(r => r.Revision).ToList();
        Assert.Equal([1L, 2L], revisions.Select(r => r.Revision));
        Assert.Equal($"roll-{oldHash}", revisions[0].Metadata.Name);
    }

    [Fact]
    public async Task A_NoSchedule_taint_keeps_the_running_pod_as_misscheduled_and_NoExecute_removes_it()
    {
        var ns = await cp.NewNamespaceAsync("ds");
        await Client.AppsV1.CreateNamespacedDaemonSetAsync(DaemonSet("tainted"), ns);
        await ReadyPodsOn(ns, "tainted", Workers);
        var node = Workers[1];

        async Task Taint(string? effect)
        {
            var taints = effect is null ? "null" : $"[{{\"key\":\"kubelab.io/{ns}\",\"effect\":\"{effect}\"}}]";
            await Client.CoreV1.PatchNodeAsync(new V1Patch($"{{\"spec\":{{\"taints\":{taints}}}}}", V1Patch.PatchType.MergePatch), node);
        }
        try
        {
            // NoSchedule stops new pods, not running ones: the pod stays and is counted as misscheduled.
            await Taint("NoSchedule");
            var ds = await ObservedState.Until(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("tainted", ns),
                d => d.Status?.DesiredNumberScheduled == 1 && d.Status.NumberMisscheduled == 1, "desired 1, misscheduled 1");
            Assert.Equal(1, ds.Status.CurrentNumberScheduled);
            await Task.Delay(300);
            Assert.Equal(2, (await ActivePods(ns, "tainted")).Count);

            // NoExecute evicts: the pod on that node goes.
            await Taint("NoExecute");
            await ReadyPodsOn(ns, "tainted", Workers[0]);
            await ObservedState.Until(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("tainted", ns),
                d => d.Status?.DesiredNumberScheduled == 1 && d.Status.NumberMisscheduled == 0 && d.Status.CurrentNumberScheduled == 1, "misscheduled 0 after eviction");

            // Taint removed: the node is eligible again and gets a pod back.
            await Taint(null);
            await ReadyPodsOn(ns, "tainted", Workers);
        }
        finally
        {
            await Taint(null);
        }
    }
}
