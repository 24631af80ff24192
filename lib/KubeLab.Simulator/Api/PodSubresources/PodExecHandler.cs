using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Kubelet.Server;
using KubeLab.Simulator.Runtime;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// <c>GET|POST /api/v1/namespaces/{ns}/pods/{name}/exec</c> over a WebSocket (v5 or v4 channel protocol).
/// What the real API server checks before upgrading (ExecLocation in pkg/registry/core/pod/strategy.go: the pod, the
/// container name, a node assigned, the node known) is a plain HTTP Status answer – kubectl's WebSocket attempt then
/// fails as an upgrade failure, it retries over SPDY, gets the same answer and prints it. Everything the kubelet or the
/// runtime says comes after the upgrade, as a Status on channel 3 (as with the v5 stream translator).
/// </summary>
internal sealed class PodExecHandler(RestStorage storage, DataPlane dataPlane, CancellationToken shutdown)
{
    /// <summary>How long to wait (wall clock: a socket matter) for the client to close after the status was sent.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(10);

    /// <summary>How long (wall clock) the client gets to create its streams before output can arrive.</summary>
    private static readonly TimeSpan ClientStreamSetup = TimeSpan.FromMilliseconds(50);

    public async Task Serve(HttpContext ctx, string ns, string name)
    {
        if (ctx.Request.Method is not ("GET" or "POST")) throw ApiError.MethodNotAllowed();
        var request = PodExecRequest.Parse(ctx.Request);
        var pod = KubernetesJson.Deserialize<V1Pod>(storage.Get(PodLogHandler.PodType, ns, name).ToJsonString());
        var container = ContainerChoice.Resolve(pod, request.Container);
        if (pod.Spec?.NodeName is not { Length: > 0 } node) throw ApiError.BadRequest($"pod {name} does not have a host assigned");
        var kubelet = KubeletAddress.Of(storage, dataPlane, node);

        if (!ctx.WebSockets.IsWebSocketRequest)
        {
            // kubectl before 1.30 (and other SPDY clients) end here; 1.30+ only after a refused WebSocket upgrade.
            if (ctx.Request.Headers.Upgrade.ToString().Contains("SPDY", StringComparison.OrdinalIgnoreCase))
                throw ApiError.BadRequest("the simulated API server streams exec over WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io); " +
                                          "SPDY is not supported: use kubectl 1.30 or newer");
            throw ApiError.BadRequest("Upgrade request required"); // UpgradeAwareHandler with UpgradeRequired
        }
        var requested = ctx.WebSockets.WebSocketRequestedProtocols;
        var protocol = StreamProtocol.Negotiate(requested)
            ?? throw ApiError.BadRequest($"requested protocol(s) are not supported: [{string.Join(' ', requested)}]; supports [{string.Join(' ', StreamProtocol.Supported)}]");

        using var socket = await ctx.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol });
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, shutdown);
        var writer = new ChannelWriter(socket);
        var stdin = request.Stdin ? new Pipe() : null;
        var reader = new ChannelReader(socket, protocol, stdin).RunAsync(session.Token);
        try
        {
            // client-go's WebSocket executor starts reading before it creates its streams and drops (and logs to stderr) a message
            // for a stream it does not have yet: "E… Unknown stream id 1, discarding message" (remotecommand/websocket.go). The
            // real stream translator has the same race but a CRI round trip behind it; a modelled program answers at once, so the
            // client gets a moment (wall clock) before anything, the empty "ready" message included, is sent.
            await Task.Delay(ClientStreamSetup, session.Token);
            // An empty message on the lowest writable channel tells the client the streams are set up (createWebSocketStreams in
            // the stream translator and the kubelet do this).
            var first = request.Stdout ? StreamProtocol.Stdout : request.Stderr ? StreamProtocol.Stderr : StreamProtocol.Error;
            await writer.SendAsync(first, ReadOnlyMemory<byte>.Empty, session.Token);

            var status = await RunAsync(kubelet, pod, container, request, protocol, writer, stdin, reader, session.Token);
            await writer.SendAsync(StreamProtocol.Error, Encoding.UTF8.GetBytes(Server.GoJson.Serialize(status)), session.Token);
            await writer.CloseOutputAsync(session.Token);
            await reader.WaitAsync(CloseGrace, TimeProvider.System, session.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or TimeoutException) { }
        finally
        {
            await session.CancelAsync();
            await reader;
        }
    }

    private static async Task<JsonObject> RunAsync(KubeletAddress kubelet, V1Pod pod, string container, PodExecRequest request, string protocol,
        ChannelWriter writer, Pipe? stdin, Task clientGone, CancellationToken ct)
    {
        if (kubelet.Server is null) return ExecStatus.DialFailed(kubelet.Refused);
        // The kubelet's remotecommand.NewOptions refuses a session without any stream.
        if (!request.Stdin && !request.Stdout && !request.Stderr) return ExecStatus.UpgradeFailed("you must specify at least 1 of stdin, stdout, stderr");
        // Approximation: the OCI runtime refuses a process without arguments.
        if (request.Command.Count == 0) return ExecStatus.StartFailed(protocol, new ProcessStartException("args must not be empty", 126));

        var stdout = request.Stdout ? writer.Output(StreamProtocol.Stdout) : NullOutput.Instance;
        // A terminal shows stderr on the same stream as stdout.
        var stderr = !request.Stderr ? NullOutput.Instance : writer.Output(request.Tty ? StreamProtocol.Stdout : StreamProtocol.Stderr);
        // The client closing the socket ends the session's process as well.
        using var exec = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _ = clientGone.ContinueWith(_ => { try { exec.Cancel(); } catch (ObjectDisposedException) { } }, TaskScheduler.Default);
        try
        {
            var code = await kubelet.Server.ExecAsync(pod.Metadata.NamespaceProperty, pod.Metadata.Name, pod.Metadata.Uid, container, request.Command,
                (IInputStream?)stdin ?? EmptyInput.Instance, stdout, stderr, request.Tty, exec.Token);
            return code == 0 ? ExecStatus.Success() : ExecStatus.NonZeroExit(protocol, request.Command, code);
        }
        catch (KubeletException e) { return ExecStatus.UpgradeFailed(e.Message); }
        catch (ProcessStartException e) { return ExecStatus.StartFailed(protocol, e); }
        catch (Exception e) when (e is not OperationCanceledException) { return ExecStatus.RuntimeFailed(protocol, e.Message); }
    }
}
