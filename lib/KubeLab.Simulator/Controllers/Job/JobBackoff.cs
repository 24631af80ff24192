using k8s.Models;

namespace KubeLab.Simulator.Controllers.Job;

/// <summary>
/// The Job controller's pod-failure back-off (pkg/controller/job backoff_utils): after N consecutive failures (since the last
/// success) a replacement pod is created no earlier than lastFailure + 10 s × 2^(N−1), capped at 6 minutes
/// ("exponential back-off delay (10s, 20s, 40s …) capped at six minutes", Kubernetes docs, Job "Pod backoff failure policy").
/// </summary>
public static class JobBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(6);

    /// <summary>The delay after <paramref name="consecutiveFailures"/> failures: 0 → none, 1 → 10 s, 2 → 20 s, 3 → 40 s …</summary>
    public static TimeSpan Delay(int consecutiveFailures)
    {
        if (consecutiveFailures <= 0) return TimeSpan.Zero;
        var ticks = Initial.Ticks * (1L << Math.Min(consecutiveFailures - 1, 20));
        return TimeSpan.FromTicks(Math.Min(ticks, Max.Ticks));
    }

    /// <summary>
    /// How long to wait before the next pod: failures after the newest success, counted from the newest failure's finish time.
    /// </summary>
    public static TimeSpan Remaining(IEnumerable<V1Pod> finished, DateTimeOffset now)
    {
        var ordered = finished.Select(p => (Pod: p, At: FinishedAt(p))).OrderBy(x => x.At).ToList();
        var lastSuccess = ordered.FindLastIndex(x => x.Pod.Status?.Phase == "Succeeded");
        var failures = ordered.Skip(lastSuccess + 1).Where(x => x.Pod.Status?.Phase != "Succeeded").ToList();
        if (failures.Count == 0) return TimeSpan.Zero;
        var due = failures[^1].At + Delay(failures.Count);
        return due > now ? due - now : TimeSpan.Zero;
    }

    /// <summary>When a pod finished: its containers' latest finishedAt, else its deletion or creation time.</summary>
    public static DateTimeOffset FinishedAt(V1Pod pod)
    {
        var finished = (pod.Status?.ContainerStatuses ?? [])
            .Select(s => s.State?.Terminated?.FinishedAt ?? s.LastState?.Terminated?.FinishedAt)
            .Where(t => t is not null).Select(t => new DateTimeOffset(DateTime.SpecifyKind(t!.Value, DateTimeKind.Utc))).ToList();
        if (finished.Count > 0) return finished.Max();
        var fallback = pod.Metadata.DeletionTimestamp ?? pod.Metadata.CreationTimestamp ?? DateTime.UnixEpoch;
        return new DateTimeOffset(DateTime.SpecifyKind(fallback, DateTimeKind.Utc));
    }
}
