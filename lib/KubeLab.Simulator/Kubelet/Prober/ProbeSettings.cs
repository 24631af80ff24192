using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>
/// A probe's timing with the API defaults applied (pkg/apis/core/v1/defaults.go SetDefaults_Probe):
/// periodSeconds 10, timeoutSeconds 1, successThreshold 1, failureThreshold 3, initialDelaySeconds 0.
/// Values below 1 (validation rejects them on a real cluster) are treated as 1.
/// </summary>
public sealed record ProbeSettings(TimeSpan InitialDelay, TimeSpan Period, TimeSpan Timeout, int SuccessThreshold, int FailureThreshold)
{
    public static ProbeSettings Of(V1Probe probe) => new(
        TimeSpan.FromSeconds(Math.Max(0, probe.InitialDelaySeconds ?? 0)),
        TimeSpan.FromSeconds(Math.Max(1, probe.PeriodSeconds ?? 10)),
        TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds ?? 1)),
        Math.Max(1, probe.SuccessThreshold ?? 1),
        Math.Max(1, probe.FailureThreshold ?? 3));
}
