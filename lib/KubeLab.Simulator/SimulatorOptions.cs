namespace KubeLab.Simulator;

/// <summary>Options for <see cref="SimulatedCluster.StartAsync"/>.</summary>
public sealed record SimulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; init; } = 0;

    /// <summary>Clock for timestamps, ages and grace periods (a fake TimeProvider makes tests deterministic).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
