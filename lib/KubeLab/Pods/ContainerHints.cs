using k8s.Models;

namespace KubeLab.Pods;

/// <summary>
/// Turns a failed logs/exec request into advice, from what the pod itself reports. The API server's texts (pkg/registry/core/pod
/// strategy.go and the kubelet's log/exec handlers) say *that* something is wrong – "a container name must be specified for pod …,
/// choose one of: […]", "container … is not valid for pod …", "container … in pod … is waiting to start: …", "previous terminated
/// container … not found" – the hint says *what the container is doing* and what to do instead.
/// </summary>
internal static class ContainerHints
{
    public static IReadOnlyList<string> ContainerNames(V1Pod pod) => pod.Spec?.Containers?.Select(c => c.Name).ToList() ?? [];

    public static IReadOnlyList<string> InitContainerNames(V1Pod pod) => pod.Spec?.InitContainers?.Select(c => c.Name).ToList() ?? [];

    /// <summary>The status of a container or init container by name, or null.</summary>
    public static V1ContainerStatus? StatusOf(V1Pod pod, string container) =>
        (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? []).FirstOrDefault(s => s.Name == container);

    /// <summary>"running since …", "waiting: ErrImagePull – …", "terminated: Error, exit code 1", "no status yet".</summary>
    public static string DescribeState(V1ContainerStatus? status)
    {
        if (status?.State is null) return "no status yet (the pod has not started it)";
        if (status.State.Waiting is { } w) return $"waiting: {w.Reason}{(string.IsNullOrEmpty(w.Message) ? "" : " – " + w.Message)}";
        if (status.State.Terminated is { } t) return $"terminated: {t.Reason ?? "?"}, exit code {t.ExitCode}";
        if (status.State.Running is not null) return $"running (restartCount {status.RestartCount})";
        return "unknown state";
    }

    /// <param name="operation">"logs" or "exec".</param>
    /// <param name="pod">The pod as read after the failure; null when it does not exist.</param>
    /// <param name="otherPods">Names of the namespace's pods, for a pod that does not exist.</param>
    public static string For(string operation, string podName, V1Pod? pod, string? container, bool previous, string serverMessage,
        IReadOnlyList<string> otherPods)
    {
        if (pod is null)
            return $"there is no pod \"{podName}\" in this namespace" +
                   (otherPods.Count == 0 ? " (it has no pods at all – was the manifest applied?)." : $"; its pods are: {string.Join(", ", otherPods)}.");

        var names = ContainerNames(pod);
        var inits = InitContainerNames(pod);
        var choice = $"its containers are {string.Join(", ", names)}" + (inits.Count == 0 ? "" : $" (init containers: {string.Join(", ", inits)})");
        if (container is null && names.Count + inits.Count > 1)
            return $"pod {podName} has several containers – name one with container: \"…\"; {choice}.";
        var name = container ?? names.FirstOrDefault() ?? "";
        if (!names.Contains(name) && !inits.Contains(name))
            return $"pod {podName} has no container \"{name}\"; {choice}.";

        var status = StatusOf(pod, name);
        var state = DescribeState(status);
        if (previous && serverMessage.Contains("previous terminated container", StringComparison.Ordinal))
            return $"previous: true reads the run before the last restart, and container {name} has not been restarted " +
                   $"(restartCount {status?.RestartCount ?? 0}, now {state}). Leave previous out to read the current run.";
        if (status?.State?.Waiting is { } w)
            return w.Reason switch
            {
                "ErrImagePull" or "ImagePullBackOff" or "InvalidImageName" =>
                    $"container {name} has never started – its image cannot be pulled ({state}), so there is no process and no log yet.",
                "CrashLoopBackOff" =>
                    $"container {name} crashed and the kubelet waits before restarting it ({state}). " +
                    (operation == "logs" ? "Read the crashed run with previous: true." : "exec needs a running container; read its logs with previous: true instead."),
                _ => $"container {name} has not started yet ({state}); wait until it runs (lab.WaitForPodRunningAsync) and try again.",
            };
        if (status?.State?.Terminated is not null && operation == "exec")
            return $"container {name} is not running ({state}) – exec starts a process inside a running container; its logs are still readable.";
        if (pod.Status?.Phase is "Succeeded" or "Failed" && operation == "exec")
            return $"pod {podName} has completed (phase {pod.Status.Phase}); exec needs a running container.";
        if (status is null)
            return $"container {name} has {state} – pod {podName} is {pod.Status?.Phase ?? "Pending"}; wait until it runs (lab.WaitForPodRunningAsync).";
        return $"container {name} is {state}; look at lab.PodsAsync() and the pod's events for what happened.";
    }
}
