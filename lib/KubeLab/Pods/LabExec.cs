using System.Net.WebSockets;
using System.Text;
using k8s;
using k8s.Autorest;
using KubeLab.Pods;

namespace KubeLab;

/// <summary>
/// Running a command inside a container through the API (the pods/exec subresource – what `kubectl exec` calls), over a WebSocket
/// with the channel protocol: channel 0 stdin, 1 stdout, 2 stderr, 3 the status (exit code), and from v5 on a "close channel"
/// message for the end of stdin.
/// </summary>
public sealed partial class Lab
{
    private static readonly TimeSpan DefaultExecTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs <paramref name="command"/> (an argv array – no shell unless you call one: <c>["sh", "-c", "…"]</c>) in a container of
    /// <paramref name="pod"/> and waits until it exits, like <c>kubectl exec POD -c CONTAINER -- COMMAND</c> without a terminal.
    /// <paramref name="stdin"/>, if given, is sent to the command and then closed (end of input). A non-zero exit is a result, not an
    /// error (<see cref="ExecResult.ExitCode"/>); a refused exec (no such pod or container, container not running, command could not
    /// start) raises <see cref="PodAccessException"/>. <paramref name="timeout"/> (default 60 s, real time) bounds commands that never end.
    /// </summary>
    public Task<ExecResult> ExecAsync(string pod, IReadOnlyList<string> command, string? container = null, string? stdin = null,
        TimeSpan? timeout = null, CancellationToken ct = default) =>
        ExecInNamespaceAsync(Namespace, pod, command, container, stdin, timeout, ct);

    /// <summary><see cref="ExecAsync"/> in another namespace (the etcd static pod lives in kube-system).</summary>
    internal async Task<ExecResult> ExecInNamespaceAsync(string ns, string pod, IReadOnlyList<string> command, string? container = null, string? stdin = null,
        TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pod);
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0) throw new ArgumentException("The command needs at least the program to run, e.g. [\"ls\", \"/\"].", nameof(command));
        var limit = timeout ?? DefaultExecTimeout;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(limit);

        WebSocket socket;
        try
        {
            // v5 is what kubectl 1.30+ asks for; it adds closing stdin. tty=false keeps stdout and stderr apart.
            socket = await _client.WebSocketNamespacedPodExecAsync(pod, ns, command, container, stderr: true, stdin: stdin is not null,
                stdout: true, tty: false, webSocketSubProtocol: WebSocketProtocol.V5BinaryWebsocketProtocol, cancellationToken: cts.Token).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw await ExplainAsync("exec", pod, container, false, e).ConfigureAwait(false);
        }
        catch (WebSocketException e)
        {
            throw new PodAccessException("exec", pod, container, null, e.Message,
                "the API server did not open the exec stream (WebSocket, protocol v5.channel.k8s.io). Check that the pod exists and runs.", e);
        }

        var supportsClose = socket.SubProtocol == WebSocketProtocol.V5BinaryWebsocketProtocol;
        using var demux = new StreamDemuxer(socket, StreamType.RemoteCommand, ownsSocket: true, supportsClose: supportsClose);
        // Streams must exist before Start(): the demuxer drops frames of channels nobody asked for.
        var stdout = demux.GetStream(ChannelIndex.StdOut, null);
        var stderr = demux.GetStream(ChannelIndex.StdErr, null);
        var status = demux.GetStream(ChannelIndex.Error, null);
        demux.Start();

        // MuxedStream reads block until data or the end of the connection; read each channel on its own worker.
        var reads = new[] { ReadAllAsync(stdout), ReadAllAsync(stderr), ReadAllAsync(status) };
        if (stdin is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(stdin);
            if (bytes.Length > 0) await demux.Write(ChannelIndex.StdIn, bytes, 0, bytes.Length, cts.Token).ConfigureAwait(false);
            if (supportsClose) await demux.CloseChannel(ChannelIndex.StdIn, cts.Token).ConfigureAwait(false);
        }
        try
        {
            await Task.WhenAll(reads).WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            demux.Dispose(); // ends the blocked reads
            throw new PodAccessException("exec", pod, container, null, $"the command was still running after {limit.TotalSeconds:0.#} s",
                "exec waits until the command exits: a command that runs forever (tail -f, a server, sleep without end) never returns. " +
                "Run something that ends, or pass a longer timeout." + (stdin is not null && !supportsClose ? " The server did not speak v5, so stdin could not be closed." : ""));
        }

        var outcome = ExecStatusChannel.Parse(reads[2].Result);
        var result = new ExecResult(reads[0].Result, reads[1].Result, outcome.ExitCode ?? -1) { Pod = pod, Container = container, Command = [.. command] };
        if (outcome.ExitCode is not null) return result;
        throw await CommandFailedAsync(pod, container, command, outcome.Error ?? "", result).ConfigureAwait(false);
    }

    private static Task<string> ReadAllAsync(Stream stream) => Task.Run(() =>
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>The status channel reported an error instead of an exit code: the command could not be run at all.</summary>
    private async Task<PodAccessException> CommandFailedAsync(string pod, string? container, IReadOnlyList<string> command, string error, ExecResult partial)
    {
        var output = (partial.Stdout + partial.Stderr).Trim();
        var message = output.Length == 0 ? error : $"{error}\n  Output: {output}";
        if (error.Contains("executable file not found", StringComparison.OrdinalIgnoreCase) || error.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase))
            return new PodAccessException("exec", pod, container, null, message,
                $"the image of this container has no program \"{command[0]}\". Use one it has (busybox:1.36 has sh, wget, cat, ls; nginx:1.27 has sh, cat and curl but no wget).");
        return await ExplainAsync("exec", pod, container, false, null, message, new InvalidOperationException(error)).ConfigureAwait(false);
    }
}
