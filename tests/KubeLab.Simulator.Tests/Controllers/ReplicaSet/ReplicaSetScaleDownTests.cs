using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.Controllers.ReplicaSet;

/// <summary>
/// Scale-down over real HTTP: the /scale subresource (what `kubectl scale` patches) and the pod-deletion-cost annotation
/// (https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#pod-deletion-cost).
/// </summary>
public class ReplicaSetScaleDownTests(ControlPlaneCluster cp) : IClassFixture<ControlPlaneCluster>
{
    private IKubernetes Client => cp.Client;

    private static V1ReplicaSet ReplicaSet(string name, int replicas) => new()
    {
        ApiVersion = "apps/v1", Kind = "ReplicaSet",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ReplicaSetSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "nginx", Image = "nginx:1.27" }] },
            },
        },
    };

    private async Task<List<V1Pod>> LivePods(string ns, string app) =>
        (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"app={app}")).Items.Where(p => p.Metadata.DeletionTimestamp is null).ToList();

    private Task<List<V1Pod>> WaitForReady(string ns, string app, int count) =>
        ObservedState.Until(() => LivePods(ns, app),
            pods => pods.Count == count && pods.All(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true),
            $"{count} ready pods app={app}", 30);

    [Fact]
    public async Task Scaling_down_through_the_scale_subresource_deletes_the_lowest_deletion_cost_pod()
    {
        var ns = await cp.NewNamespaceAsync("rs-cost");
        await Client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("cost", 3), ns);
        var pods = await WaitForReady(ns, "cost", 3);
        var cheap = pods[1].Metadata.Name;
        foreach (var pod in pods)
        {
            var cost = pod.Metadata.Name == cheap ? "-100" : "100";
            await Client.CoreV1.PatchNamespacedPodAsync(new V1Patch("""{"metadata":{"annotations":{"controller.kubernetes.io/pod-deletion-cost":"COST"}}}""".Replace("COST", cost),
                V1Patch.PatchType.MergePatch), pod.Metadata.Name, ns);
        }

        var scale = await Client.AppsV1.ReadNamespacedReplicaSetScaleAsync("cost", ns);
        Assert.Equal(3, scale.Spec.Replicas);
        Assert.Equal("app=cost", scale.Status.Selector);
        await Client.AppsV1.PatchNamespacedReplicaSetScaleAsync(new V1Patch("""{"spec":{"replicas":2}}""", V1Patch.PatchType.MergePatch), "cost", ns);

        var left = await WaitForReady(ns, "cost", 2);
        Assert.DoesNotContain(left, p => p.Metadata.Name == cheap);
        Assert.Equal(2, (await Client.AppsV1.ReadNamespacedReplicaSetAsync("cost", ns)).Spec.Replicas);
    }
}
