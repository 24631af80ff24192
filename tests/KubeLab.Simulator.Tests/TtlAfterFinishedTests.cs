using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>ttl-after-finished-controller: finished Jobs with spec.ttlSecondsAfterFinished are deleted, pods first, once the TTL passed.</summary>
public sealed class TtlAfterFinishedTests : IClassFixture<ControlPlaneCluster>
{
    private readonly ControlPlaneCluster fx;
    private IKubernetes Client => fx.Client;

    public TtlAfterFinishedTests(ControlPlaneCluster fx)
    {
        this.fx = fx;
        fx.Cluster.Clock.SetSpeed(20); // 60 cluster seconds in 3 real ones
    }

    [Fact]
    public async Task A_finished_job_is_deleted_with_its_pods_ttlSecondsAfterFinished_after_it_finished_and_one_without_ttl_stays()
    {
        var ns = await fx.NewNamespaceAsync("ttl");
        await Client.BatchV1.CreateNamespacedJobAsync(JobControllerTests.Job("short-lived", ["sleep", "1"], spec: s => s.TtlSecondsAfterFinished = 60), ns);
        await Client.BatchV1.CreateNamespacedJobAsync(JobControllerTests.Job("kept", ["sleep", "1"]), ns);

        var done = await ObservedState.Until(() => Client.BatchV1.ReadNamespacedJobAsync("short-lived", ns),
            j => j.Status?.Conditions?.Any(c => c.Type == "Complete" && c.Status == "True") == true, "short-lived to complete", 20);
        var finishedAt = done.Status.Conditions.Single(c => c.Type == "Complete").LastTransitionTime!.Value;

        Assert.Single((await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "job-name=short-lived")).Items);

        // Poll until the Job is gone; the cluster time at which we first see it gone must be past finish + 60 s.
        var goneAt = await ObservedState.Until(async () =>
        {
            try { await Client.BatchV1.ReadNamespacedJobAsync("short-lived", ns); return (DateTimeOffset?)null; }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { return fx.Cluster.Clock.GetUtcNow(); }
        }, at => at is not null, "short-lived to be deleted", 30);
        var afterFinish = goneAt!.Value - new DateTimeOffset(DateTime.SpecifyKind(finishedAt, DateTimeKind.Utc));
        Assert.True(afterFinish >= TimeSpan.FromSeconds(59), $"deleted {afterFinish.TotalSeconds:0} s after finishing; the TTL is 60 s (timestamps are whole seconds)");

        // Foreground deletion: the Job goes only after its pods.
        var pods = await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: "job-name=short-lived");
        Assert.Empty(pods.Items);
        var kept = await Client.BatchV1.ReadNamespacedJobAsync("kept", ns);
        Assert.Contains(kept.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
    }

    [Fact]
    public async Task A_negative_ttl_is_invalid()
    {
        var ns = await fx.NewNamespaceAsync("ttl-neg");
        var e = await Assert.ThrowsAsync<HttpOperationException>(() =>
            Client.BatchV1.CreateNamespacedJobAsync(JobControllerTests.Job("neg", ["true"], spec: s => s.TtlSecondsAfterFinished = -1), ns));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.Contains("spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0", e.Response.Content);
    }
}
