namespace KubeLab.Simulator.Kubelet;

/// <summary>
/// The simulated kubelet's clock, as data (kwok keeps its stages the same way): how long each step of a pod's life takes.
/// Real durations are scaled down for a course, except the back-off sequences, which keep Kubernetes' values
/// (10 s doubling to 5 min for both image pulls and crashing containers) because the course observes them.
/// </summary>
public sealed record KubeletTimings
{
    public static KubeletTimings Default { get; } = new();

    /// <summary>From being bound to the node until the pod sandbox (network namespace, IP) is ready.</summary>
    public (double Min, double Max) SandboxSeconds { get; init; } = (0.1, 0.3);
    /// <summary>Pulling an image the node has never seen.</summary>
    public (double Min, double Max) FirstPullSeconds { get; init; } = (0.5, 1.5);
    /// <summary>Pulling (re-checking) an image the node already has, for pull policy Always.</summary>
    public (double Min, double Max) CachedPullSeconds { get; init; } = (0.05, 0.2);
    /// <summary>Creating and starting a container.</summary>
    public (double Min, double Max) StartSeconds { get; init; } = (0.02, 0.08);
    /// <summary>From SIGTERM until a modelled process has exited (they all exit promptly).</summary>
    public (double Min, double Max) StopSeconds { get; init; } = (0.2, 0.5);
    /// <summary>From ErrImagePull until the next pod sync reports ImagePullBackOff.</summary>
    public TimeSpan ErrImagePullToBackOff { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Delay before the first restart of an exited container (the kubelet restarts it on its next sync).</summary>
    public TimeSpan FirstRestart { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>After CreateContainerConfigError or FailedMount: the kubelet tries again on a later pod sync.</summary>
    public TimeSpan ConfigErrorRetry { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How often mounted configMaps/secrets are re-read (kubelet sync period 1 min; the course sees updates within it).</summary>
    public TimeSpan VolumeResync { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan BackOffInitial { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan BackOffMax { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan Pick((double Min, double Max) range) =>
        TimeSpan.FromSeconds(range.Min + Random.Shared.NextDouble() * (range.Max - range.Min));

    /// <summary>Back-off after <paramref name="failures"/> failures: 10 s, 20 s, 40 s … capped at 5 min.</summary>
    public TimeSpan BackOff(int failures) =>
        TimeSpan.FromTicks(Math.Min(BackOffMax.Ticks, BackOffInitial.Ticks * (1L << Math.Clamp(failures - 1, 0, 20))));
}
