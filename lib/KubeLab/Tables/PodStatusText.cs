using k8s.Models;

namespace KubeLab;

/// <summary>
/// The STATUS and READY columns exactly as kubectl derives them (pkg/printers/internalversion printPod):
/// pod reason, then init-container and container waiting/terminated reasons, "Terminating" when deletionTimestamp is set.
/// Native sidecars (init containers with restartPolicy Always) count in READY, do not hold initialisation up once started, and
/// once the pod is initialised only their restarts (with the app containers') count in RESTARTS.
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
            if (IsSidecar(pod, s.Name) && s.Started == true) continue;
            if (s.State?.Terminated is { } t)
                reason = t.Reason is { Length: > 0 } ? "Init:" + t.Reason : t.Signal is { } sig && sig != 0 ? $"Init:Signal:{sig}" : $"Init:ExitCode:{t.ExitCode}";
            else if (s.State?.Waiting?.Reason is { Length: > 0 } w && w != "PodInitializing") reason = "Init:" + w;
            else reason = $"Init:{i}/{initCount}";
            initializing = true;
            break;
        }
        if (!initializing || IsInitialized(pod))
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
        var sidecars = SidecarStatuses(pod).ToList();
        var total = (pod.Spec?.Containers?.Count ?? 0) + (pod.Spec?.InitContainers?.Count(c => c.RestartPolicy == "Always") ?? 0);
        var ready = (pod.Status?.ContainerStatuses?.Count(c => c.Ready) ?? 0) + sidecars.Count(c => c.Started == true && c.Ready);
        return $"{ready}/{total}";
    }

    public static int Restarts(V1Pod pod)
    {
        var apps = pod.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0;
        var initializing = Status(pod).StartsWith("Init:", StringComparison.Ordinal) && !IsInitialized(pod);
        return initializing ? pod.Status?.InitContainerStatuses?.Sum(c => c.RestartCount) ?? 0 : apps + SidecarStatuses(pod).Sum(c => c.RestartCount);
    }

    private static bool IsSidecar(V1Pod pod, string name) =>
        pod.Spec?.InitContainers?.Any(c => c.Name == name && c.RestartPolicy == "Always") == true;

    private static IEnumerable<V1ContainerStatus> SidecarStatuses(V1Pod pod) =>
        (pod.Status?.InitContainerStatuses ?? []).Where(s => IsSidecar(pod, s.Name));

    private static bool IsInitialized(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Initialized" && c.Status == "True") ?? false;

    /// <summary>The pod's Ready condition is True.</summary>
    public static bool IsReady(V1Pod pod)
        => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") ?? false;
}
