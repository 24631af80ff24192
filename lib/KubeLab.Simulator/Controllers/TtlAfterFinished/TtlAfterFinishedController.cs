using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Controllers.Job;

namespace KubeLab.Simulator.Controllers.TtlAfterFinished;

/// <summary>
/// kube-controller-manager's "ttl-after-finished-controller" (pkg/controller/ttlafterfinished): a Job with
/// spec.ttlSecondsAfterFinished is deleted that many seconds after it finished – counted from the lastTransitionTime of its
/// Complete or Failed condition – with foreground propagation (its pods go first) and a UID precondition. Before deleting it
/// reads the Job fresh, so a TTL changed meanwhile is honoured. Jobs without the field are kept, as before.
/// </summary>
public sealed class TtlAfterFinishedController
{
    private readonly IKubernetes client;
    private readonly Informer<V1Job, V1JobList> jobs;
    private readonly TimeProvider time;
    private readonly WorkQueue queue;

    public TtlAfterFinishedController(IKubernetes client, Informer<V1Job, V1JobList> jobs, TimeProvider time)
    {
        this.client = client;
        this.jobs = jobs;
        this.time = time;
        queue = new WorkQueue(time);
        jobs.AddHandler(added: Enqueue, updated: (_, j) => Enqueue(j));
    }

    private void Enqueue(V1Job job)
    {
        if (NeedsCleanup(job)) queue.Add(Informer<V1Job, V1JobList>.KeyOf(job));
    }

    private static bool NeedsCleanup(V1Job job) =>
        job.Spec?.TtlSecondsAfterFinished is not null && job.Metadata.DeletionTimestamp is null && JobConditions.IsFinished(job);

    public Task RunAsync(CancellationToken cancellationToken) =>
        queue.RunControllerAsync(jobs.Synced, () => jobs.List().Where(NeedsCleanup).Select(Informer<V1Job, V1JobList>.KeyOf), 1,
            ReconcileAsync, [], cancellationToken);

    /// <summary>When the Job may go: finish time + TTL; null when it has not finished or has no TTL.</summary>
    private static DateTimeOffset? ExpiresAt(V1Job job)
    {
        if (job.Spec?.TtlSecondsAfterFinished is not { } ttl) return null;
        var finished = job.Status?.Conditions?.FirstOrDefault(c => c.Type is JobConditions.Complete or JobConditions.Failed && c.Status == "True");
        if (finished?.LastTransitionTime is not { } at) return null;
        return new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).AddSeconds(ttl);
    }

    /// <summary>Whether the Job's TTL has run out; if it still runs, the key comes back when it will have.</summary>
    private bool Expired(V1Job? job, string key)
    {
        if (job is null || !NeedsCleanup(job) || ExpiresAt(job) is not { } expiresAt) return false;
        var left = expiresAt - time.GetUtcNow();
        if (left > TimeSpan.Zero) queue.AddAfter(key, left);
        return left <= TimeSpan.Zero;
    }

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var cached = jobs.Get(key);
        if (!Expired(cached, key)) return;
        // The cache may be stale: check the TTL against the Job as the API server has it now.
        V1Job fresh;
        try { fresh = await client.BatchV1.ReadNamespacedJobAsync(cached!.Metadata.Name, cached.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false); }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { return; }
        if (!Expired(fresh, key)) return;
        var options = new V1DeleteOptions { PropagationPolicy = "Foreground", Preconditions = new V1Preconditions { Uid = fresh.Metadata.Uid } };
        try { await client.BatchV1.DeleteNamespacedJobAsync(fresh.Metadata.Name, fresh.Metadata.NamespaceProperty, options, cancellationToken: ct).ConfigureAwait(false); }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict) { }
    }
}
