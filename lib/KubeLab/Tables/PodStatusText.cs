using k8s.Models;

namespace KubeLab;

/// <summary>
/// The STATUS and READY columns exactly as kubectl derives them (pkg/printers/internalversion printPod):
/// pod reason, then init-container and container waiting/terminated reasons, "Terminating" when deletionTimestamp is set.
/// </summary>
public static class PodStatusText
{
    public static string Status(V1Pod pod)
    {
        var reason = pod.Status?.Reason ?? pod.Status?.Phase ?? "Unknown";
        var initializing = false;
        var initStatuses = pod.Status?.InitContainerStatuses ?? [];
        var initCount = pod.Spec?.InitContainers?.Count ?? 0;
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var s = initStatuses[i];
            if (s.State?.Terminated is { ExitCode: 0 }) continue;
            if (s.State?.Terminated is { } t)
                reason = t.Reason is { Length: > 0 } ? "Init:" + t.Reason : t.Signal is { } sig && sig != 0 ? $"Init:Signal:{sig}" : $"Init:ExitCode:{t.ExitCode}";
            else if (s.State?.Waiting?.Reason is { Length: > 0 } w && w != "PodInitializing") reason = "Init:" + w;
            else reason = $"Init:{i}/{initCount}";
            initializing = true;
            break;
        }
        if (!initializing)
        {
            var hasRunning = false;
            foreach (var c in (pod.Status?.ContainerStatuses ?? []).Reverse())
            {
                if (c.State?.Waiting?.Reason is { Length: > 0 } w) reason = w;
                else if (c.State?.Terminated is { } t)
                    reason = t.Reason is { Length: > 0 } ? t.Reason : t.Signal is { } sig && sig != 0 ? $"Signal:{sig}" : $"ExitCode:{t.ExitCode}";
                else if (c.Ready && c.State?.Running is not null) hasRunning = true;
            }
            if (reason == "Completed" && hasRunning) reason = IsReady(pod) ? "Running" : "NotReady";
        }
        if (pod.Metadata?.DeletionTimestamp is not null)
            reason = pod.Status?.Reason == "NodeLost" ? "Unknown" : "Terminating";
        return reason;
    }

    /// <summary>"ready/total" containers, e.g. 1/1.</summary>
    public static string Ready(V1Pod pod)
    {
        var total = pod.Spec?.Containers?.Count ?? 0;
        var ready = pod.Status?.ContainerStatuses?.Count(c => c.Ready) ?? 0;
        return $"{ready}/{total}";
    }

    public static int Restarts(V1Pod pod) => pod.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0;

    /// <summary>The pod's Ready condition is True.</summary>
    public static bool IsReady(V1Pod pod)
        => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") ?? false;
}
