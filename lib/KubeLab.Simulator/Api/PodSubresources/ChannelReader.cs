using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using KubeLab.Simulator.Runtime;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// The receiving side of a channel WebSocket (wsstream's read loop): channel 0 goes to the exec's stdin pipe (when stdin was
/// requested; otherwise it is ignored), channel 4 carries terminal sizes (ignored: no terminal is modelled), and with v5 a
/// close signal <c>[255, 0]</c> ends stdin. The client closing the socket ends stdin too.
/// </summary>
public sealed class ChannelReader(WebSocket socket, string protocol, Pipe? stdin)
{
    private readonly Decoder utf8 = Encoding.UTF8.GetDecoder();

    /// <summary>Reads until the client closes (or the connection drops); returns then.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        var message = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, ct).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close) return;
                message.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage) continue;
                await Dispatch(message.WrittenMemory, ct).ConfigureAwait(false);
                message.Clear();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        finally { stdin?.Close(); }
    }

    private async ValueTask Dispatch(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (data.Length == 0) return;
        var channel = data.Span[0];
        var payload = data[1..];
        if (channel == StreamProtocol.Close && protocol == StreamProtocol.V5)
        {
            if (payload.Length == 1 && payload.Span[0] == StreamProtocol.Stdin) stdin?.Close();
            return;
        }
        if (channel != StreamProtocol.Stdin || stdin is null || payload.Length == 0) return;
        var chars = new char[utf8.GetCharCount(payload.Span, flush: false)];
        var n = utf8.GetChars(payload.Span, chars, flush: false);
        if (n > 0) await stdin.WriteAsync(new string(chars, 0, n), ct).ConfigureAwait(false);
    }
}
