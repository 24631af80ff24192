using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>
/// One running instance of a container, as the prober needs it: the spec (its probes and ports), the runtime's container
/// ID, when it started (initialDelaySeconds counts from there), the pod IP, and how to exec into it (exec probes only).
/// A restart is a new instance: dispose the old <see cref="ContainerProbes"/> and start new ones.
/// </summary>
public sealed record ProbedContainer(
    V1Container Spec,
    string ContainerId,
    string PodIp,
    DateTimeOffset StartedAt,
    Func<IReadOnlyList<string>, CancellationToken, Task<(int ExitCode, string Output)>>? Exec = null)
{
    public string Name => Spec.Name;

    /// <summary>A sidecar (restartable init container) is probed too; its events name it under spec.initContainers.</summary>
    public bool IsInitContainer { get; init; }

    /// <summary>The events' involvedObject.fieldPath.</summary>
    public string FieldPath => IsInitContainer ? $"spec.initContainers{{{Spec.Name}}}" : $"spec.containers{{{Spec.Name}}}";
}

/// <summary>
/// What the prober tells the pod worker. Called on a prober task, under the prober's lock for this container: keep them
/// short and non-blocking (set a field, schedule a status write); never wait for <see cref="ContainerProbes.DisposeAsync"/>
/// inside one. None is called after the container's probes were disposed.
/// </summary>
public sealed class ProbeCallbacks
{
    /// <summary>containerStatuses[].ready changed (readiness result, gated by started).</summary>
    public Action<bool>? ReadinessChanged { get; init; }

    /// <summary>containerStatuses[].started changed (the startup probe succeeded).</summary>
    public Action<bool>? StartedChanged { get; init; }

    /// <summary>The liveness or startup probe failed failureThreshold times in a row: kill the container (the Killing event is already recorded).</summary>
    public Action<ProbeKill>? LivenessFailed { get; init; }
}
