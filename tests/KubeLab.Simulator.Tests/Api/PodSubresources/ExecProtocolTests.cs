using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace KubeLab.Simulator.Tests.Api.PodSubresources;

/// <summary>The channel protocol on the wire: negotiation, the first empty frame, the v5 close signal and the status message.</summary>
public sealed class ExecProtocolTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private async Task<ClientWebSocket> ConnectAsync(string ns, string query, params string[] protocols)
    {
        var ws = new ClientWebSocket();
        foreach (var p in protocols) ws.Options.AddSubProtocol(p);
        ws.Options.ClientCertificates = [f.Cluster.AdminCertificate];
        ws.Options.RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && f.Cluster.TrustsServer(cert);
        var uri = new UriBuilder(f.Cluster.Url) { Scheme = "wss", Path = $"/api/v1/namespaces/{ns}/pods/box/exec", Query = query }.Uri;
        await ws.ConnectAsync(uri, CancellationToken.None);
        return ws;
    }

    /// <summary>All messages until the server closes: (channel, payload text).</summary>
    private static async Task<List<(byte Channel, string Text)>> ReadAllAsync(ClientWebSocket ws)
    {
        var frames = new List<(byte, string)>();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                r = await ws.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, r.Count);
            } while (!r.EndOfMessage);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                return frames;
            }
            var bytes = message.ToArray();
            frames.Add((bytes[0], Encoding.UTF8.GetString(bytes, 1, bytes.Length - 1)));
        }
    }

    private async Task<string> PodAsync(Func<ExecCall, Task<int>> exec)
    {
        var (ns, kubelet, _) = await FakeNodes.PodAsync(f, "box", ["box"], prefix: "wire");
        kubelet.Exec = exec;
        return ns;
    }

    [Fact]
    public async Task V5_first_empty_frame_stdin_close_signal_then_success_status()
    {
        var ns = await PodAsync(async call =>
        {
            var text = new StringBuilder();
            while (await call.Stdin.ReadAsync(call.Ct) is { } chunk) text.Append(chunk);
            await call.Stdout.WriteAsync(text.ToString().ToUpperInvariant(), call.Ct);
            return 0;
        });
        using var ws = await ConnectAsync(ns, "command=tr&stdin=true&stdout=true&stderr=true", "v5.channel.k8s.io", "v4.channel.k8s.io");
        Assert.Equal("v5.channel.k8s.io", ws.SubProtocol);
        await ws.SendAsync(new byte[] { 0, (byte)'h', (byte)'i' }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await ws.SendAsync(new byte[] { 255, 0 }, WebSocketMessageType.Binary, true, CancellationToken.None);

        var frames = await ReadAllAsync(ws);
        Assert.Equal((1, ""), frames[0]);
        Assert.Equal((1, "HI"), frames[1]);
        Assert.Equal((3, """{"metadata":{},"status":"Success"}"""), frames[2]);
        Assert.Equal(3, frames.Count);
    }

    [Fact]
    public async Task V4_exit_status_is_worded_by_the_runtime()
    {
        var ns = await PodAsync(_ => Task.FromResult(2));
        using var ws = await ConnectAsync(ns, "command=ls&command=/nope&stdout=1&stderr=1", "v4.channel.k8s.io");
        Assert.Equal("v4.channel.k8s.io", ws.SubProtocol);
        var status = JsonNode.Parse((await ReadAllAsync(ws)).Single(fr => fr.Channel == 3).Text)!;
        Assert.Equal("Failure", status["status"]!.ToString());
        Assert.Equal("NonZeroExitCode", status["reason"]!.ToString());
        Assert.Equal("command terminated with non-zero exit code: error executing command [ls /nope], exit code 2", status["message"]!.ToString());
        Assert.Equal("""[{"reason":"ExitCode","message":"2"}]""", status["details"]!["causes"]!.ToJsonString());
    }

    [Fact]
    public async Task Unsupported_subprotocols_are_refused_before_the_upgrade()
    {
        var ns = await PodAsync(_ => Task.FromResult(0));
        var e = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(ns, "command=true&stdout=1", "base64.channel.k8s.io"));
        Assert.Contains("400", e.Message);
    }

    [Fact]
    public async Task Kubectl_reports_a_pod_without_a_node()
    {
        var ns = await f.NewNamespaceAsync("wire");
        var pod = Objects.Pod("box");
        pod.Spec.SchedulerName = "manual-scheduler";
        await f.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        var r = await KubectlExec.RunAsync(f, null, "exec", "box", "-n", ns, "--", "echo", "hi");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("Error from server (BadRequest): pod box does not have a host assigned", r.Stderr.Trim());
    }
}
