using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KubeLab.Simulator.Network.HostPorts;

/// <summary>
/// kind's extraPortMappings (environment/kind-cluster.yaml maps 127.0.0.1:30080 to the control-plane container's 30080): a real
/// TCP listener on the host whose connections arrive at the control-plane node from the docker bridge (172.18.0.1), where
/// kube-proxy's node-port rules take them. HTTP/1.1 only, one request per connection (answered with Connection: close).
/// The host port is held only while a Service holds the node port (checked every 250 ms against kube-proxy's synced rules), so the
/// many simulators of a test run do not fight over it; on kind docker-proxy holds it for the cluster's life and resets connections
/// nothing serves, here they are refused. A host port that is taken when a Service comes to use it is reported in one line on
/// stderr and retried; the cluster runs on without it.
/// </summary>
public sealed class HostPortForwarder : IAsyncDisposable
{
    public const string DockerBridgeGateway = "172.18.0.1";
    private static readonly TimeSpan DroppedHold = TimeSpan.FromMinutes(2);

    private readonly ClusterNetwork network;
    private readonly TimeProvider time;
    private readonly Dictionary<HostPortMapping, (TcpListener Listener, Task Loop)> active = [];
    private readonly HashSet<HostPortMapping> reported = [];
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stop = new();
    private Task? watcher;
    private TextWriter log = TextWriter.Null;

    private HostPortForwarder(ClusterNetwork network, TimeProvider time)
    {
        this.network = network;
        this.time = time;
    }

    /// <summary>The host ports being served now.</summary>
    public IReadOnlyList<int> Listening { get { lock (gate) return active.Keys.Select(m => m.HostPort).Order().ToList(); } }

    /// <summary>
    /// Serves each host port while its node port is in use. A port is never touched before that: binding it at start-up only to
    /// see whether it was free took it, for a moment, from a simulator that a Service was using it in (a test run starts many).
    /// </summary>
    public static HostPortForwarder Start(IEnumerable<HostPortMapping> mappings, ClusterNetwork network, TimeProvider time, TextWriter log)
    {
        var forwarder = new HostPortForwarder(network, time) { log = log };
        var list = mappings.ToList();
        if (list.Count > 0) forwarder.watcher = Task.Run(() => forwarder.WatchAsync(list));
        return forwarder;
    }

    /// <summary>Polls the proxy's rules: cheap, and independent of how and when kube-proxy syncs.</summary>
    private async Task WatchAsync(IReadOnlyList<HostPortMapping> mappings)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var m in mappings)
            {
                var wanted = network.Services?.ServesNodePort(m.ContainerPort) == true;
                bool listening;
                lock (gate) listening = active.ContainsKey(m);
                if (wanted && !listening && TryListen(m) is { } listener)
                    lock (gate) active[m] = (listener, Task.Run(() => AcceptLoopAsync(listener, m.ContainerPort)));
                else if (!wanted && listening)
                    lock (gate) { active[m].Listener.Stop(); active.Remove(m); }
            }
            try { await Task.Delay(250, stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
        }
    }

    private TcpListener? TryListen(HostPortMapping m)
    {
        var listener = new TcpListener(IPAddress.Loopback, m.HostPort);
        try
        {
            listener.Start();
            lock (gate) reported.Remove(m);
            return listener;
        }
        catch (SocketException e)
        {
            lock (gate)
                if (!reported.Add(m)) return null;
            log.WriteLine($"kubelab simulator: cannot listen on 127.0.0.1:{m.HostPort} ({e.Message}); NodePort {m.ContainerPort} is reachable inside the cluster but not as http://localhost:{m.HostPort}/ from this machine. Free the port (another simulator or kind cluster may hold it); the simulator tries again while a Service uses node port {m.ContainerPort}.");
            return null;
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener, int nodePort)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token).ConfigureAwait(false); }
            catch (Exception) { return; }
            _ = Task.Run(() => ServeAsync(client, nodePort));
        }
    }

    private async Task ServeAsync(TcpClient client, int nodePort)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream, stop.Token).ConfigureAwait(false);
                if (request is null) return;
                // A dropped connection is held open (on the cluster clock) as a SYN without answer would keep curl waiting.
                using var dropped = new CancellationTokenSource(DroppedHold, time);
                using var hold = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, dropped.Token);
                HttpResponseMessageModel response;
                try
                {
                    response = await network.SendFromNodeAsync(network.ControlPlaneNode, DockerBridgeGateway, network.ControlPlaneIp, nodePort, request, hold.Token).ConfigureAwait(false);
                }
                catch (NetworkException)
                {
                    // docker-proxy accepted the host side, then could not reach the node port: the client sees a reset.
                    client.Client.LingerState = new LingerOption(true, 0);
                    return;
                }
                await WriteResponseAsync(stream, response, stop.Token).ConfigureAwait(false);
            }
            catch (Exception) { /* the client went away, or the simulator is stopping */ }
        }
    }

    private static async Task<HttpRequestMessageModel?> ReadRequestAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new List<byte>();
        var one = new byte[4096];
        int headerEnd;
        while ((headerEnd = IndexOfHeaderEnd(buffer)) < 0)
        {
            var n = await stream.ReadAsync(one, ct).ConfigureAwait(false);
            if (n == 0 || buffer.Count > 64 * 1024) return null;
            buffer.AddRange(one.AsSpan(0, n).ToArray());
        }
        var head = Encoding.ASCII.GetString(buffer.GetRange(0, headerEnd).ToArray()).Split("\r\n");
        var requestLine = head[0].Split(' ');
        if (requestLine.Length < 3) return null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = buffer.Skip(headerEnd + 4).ToList();
        var length = headers.TryGetValue("Content-Length", out var cl) && int.TryParse(cl, out var l) ? l : 0;
        while (body.Count < length)
        {
            var n = await stream.ReadAsync(one, ct).ConfigureAwait(false);
            if (n == 0) break;
            body.AddRange(one.AsSpan(0, n).ToArray());
        }
        return new HttpRequestMessageModel(requestLine[0], requestLine[1], headers.GetValueOrDefault("Host") ?? "", headers, body.Take(length).ToArray(), DockerBridgeGateway);
    }

    private static int IndexOfHeaderEnd(List<byte> b)
    {
        for (var i = 0; i + 3 < b.Count; i++)
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i;
        return -1;
    }

    private static async Task WriteResponseAsync(NetworkStream stream, HttpResponseMessageModel response, CancellationToken ct)
    {
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(response.StatusCode).Append(' ').Append(ReasonPhrase(response.StatusCode)).Append("\r\n");
        head.Append("Content-Type: ").Append(response.ContentType).Append("\r\n");
        foreach (var (k, v) in response.Headers)
            if (!k.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !k.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                && !k.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                head.Append(k).Append(": ").Append(v).Append("\r\n");
        head.Append("Content-Length: ").Append(response.Body.Length).Append("\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct).ConfigureAwait(false);
        await stream.WriteAsync(response.Body, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    private static string ReasonPhrase(int code) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code);

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        List<Task> loops;
        lock (gate)
        {
            foreach (var (listener, _) in active.Values) listener.Stop();
            loops = [.. active.Values.Select(a => a.Loop), .. watcher is null ? [] : new[] { watcher }];
            active.Clear();
        }
        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        stop.Dispose();
    }
}
