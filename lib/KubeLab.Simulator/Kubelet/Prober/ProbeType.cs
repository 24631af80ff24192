namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>The three container probes (pkg/kubelet/prober/prober_manager.go probeType).</summary>
public enum ProbeType
{
    Liveness,
    Readiness,
    Startup,
}

public static class ProbeTypeNames
{
    /// <summary>How event messages name the probe: "Liveness probe failed: …" (probeType.String()).</summary>
    public static string Title(this ProbeType type) => type.ToString();

    /// <summary>Lower case, as in "Container web failed liveness probe".</summary>
    public static string Lower(this ProbeType type) => type.ToString().ToLowerInvariant();
}

/// <summary>
/// What one probe attempt found (pkg/probe Result): success, failure, warning (counts as success, e.g. a redirect
/// the prober did not follow) or unknown (the probe could not run; the worker throws the result away).
/// </summary>
public enum ProbeResult
{
    Success,
    Warning,
    Failure,
    Unknown,
}

/// <summary>One probe attempt's result with the text the kubelet puts into its event.</summary>
public sealed record ProbeOutcome(ProbeResult Result, string Output)
{
    public static ProbeOutcome Success(string output = "") => new(ProbeResult.Success, output);
    public static ProbeOutcome Failure(string output) => new(ProbeResult.Failure, output);
    public static ProbeOutcome Warning(string output) => new(ProbeResult.Warning, output);
    public static ProbeOutcome Unknown(string error) => new(ProbeResult.Unknown, error);
}
