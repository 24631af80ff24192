using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>Waiting pods are retried when nodes change (kube-scheduler moves them back to its active queue on node events).</summary>
public class SchedulerRequeueTests(ControlPlaneCluster cp) : IClassFixture<ControlPlaneCluster>
{
    private IKubernetes Client => cp.Client;

    [Fact]
    public async Task Unschedulable_pod_is_placed_once_a_node_gets_the_wanted_label()
    {
        var ns = await cp.NewNamespaceAsync("late");
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("waiting",
            spec: s => s.NodeSelector = new Dictionary<string, string> { ["kubelab.test/pool"] = "late" }), ns);
        await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync("waiting", ns),
            p => p.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False") == true, "PodScheduled=False");

        var label = new V1Patch("""{"metadata":{"labels":{"kubelab.test/pool":"late"}}}""", V1Patch.PatchType.MergePatch);
        await Client.CoreV1.PatchNodeAsync(label, "k8s-course-worker2");

        var pod = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync("waiting", ns),
            p => p.Status?.Phase == "Running", "pod Running after the node was labelled", seconds: 10);
        Assert.Equal("k8s-course-worker2", pod.Spec.NodeName);
        Assert.Equal("True", pod.Status.Conditions.Single(c => c.Type == "PodScheduled").Status);
    }

    [Fact]
    public async Task Cordoned_node_gets_no_new_pods()
    {
        var ns = await cp.NewNamespaceAsync("cordon");
        var cordon = new V1Patch("""{"spec":{"unschedulable":true}}""", V1Patch.PatchType.MergePatch);
        await Client.CoreV1.PatchNodeAsync(cordon, "k8s-course-worker");
        try
        {
            // The scheduler learns about the cordon through its own node watch, which may lag behind our pod watch.
            // A pod that can only go to the cordoned node tells us when it has: it then fails with "were unschedulable".
            await WaitUntilSchedulerSeesCordonAsync(ns);

            for (var i = 0; i < 4; i++) await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod($"p{i}"), ns);
            var pods = await ObservedState.Until(() => Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "!probe"),
                l => l.Items.Count == 4 && l.Items.All(p => !string.IsNullOrEmpty(p.Spec.NodeName)), "4 scheduled pods");
            Assert.All(pods.Items, p => Assert.Equal("k8s-course-worker2", p.Spec.NodeName));
        }
        finally
        {
            await Client.CoreV1.PatchNodeAsync(new V1Patch("""{"spec":{"unschedulable":null}}""", V1Patch.PatchType.MergePatch), "k8s-course-worker");
        }
    }

    private async Task WaitUntilSchedulerSeesCordonAsync(string ns)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var name = $"probe-{attempt}";
            await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod(name, labels: new() { ["probe"] = "yes" },
                spec: s => s.NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "k8s-course-worker" }), ns);
            var probe = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync(name, ns),
                p => !string.IsNullOrEmpty(p.Spec.NodeName) || p.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False") == true,
                "probe pod decided");
            if (string.IsNullOrEmpty(probe.Spec.NodeName))
            {
                Assert.Contains("1 node(s) were unschedulable", probe.Status.Conditions.Single(c => c.Type == "PodScheduled").Message);
                return;
            }
        }
        Assert.Fail("the scheduler never noticed the cordon");
    }
}
