using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KubeLab.Tests.Services;

/// <summary>
/// Lab.WaitForHostGetAsync: a host port that starts answering late (kube-proxy programming a node port, the simulator opening
/// its listener) is waited for; one that never answers ends in a WaitTimeoutException naming the last answer.
/// </summary>
public class HostGetWaitTests
{
    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Answers each connection once with <paramref name="body"/> (HTTP/1.1, Connection: close).</summary>
    private static async Task ServeAsync(TcpListener listener, string body, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(ct);
                var stream = client.GetStream();
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer, ct);
                var response = $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response), ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { }
    }

    [Fact]
    public async Task Waits_for_a_port_that_starts_answering_later()
    {
        var port = FreePort();
        using var stop = new CancellationTokenSource();
        var listener = new TcpListener(IPAddress.Loopback, port);
        var late = Task.Run(async () =>
        {
            await Task.Delay(1500);
            listener.Start();
            await ServeAsync(listener, "web-1", stop.Token);
        });

        var first = await Lab.WaitForHostGetAsync(port, "/hostname", r => r.IsSuccess, "the late server to answer", TimeSpan.FromSeconds(30));

        Assert.Equal((200, "web-1"), (first.StatusCode, first.Body));
        await stop.CancelAsync();
        listener.Stop();
        await late;
    }

    [Fact]
    public async Task A_port_that_never_answers_times_out_with_the_last_answer()
    {
        var port = FreePort();
        var e = await Assert.ThrowsAsync<WaitTimeoutException>(() =>
            Lab.WaitForHostGetAsync(port, "/", r => r.IsSuccess, "nothing to answer", TimeSpan.FromSeconds(2)));
        Assert.Contains($"localhost:{port}: nothing to answer", e.Message);
        Assert.Contains("no answer", e.Message);
    }
}
