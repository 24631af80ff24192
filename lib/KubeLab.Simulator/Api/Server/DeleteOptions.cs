namespace KubeLab.Simulator.Api.Server;

/// <summary>meta/v1 DeleteOptions as taken from the body or the query string.</summary>
public sealed record DeleteOptions(long? GracePeriodSeconds, string? PropagationPolicy, string? PreconditionUid, string? PreconditionResourceVersion, bool DryRun);
