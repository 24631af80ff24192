using System.Net.WebSockets;
using System.Text;
using KubeLab.Simulator.Runtime;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// The sending side of a channel WebSocket: one binary message per write, <c>[channel][payload]</c>. A WebSocket allows one
/// send at a time, and stdout, stderr and the status are written from different tasks, so sends are serialised here.
/// </summary>
public sealed class ChannelWriter(WebSocket socket)
{
    private readonly SemaphoreSlim sending = new(1, 1);

    public async Task SendAsync(byte channel, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var frame = new byte[payload.Length + 1];
        frame[0] = channel;
        payload.CopyTo(frame.AsMemory(1));
        await sending.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, ct).ConfigureAwait(false);
        }
        finally { sending.Release(); }
    }

    /// <summary>Our half of the closing handshake, after the status: the client closes once it has read everything.</summary>
    public async Task CloseOutputAsync(CancellationToken ct)
    {
        await sending.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct).ConfigureAwait(false);
        }
        finally { sending.Release(); }
    }

    /// <summary>An exec's stdout or stderr as a process stream.</summary>
    public IOutputStream Output(byte channel) => new ChannelOutput(this, channel);

    private sealed class ChannelOutput(ChannelWriter writer, byte channel) : IOutputStream
    {
        public async ValueTask WriteAsync(string text, CancellationToken ct)
        {
            if (text.Length > 0) await writer.SendAsync(channel, Encoding.UTF8.GetBytes(text), ct).ConfigureAwait(false);
        }
    }
}
