using k8s;

namespace KubeLab.Tests.Cluster;

/// <summary>The chapter-12 helpers against the simulator: quota waits, evictions, a drain held back by a budget, and its recording.</summary>
public class DrainTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>
{
    private const string WebWithBudget = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 0
              containers:
              - {name: web, image: nginx:1.27}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web}
        spec:
          minAvailable: 2
          selector: {matchLabels: {app: web}}
        """;

    [Fact]
    public async Task A_drain_retries_evictions_the_budget_refuses_and_the_recording_sees_disruptionsAllowed_reach_zero()
    {
        await using var lab = await Lab.StartAsync("drain", sim.Options);
        await lab.ApplyAsync(WebWithBudget);
        await lab.WaitForPodsAsync("app=web", pods => pods.Count(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true) == 3,
            "three ready pods", TimeSpan.FromMinutes(1));
        var node = (await lab.Client.CoreV1.ListNamespacedPodAsync(lab.Namespace, labelSelector: "app=web")).Items
            .GroupBy(p => p.Spec.NodeName).OrderByDescending(g => g.Count()).First().Key;
        var recording = lab.RecordDrain("web");
        try
        {
            var drain = await lab.DrainAsync(node, TimeSpan.FromMinutes(2));
            await recording.StopAsync();
            Assert.True(drain.Completed, drain.ToString());
            Assert.Equal($"node/{node} cordoned", drain.Log[0]);
            Assert.Equal($"node/{node} drained", drain.Log[^1]);
            Assert.Equal(0, recording.MinDisruptionsAllowed);
            Assert.True((await lab.Client.CoreV1.ReadNodeAsync(node)).Spec.Unschedulable);
            Assert.Contains("disruptionsAllowed", recording.ToPlot().SpecJson);
        }
        finally
        {
            await lab.CordonAsync(node, cordon: false);
        }
        Assert.NotEqual(true, (await lab.Client.CoreV1.ReadNodeAsync(node)).Spec.Unschedulable);
    }

    [Fact]
    public async Task An_eviction_beyond_the_budget_reports_429_with_its_cause()
    {
        await using var lab = await Lab.StartAsync("evict", sim.Options);
        await lab.ApplyAsync(WebWithBudget.Replace("minAvailable: 2", "minAvailable: 3"));
        await lab.WaitForPodsAsync("app=web", pods => pods.Count(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true) == 3,
            "three ready pods", TimeSpan.FromMinutes(1));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await lab.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("web", lab.Namespace)).Status?.CurrentHealthy != 3 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        var pod = (await lab.Client.CoreV1.ListNamespacedPodAsync(lab.Namespace, labelSelector: "app=web")).Items[0].Metadata.Name;
        var r = await lab.EvictAsync(pod);
        Assert.False(r.Evicted);
        Assert.Equal(429, r.StatusCode);
        Assert.Equal("Cannot evict pod as it would violate the pod's disruption budget.", r.Message);
        Assert.Equal("The disruption budget web needs 3 healthy pods and has 3 currently", r.Cause);
    }

    [Fact]
    public async Task Waiting_for_a_quota_returns_once_the_controller_counted_it()
    {
        await using var lab = await Lab.StartAsync("quota-wait", sim.Options);
        await lab.ApplyAsync("""
            apiVersion: v1
            kind: ResourceQuota
            metadata: {name: q}
            spec:
              hard: {count/configmaps: "5", pods: "2"}
            """);
        var q = await lab.WaitForQuotaCountedAsync("q");
        Assert.Equal("5", q["count/configmaps"]!.Hard);
        Assert.Equal("0", q["pods"]!.Used);
    }
}
