using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>
/// The kubelet's decision to kill a container whose liveness or startup probe failed failureThreshold times in a row
/// (pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions). <see cref="Message"/> is the <c>Killing</c>
/// event's text ("Container web failed liveness probe, will be restarted"; without the suffix under restartPolicy Never).
/// <see cref="GracePeriod"/> is the probe's terminationGracePeriodSeconds, else the pod's, else 30 s.
/// <see cref="Exit"/> says how the process will most likely end (see <see cref="ContainerStop"/>).
/// </summary>
public sealed record ProbeKill(ProbeType Type, string Message, bool Restart, TimeSpan GracePeriod, ContainerStop Exit)
{
    /// <summary>"liveness" or "startup".</summary>
    public string ProbeName => Type.Lower();

    public static ProbeKill For(ProbeType type, V1Probe probe, V1Pod pod, V1Container container)
    {
        var restart = (pod.Spec.RestartPolicy ?? "Always") != "Never";
        var message = $"Container {container.Name} failed {type.Lower()} probe" + (restart ? ", will be restarted" : "");
        var grace = TimeSpan.FromSeconds(Math.Max(0, probe.TerminationGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30));
        return new ProbeKill(type, message, restart, grace, ContainerStop.Of(container, grace));
    }
}

/// <summary>
/// How a container's main process ends when the runtime stops it: the image's stop signal (SIGTERM unless the image says
/// otherwise), then SIGKILL after the grace period. As PID 1 a process that installs no handler ignores SIGTERM (the
/// kernel drops default-action signals for a namespace's init), so:
/// <list type="bullet">
/// <item>a shell (<c>sh -c …</c>, busybox's default <c>sh</c>), <c>sleep</c> and most programs run until SIGKILL: exit code 137 (128+9), reason Error, after the grace period;</item>
/// <item>agnhost (Go): Go's runtime handles SIGTERM, re-raises it, and as PID 1 survives that and calls exit(2)
/// (runtime/signal_unix.go dieFromSignal): exit code 2, reason Error, at once;</item>
/// <item>nginx: the official image's STOPSIGNAL is SIGQUIT, a graceful shutdown: exit code 0, reason Completed, at once.</item>
/// </list>
/// </summary>
public sealed record ContainerStop(int ExitCode, string Reason, TimeSpan After)
{
    public static ContainerStop Of(V1Container container, TimeSpan gracePeriod)
    {
        var image = ImageReference.Normalize(container.Image ?? "");
        var repository = image.Split('@')[0];
        repository = repository[(repository.LastIndexOf('/') + 1)..].Split(':')[0];
        var command = container.Command ?? [];
        // Without a command the image's entrypoint runs; busybox-like images have none, so args[0] becomes the program.
        var program = command.Count > 0 ? command[0]
            : repository is "nginx" or "agnhost" ? repository
            : container.Args is { Count: > 0 } args ? args[0]
            : "sh";
        return Path.GetFileName(program) switch
        {
            "nginx" => new ContainerStop(0, "Completed", TimeSpan.Zero),
            "agnhost" => new ContainerStop(2, "Error", TimeSpan.Zero),
            _ => new ContainerStop(137, "Error", gracePeriod),
        };
    }
}
