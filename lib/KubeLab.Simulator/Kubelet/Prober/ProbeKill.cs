using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>
/// The kubelet's decision to kill a container whose liveness or startup probe failed failureThreshold times in a row
/// (pkg/kubelet/kuberuntime/kuberuntime_manager.go computePodActions). <see cref="Message"/> is the <c>Killing</c>
/// event's text ("Container web failed liveness probe, will be restarted"; without the suffix under restartPolicy Never).
/// <see cref="GracePeriod"/> is the probe's terminationGracePeriodSeconds, else the pod's, else 30 s.
/// How the process then ends is up to the process itself (the runtime's SIGTERM, then SIGKILL after the grace period).
/// </summary>
public sealed record ProbeKill(ProbeType Type, string Message, bool Restart, TimeSpan GracePeriod)
{
    /// <summary>"liveness" or "startup".</summary>
    public string ProbeName => Type.Lower();

    public static ProbeKill For(ProbeType type, V1Probe probe, V1Pod pod, V1Container container)
    {
        var restart = (pod.Spec.RestartPolicy ?? "Always") != "Never";
        var message = $"Container {container.Name} failed {type.Lower()} probe" + (restart ? ", will be restarted" : "");
        var grace = TimeSpan.FromSeconds(Math.Max(0, probe.TerminationGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30));
        return new ProbeKill(type, message, restart, grace);
    }
}
