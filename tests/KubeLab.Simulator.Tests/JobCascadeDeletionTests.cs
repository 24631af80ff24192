using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// Deleting a Job with the real kubectl: <c>--cascade=background</c> (kubectl's default) removes its pods, <c>foreground</c>
/// removes the pods before the Job, <c>orphan</c> keeps the pods without an ownerReference.
/// </summary>
public sealed class JobCascadeDeletionTests : IClassFixture<ClusterFixture>
{
    private readonly ClusterFixture fx;

    public JobCascadeDeletionTests(ClusterFixture fx)
    {
        this.fx = fx;
        fx.Cluster.Clock.SetSpeed(20);
    }

    private async Task<(string Ns, string Uid)> RunningJobAsync(string name)
    {
        var ns = await fx.NewNamespaceAsync("cascade");
        var job = await fx.Client.BatchV1.CreateNamespacedJobAsync(
            JobControllerTests.Job(name, ["sleep", "3600"], completions: 2, parallelism: 2), ns);
        await ObservedState.Until(() => PodsAsync(ns, name), p => p.Count == 2 && p.All(x => x.Status?.Phase == "Running"), "2 running job pods");
        return (ns, job.Metadata.Uid);
    }

    private async Task<List<V1Pod>> PodsAsync(string ns, string job) =>
        (await fx.Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"job-name={job}")).Items.ToList();

    private async Task<bool> JobExistsAsync(string ns, string name) =>
        await Objects.StatusOf(() => fx.Client.BatchV1.ReadNamespacedJobAsync(name, ns)) != 404;

    [Fact]
    public async Task Cascade_orphan_keeps_the_pods_and_drops_their_ownerReference()
    {
        var (ns, uid) = await RunningJobAsync("keep");
        var result = await fx.KubectlAsync("delete", "job", "keep", "-n", ns, "--cascade=orphan");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("job.batch \"keep\" deleted", result.Stdout);
        await ObservedState.Until(() => JobExistsAsync(ns, "keep"), exists => !exists, "the job to be gone");
        var pods = await ObservedState.Until(() => PodsAsync(ns, "keep"),
            p => p.Count == 2 && p.All(x => x.Metadata.OwnerReferences is null or { Count: 0 }), "orphaned pods");
        Assert.All(pods, p => Assert.Null(p.Metadata.DeletionTimestamp));
        Assert.All(pods, p => Assert.Equal(uid, p.Metadata.Labels["controller-uid"]));
    }

    [Fact]
    public async Task Cascade_background_deletes_the_job_then_its_pods()
    {
        var (ns, _) = await RunningJobAsync("bg");
        var result = await fx.KubectlAsync("delete", "job", "bg", "-n", ns, "--cascade=background");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(await JobExistsAsync(ns, "bg"));
        await ObservedState.Until(() => PodsAsync(ns, "bg"), p => p.Count == 0, "the job's pods to be deleted", 20);
    }

    [Fact]
    public async Task Cascade_foreground_removes_the_pods_before_the_job()
    {
        var (ns, _) = await RunningJobAsync("fg");
        var result = await fx.KubectlAsync("delete", "job", "fg", "-n", ns, "--cascade=foreground", "--wait=false");
        Assert.True(result.ExitCode == 0, result.ToString());
        var job = await fx.Client.BatchV1.ReadNamespacedJobAsync("fg", ns);
        Assert.NotNull(job.Metadata.DeletionTimestamp);
        Assert.Contains("foregroundDeletion", job.Metadata.Finalizers);
        await ObservedState.Until(() => JobExistsAsync(ns, "fg"), exists => !exists, "the job to be gone after its pods", 20);
        Assert.Empty(await PodsAsync(ns, "fg"));
    }

    [Fact]
    public async Task Plain_kubectl_delete_job_defaults_to_background()
    {
        var (ns, _) = await RunningJobAsync("plain");
        var result = await fx.KubectlAsync("delete", "job", "plain", "-n", ns);
        Assert.True(result.ExitCode == 0, result.ToString());
        await ObservedState.Until(() => PodsAsync(ns, "plain"), p => p.Count == 0, "the job's pods to be deleted", 20);
    }

    /// <summary>The batch/v1 Job REST strategy's default garbage-collection policy is OrphanDependents: an API DELETE
    /// without propagationPolicy leaves the pods (kubectl always sends one, so users rarely see this).</summary>
    [Fact]
    public async Task An_api_delete_without_propagationPolicy_orphans_the_pods()
    {
        var (ns, _) = await RunningJobAsync("apidefault");
        var (status, _) = await fx.SendAsync(HttpMethod.Delete, $"/apis/batch/v1/namespaces/{ns}/jobs/apidefault");
        Assert.Equal(202, status); // Accepted: the Job waits for the orphan finalizer, as the real API server answers
        await ObservedState.Until(() => JobExistsAsync(ns, "apidefault"), exists => !exists, "the job to be gone");
        await ObservedState.Until(() => PodsAsync(ns, "apidefault"),
            p => p.Count == 2 && p.All(x => x.Metadata.OwnerReferences is null or { Count: 0 }), "orphaned pods");
        await Task.Delay(300);
        Assert.Equal(2, (await PodsAsync(ns, "apidefault")).Count(p => p.Metadata.DeletionTimestamp is null));
    }
}
