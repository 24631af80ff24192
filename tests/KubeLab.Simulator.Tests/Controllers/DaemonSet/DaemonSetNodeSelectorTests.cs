using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.Controllers.DaemonSet;

/// <summary>A DaemonSet on some nodes: a nodeSelector follows node labels; a tolerated NoExecute taint keeps the pod.</summary>
public class DaemonSetNodeSelectorTests(ControlPlaneCluster cp) : IClassFixture<ControlPlaneCluster>
{
    private static readonly string[] Workers = ["k8s-course-worker", "k8s-course-worker2"];
    private IKubernetes Client => cp.Client;

    private static V1DaemonSet DaemonSet(string name, Action<V1PodSpec> spec)
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
        spec(ds.Spec.Template.Spec);
        return ds;
    }

    private async Task<List<string>> NodesWithPods(string ns, string app) =>
        (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"app={app}")).Items
            .Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Spec.NodeName ?? "").Order().ToList();

    private Task PatchNodeAsync(string node, string json) =>
        Client.CoreV1.PatchNodeAsync(new V1Patch(json, V1Patch.PatchType.MergePatch), node);

    [Fact]
    public async Task Labelling_a_node_adds_the_pod_and_removing_the_label_deletes_it()
    {
        var ns = await cp.NewNamespaceAsync("ds-sel");
        var label = $"kubelab.io/{ns}";
        await Client.AppsV1.CreateNamespacedDaemonSetAsync(DaemonSet("picky", s => s.NodeSelector = new Dictionary<string, string> { [label] = "yes" }), ns);
        try
        {
            await ObservedState.Until(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("picky", ns),
                d => d.Status?.ObservedGeneration == 1 && d.Status.DesiredNumberScheduled == 0, "desired 0 before any label");
            Assert.Empty(await NodesWithPods(ns, "picky"));

            await PatchNodeAsync(Workers[1], $"{{\"metadata\":{{\"labels\":{{\"{label}\":\"yes\"}}}}}}");
            await ObservedState.Until(() => NodesWithPods(ns, "picky"), n => n.SequenceEqual([Workers[1]]), $"a pod on {Workers[1]} only");

            await PatchNodeAsync(Workers[1], $"{{\"metadata\":{{\"labels\":{{\"{label}\":null}}}}}}");
            await ObservedState.Until(() => NodesWithPods(ns, "picky"), n => n.Count == 0, "the pod gone with the label");
            // The status converges after the pod's deletion is final (a terminating pod may still count as misscheduled for a sync).
            await ObservedState.Until(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("picky", ns),
                d => d.Status?.DesiredNumberScheduled == 0 && d.Status.CurrentNumberScheduled == 0 && d.Status.NumberMisscheduled == 0,
                "desired 0 again and nothing misscheduled");
        }
        finally
        {
            await PatchNodeAsync(Workers[1], $"{{\"metadata\":{{\"labels\":{{\"{label}\":null}}}}}}");
        }
    }

    [Fact]
    public async Task A_tolerated_NoExecute_taint_keeps_the_pod()
    {
        var ns = await cp.NewNamespaceAsync("ds-tol");
        var key = $"kubelab.io/{ns}";
        await Client.AppsV1.CreateNamespacedDaemonSetAsync(DaemonSet("hardy", s =>
            s.Tolerations = [new V1Toleration { Key = key, OperatorProperty = "Exists", Effect = "NoExecute" }]), ns);
        await ObservedState.Until(() => NodesWithPods(ns, "hardy"), n => n.SequenceEqual(Workers), "a pod on each worker");
        var before = (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "app=hardy")).Items.Select(p => p.Metadata.Uid).Order().ToList();
        try
        {
            await PatchNodeAsync(Workers[0], $"{{\"spec\":{{\"taints\":[{{\"key\":\"{key}\",\"effect\":\"NoExecute\"}}]}}}}");
            await ObservedState.Until(() => Client.AppsV1.ReadNamespacedDaemonSetAsync("hardy", ns),
                d => d.Status?.DesiredNumberScheduled == 2 && d.Status.NumberMisscheduled == 0, "still desired on both");
            await Task.Delay(300);
            var after = (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "app=hardy")).Items
                .Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Uid).Order().ToList();
            Assert.Equal(before, after);
        }
        finally
        {
            await PatchNodeAsync(Workers[0], "{\"spec\":{\"taints\":null}}");
        }
    }
}
