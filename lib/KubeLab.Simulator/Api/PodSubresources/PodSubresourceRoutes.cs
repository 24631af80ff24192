using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Server;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// The pod subresources that reach into containers through the node's kubelet: <c>log</c> and <c>exec</c>;
/// <c>attach</c> is answered with a clear 400 (no attachable process stdin is modelled).
/// </summary>
public sealed class PodSubresourceRoutes(RestStorage storage, DataPlane dataPlane, CancellationToken shutdown)
{
    private readonly PodLogHandler logs = new(storage, dataPlane);
    private readonly PodExecHandler exec = new(storage, dataPlane, shutdown);

    /// <summary>True for <c>api/v1/namespaces/{ns}/pods/{name}/(log|exec|attach)</c>.</summary>
    public static bool Matches(string[] seg) =>
        seg.Length == 7 && seg[0] == "api" && seg[1] == "v1" && seg[2] == "namespaces" && seg[4] == "pods" && seg[6] is "log" or "exec" or "attach";

    public Task Serve(HttpContext ctx, string[] seg) => seg[6] switch
    {
        "log" => logs.Serve(ctx, seg[3], seg[5]),
        "exec" => exec.Serve(ctx, seg[3], seg[5]),
        _ => throw ApiError.BadRequest("pods/attach is not supported by the simulator: use kubectl exec to run a command, kubectl logs -f to follow output"),
    };
}
