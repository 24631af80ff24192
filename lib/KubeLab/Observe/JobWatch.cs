using k8s.Models;

namespace KubeLab;

/// <summary>
/// Remembers every Job of the lab namespace while it runs – including Jobs that are deleted later (a CronJob's history limit,
/// concurrencyPolicy Replace) – so a chart can still show them. Times come from the Jobs' own status (cluster clock); a
/// deletion is stamped with the lab's cluster-clock estimate when the watch reports it.
/// </summary>
public sealed class JobWatch : IAsyncDisposable
{
    private readonly Dictionary<string, V1Job> _last = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _deleted = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TimeProvider _clock;

    private JobWatch(Lab lab, TaskCompletionSource listed)
    {
        _clock = lab.Clock;
        var client = lab.Client;
        var ns = lab.Namespace;
        _loop = Observe.WatchLoop.RunAsync<V1Job, V1JobList>("Job",
            (rv, w, ct) => client.BatchV1.ListNamespacedJobWithHttpMessagesAsync(ns, resourceVersion: rv, watch: w, allowWatchBookmarks: w ? true : null, cancellationToken: ct),
            Record, listed, _stop.Token);
    }

    /// <summary>Starts watching; returns once the initial list is taken, so nothing created afterwards is missed.</summary>
    public static async Task<JobWatch> StartAsync(Lab lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var listed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = new JobWatch(lab, listed);
        await listed.Task.WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        return watch;
    }

    private void Record(string kind, string evt, object obj)
    {
        if (obj is not V1Job job) return;
        var name = job.Metadata.Name;
        lock (_last)
        {
            if (evt == "DELETED") { _deleted.TryAdd(name, _clock.GetUtcNow()); if (job.Spec is not null) _last[name] = job; }
            else _last[name] = job;
        }
    }

    /// <summary>Every Job seen so far (its last state), oldest first.</summary>
    public IReadOnlyList<V1Job> Jobs
    {
        get { lock (_last) return _last.Values.OrderBy(j => j.Metadata.CreationTimestamp).ThenBy(j => j.Metadata.Name, StringComparer.Ordinal).ToList(); }
    }

    /// <summary>When the watch saw the Job disappear (cluster clock), or null if it still exists.</summary>
    public DateTimeOffset? DeletedAt(string jobName)
    {
        lock (_last) return _deleted.TryGetValue(jobName, out var t) ? t : null;
    }

    /// <summary>The Jobs owned by one CronJob (controller ownerReference), oldest first.</summary>
    public IReadOnlyList<V1Job> OwnedBy(string cronJobName) =>
        Jobs.Where(j => j.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Kind == "CronJob" && o.Name == cronJobName) == true).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); } catch (TimeoutException) { /* the watch ends with the lab */ }
        _stop.Dispose();
    }
}
