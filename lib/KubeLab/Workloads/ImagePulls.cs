using k8s.Models;
using KubeLab.Observe;

namespace KubeLab.Workloads;

/// <summary>Where a container stands on its way to running, as far as images go.</summary>
internal enum PullStage
{
    /// <summary>Waiting in ContainerCreating with a kubelet <c>Pulling</c> event and no <c>Pulled</c> after it.</summary>
    Pulling,
    /// <summary>Waiting in ContainerCreating / PodInitializing without a pull in progress (sandbox, volumes, an image already pulled).</summary>
    Creating,
    /// <summary>ErrImagePull / ImagePullBackOff for a reason that may pass (timeout, rate limit, network): the kubelet retries.</summary>
    Retrying,
    /// <summary>ErrImagePull / ImagePullBackOff because the image does not exist or may not be pulled: retries cannot help.</summary>
    Failed,
}

/// <summary>One container of a pod that has not started because of its image (or is still being created).</summary>
internal sealed record ContainerPull(string Pod, string Container, string Image, string? Node, PullStage Stage, string? Reason, string? Message, DateTime? Since)
{
    /// <summary>The sentence printed while a wait is extended, e.g. "waiting for image nginx:1.27 to be pulled on k8s-course-worker (45 s so far)".</summary>
    public string Describe(DateTime now)
    {
        var node = Node ?? "its node";
        var soFar = Since is { } s && now >= s ? $" ({(now - s).TotalSeconds:0} s so far)" : "";
        return Stage switch
        {
            PullStage.Pulling => $"waiting for image {Image} to be pulled on {node}{soFar}",
            PullStage.Creating => $"waiting for container {Container} of pod {Pod} to be created on {node} (ContainerCreating){soFar}",
            PullStage.Retrying => $"image {Image} could not be pulled yet on {node} ({Reason}: {Message}); the kubelet retries{soFar}",
            _ => $"pod {Pod}: container {Container} cannot pull image {Image} on {node} ({Reason}): {Message}",
        };
    }
}

/// <summary>
/// Reads image pulls from pod statuses and the kubelet's events (pkg/kubelet/images/image_manager.go: events Pulling, Pulled,
/// Failed, BackOff; waiting reasons ErrImagePull then ImagePullBackOff). On a real cluster a first pull on a slow network takes
/// minutes, so waits give pulls extra time; an image that does not exist makes them fail at once with the registry's answer.
/// </summary>
internal static class ImagePulls
{
    /// <summary>Registry answers that no retry changes (containerd/registry wording: "…: not found", "manifest unknown",
    /// "pull access denied, repository does not exist or may require authorization", "insufficient_scope", invalid names).</summary>
    private static readonly string[] PermanentMarkers =
        [": not found", "manifest unknown", "repository does not exist", "pull access denied", "insufficient_scope", "invalid reference format", "ErrImageNeverPull"];

    public static bool IsPermanent(string? message) =>
        message is not null && PermanentMarkers.Any(m => message.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every container of <paramref name="pods"/> that waits for its image or its creation.</summary>
    public static IReadOnlyList<ContainerPull> Find(IEnumerable<V1Pod> pods, IEnumerable<Corev1Event> events)
    {
        var byPod = events.Where(e => e.InvolvedObject?.Kind == "Pod" && e.InvolvedObject.Name is not null)
            .GroupBy(e => e.InvolvedObject.Name).ToDictionary(g => g.Key, g => g.OrderBy(Time).ToList());
        var result = new List<ContainerPull>();
        foreach (var pod in pods.Where(p => p.Metadata.DeletionTimestamp is null))
        {
            var podEvents = byPod.GetValueOrDefault(pod.Metadata.Name) ?? [];
            var statuses = (pod.Status?.InitContainerStatuses ?? []).Select(s => (s, "initContainers"))
                .Concat((pod.Status?.ContainerStatuses ?? []).Select(s => (s, "containers")));
            foreach (var (status, field) in statuses)
            {
                if (status.State?.Waiting is not { } waiting) continue;
                var mine = podEvents.Where(e => e.InvolvedObject.FieldPath == $"spec.{field}{{{status.Name}}}").ToList();
                var pull = Classify(pod, status, waiting, mine, podEvents);
                if (pull is not null) result.Add(pull);
            }
        }
        return result;
    }

    private static ContainerPull? Classify(V1Pod pod, V1ContainerStatus status, V1ContainerStateWaiting waiting, List<Corev1Event> events, List<Corev1Event> podEvents)
    {
        var image = string.IsNullOrEmpty(status.Image) ? "?" : status.Image;
        var lastPulling = events.LastOrDefault(e => e.Reason == "Pulling");
        var pulledAfter = lastPulling is not null && events.Any(e => e.Reason == "Pulled" && Time(e) >= Time(lastPulling));
        ContainerPull Make(PullStage stage, string? message, DateTime? since) =>
            new(pod.Metadata.Name, status.Name, image, pod.Spec?.NodeName, stage, waiting.Reason, message, since);

        switch (waiting.Reason)
        {
            case "ContainerCreating" or "PodInitializing":
                if (lastPulling is not null && !pulledAfter)
                    return Make(PullStage.Pulling, null, Time(lastPulling));
                // A volume that cannot be mounted (missing ConfigMap, unbound claim) or a sandbox that cannot start is not
                // slowness: it keeps ContainerCreating too, but waiting longer does not help.
                return podEvents.Any(e => e.Type == "Warning" && e.Reason is "FailedMount" or "FailedAttachVolume" or "FailedCreatePodSandBox")
                    ? null
                    : Make(PullStage.Creating, null, pod.Status?.StartTime);
            case "ErrImagePull" or "ImagePullBackOff" or "ErrImageNeverPull":
                // ImagePullBackOff's own message is only "Back-off pulling image …"; the cause is in the last Failed event.
                var cause = IsPermanent(waiting.Message) ? waiting.Message
                    : events.LastOrDefault(e => e.Reason == "Failed" && e.Message?.StartsWith("Failed to pull image", StringComparison.Ordinal) == true)?.Message
                      ?? waiting.Message;
                var stage = waiting.Reason == "ErrImageNeverPull" || IsPermanent(cause) ? PullStage.Failed : PullStage.Retrying;
                return Make(stage, cause, events.FirstOrDefault(e => e.Reason == "Pulling") is { } first ? Time(first) : pod.Status?.StartTime);
            default:
                return null;
        }
    }

    private static DateTime Time(Corev1Event e) => WaitDiagnostics.EventTime(e);
}
