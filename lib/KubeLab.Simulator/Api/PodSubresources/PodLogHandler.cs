using k8s;
using k8s.Models;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Kubelet.Server;
using KubeLab.Simulator.Runtime;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// <c>GET /api/v1/namespaces/{ns}/pods/{name}/log</c> (pkg/registry/core/pod/rest/log.go and LogLocation in strategy.go):
/// validate the options, pick the container, then stream what the node's kubelet has for it as text/plain. A pod without
/// a node yet has no location: an empty 200, as the real LocationStreamer answers.
/// </summary>
internal sealed class PodLogHandler(RestStorage storage, DataPlane dataPlane)
{
    internal static readonly ResourceType PodType = ResourceRegistry.Types.First(t => t.Group.Length == 0 && t.Kind == "Pod");

    public async Task Serve(HttpContext ctx, string ns, string name)
    {
        if (ctx.Request.Method != "GET") throw ApiError.MethodNotAllowed();
        var options = PodLogRequest.Parse(ctx.Request);
        options.Validate(name);
        var pod = KubernetesJson.Deserialize<V1Pod>(storage.Get(PodType, ns, name).ToJsonString());
        var container = ContainerChoice.Resolve(pod, options.Container);

        ContainerLog? log = null;
        if (pod.Spec?.NodeName is { Length: > 0 } node)
        {
            var kubelet = KubeletAddress.Of(storage, dataPlane, node);
            if (kubelet.Server is null)
                throw new ApiError(500, "", $"Get \"https://{kubelet.Host}/containerLogs/{ns}/{name}/{container}\": {kubelet.Refused}");
            try { log = kubelet.Server.GetLog(ns, name, pod.Metadata.Uid, container, options.Previous); }
            catch (KubeletException e) { throw KubeletErrors.ForLog(e, name); }
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/plain";
        if (log is null) return;
        var streamer = new ContainerLogStreamer(log, options, storage.Time.GetUtcNow());
        // With follow every batch is flushed at once (the real handler flushes when Follow is set).
        await streamer.CopyToAsync(ctx.Response.Body, ct => options.Follow ? ctx.Response.Body.FlushAsync(ct) : Task.CompletedTask, ctx.RequestAborted);
    }
}
