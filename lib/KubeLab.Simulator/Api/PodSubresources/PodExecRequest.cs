using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// core/v1 PodExecOptions from the query of <c>pods/{name}/exec</c>: <c>command</c> repeated once per argument, <c>container</c>,
/// and which streams to open. With a TTY there is no separate stderr (the kubelet drops it; a terminal shows both on one stream).
/// </summary>
public sealed record PodExecRequest(IReadOnlyList<string> Command, string? Container, bool Stdin, bool Stdout, bool Stderr, bool Tty)
{
    public static PodExecRequest Parse(HttpRequest q) => new(
        QueryParameters.All(q, "command"),
        QueryParameters.String(q, "container"),
        QueryParameters.Bool(q, "stdin"),
        QueryParameters.Bool(q, "stdout"),
        QueryParameters.Bool(q, "stderr"),
        QueryParameters.Bool(q, "tty"));
}
