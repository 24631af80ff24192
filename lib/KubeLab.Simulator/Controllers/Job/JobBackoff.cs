using k8s.Models;

namespace KubeLab.Simulator.Controllers.Job;

/// <summary>
/// The Job controller's pod-failure back-off, as Kubernetes 1.32 computes it: pkg/controller/job/job_controller.go
/// (<c>DefaultJobPodFailureBackOff = 10 * time.Second</c>, <c>MaxJobPodFailureBackOff = 10 * time.Minute</c>) and
/// backoff_utils.go <c>getRemainingTimeForFailuresCount</c>: after N failures since the last success the replacement pod waits
/// 10 s doubled N−1 times, at most 10 minutes, counted from the newest failure's finish time (getFinishedTime).
/// The Job docs still say "capped at six minutes" – the single <c>MaxJobBackOff = 360 * time.Second</c> of older releases.
/// </summary>
public static class JobBackoff
{
    public static readonly TimeSpan Initial = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    /// <summary>The delay after <paramref name="consecutiveFailures"/> failures: 0 → none, 1 → 10 s, 2 → 20 s, … 6 → 320 s, 7+ → 600 s.</summary>
    public static TimeSpan Delay(int consecutiveFailures)
    {
        if (consecutiveFailures <= 0) return TimeSpan.Zero;
        var delay = Initial;
        for (var i = 1; i < consecutiveFailures; i++)
        {
            delay *= 2;
            if (delay >= Max) return Max;
        }
        return delay;
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

    /// <summary>
    /// When a pod finished (backoff_utils.go getFinishedTime): the latest finishedAt if every container has terminated, else the
    /// Ready=False condition's transition time, else deletionTimestamp − deletionGracePeriodSeconds, else the creation time.
    /// </summary>
    public static DateTimeOffset FinishedAt(V1Pod pod)
    {
        var statuses = pod.Status?.ContainerStatuses ?? [];
        if (statuses.Count > 0 && statuses.All(s => s.State?.Terminated?.FinishedAt is not null))
            return statuses.Max(s => Utc(s.State.Terminated.FinishedAt!.Value));
        if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready") is { Status: "False", LastTransitionTime: { } readyFalse })
            return Utc(readyFalse);
        if (pod.Metadata.DeletionTimestamp is { } deleted)
            return Utc(deleted).AddSeconds(-(pod.Metadata.DeletionGracePeriodSeconds ?? 0));
        return Utc(pod.Metadata.CreationTimestamp ?? DateTime.UnixEpoch);
    }

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
