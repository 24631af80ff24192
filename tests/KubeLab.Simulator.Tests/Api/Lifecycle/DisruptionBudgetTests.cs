using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.Api.Lifecycle;

/// <summary>The disruption controller's PDB status and the Eviction subresource (429 while the budget allows no disruption).</summary>
public class DisruptionBudgetTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private IKubernetes Client => f.Client;

    private async Task<string> ThreeReplicasWithBudgetAsync(IntOrString minAvailable)
    {
        var ns = await f.NewNamespaceAsync("pdb");
        var labels = new Dictionary<string, string> { ["app"] = "web" };
        await Client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new() { Name = "web" },
            Spec = new()
            {
                Replicas = 3, Selector = new() { MatchLabels = labels },
                Template = new() { Metadata = new() { Labels = labels }, Spec = new() { Containers = [new() { Name = "web", Image = "nginx" }] } },
            },
        }, ns);
        await Client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(new V1PodDisruptionBudget
        {
            Metadata = new() { Name = "web" },
            Spec = new() { MinAvailable = minAvailable, Selector = new() { MatchLabels = labels } },
        }, ns);
        await ObservedState.Until(() => Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", ns), p => p.Status?.CurrentHealthy == 3, "three healthy pods", 30);
        return ns;
    }

    [Fact]
    public async Task The_status_counts_healthy_pods_against_minAvailable()
    {
        var ns = await ThreeReplicasWithBudgetAsync(2);
        var pdb = await ObservedState.Until(() => Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", ns), p => p.Status.DisruptionsAllowed == 1, "one disruption allowed");
        Assert.Equal(2, pdb.Status.DesiredHealthy);
        Assert.Equal(3, pdb.Status.ExpectedPods);
        Assert.Equal(1, pdb.Status.ObservedGeneration);
        var condition = Assert.Single(pdb.Status.Conditions);
        Assert.Equal(("DisruptionAllowed", "True", "SufficientPods"), (condition.Type, condition.Status, condition.Reason));
    }

    [Fact]
    public async Task A_percentage_uses_the_deployments_scale()
    {
        var ns = await ThreeReplicasWithBudgetAsync("50%");
        var pdb = await ObservedState.Until(() => Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", ns), p => p.Status.DesiredHealthy == 2, "ceil(50% of 3)");
        Assert.Equal(1, pdb.Status.DisruptionsAllowed);
    }

    [Fact]
    public async Task An_eviction_spends_the_budget_and_the_next_one_gets_429()
    {
        var ns = await ThreeReplicasWithBudgetAsync(2);
        var pods = (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items;
        var (status, _) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods/{pods[0].Metadata.Name}/eviction",
            $"{{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{{\"name\":\"{pods[0].Metadata.Name}\"}}}}");
        Assert.Equal(201, status);
        var deleted = await Client.CoreV1.ReadNamespacedPodAsync(pods[0].Metadata.Name, ns);
        Assert.NotNull(deleted.Metadata.DeletionTimestamp);

        var (refused, body) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods/{pods[1].Metadata.Name}/eviction",
            $"{{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{{\"name\":\"{pods[1].Metadata.Name}\"}}}}");
        Assert.Equal(429, refused);
        Assert.Equal("Cannot evict pod as it would violate the pod's disruption budget.", body!["message"]!.ToString());
        Assert.Equal("TooManyRequests", body["reason"]!.ToString());
        var cause = body["details"]!["causes"]![0]!;
        Assert.Equal("DisruptionBudget", cause["reason"]!.ToString());
        // The eviction spends disruptionsAllowed, not currentHealthy: until the controller recounts (and the replacement pod is
        // Ready) the count may read 2 or 3, as upstream.
        Assert.Matches(@"^The disruption budget web needs 2 healthy pods and has [23] currently$", cause["message"]!.ToString());
    }

    [Fact]
    public async Task Drain_evicts_through_the_budget_and_cordons_the_node()
    {
        var ns = await ThreeReplicasWithBudgetAsync(1);
        var pods = (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items;
        var node = pods[0].Spec.NodeName;
        try
        {
            var r = await f.KubectlOkAsync("drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=60s");
            Assert.Contains($"node/{node} cordoned", r.Stdout);
            Assert.Contains($"node/{node} drained", r.Stdout);
            var left = (await Client.CoreV1.ListNamespacedPodAsync(ns, fieldSelector: $"spec.nodeName={node}")).Items;
            Assert.All(left, p => Assert.NotNull(p.Metadata.DeletionTimestamp));
            Assert.True((await Client.CoreV1.ReadNodeAsync(node)).Spec.Unschedulable);
        }
        finally
        {
            await f.KubectlOkAsync("uncordon", node);
        }
    }
}
