using System.Net;
using System.Text;
using k8s;

namespace KubeLab.Simulator.Tests.ControllerRuntime;

/// <summary>
/// A KubernetesClient whose requests never leave the process: each is answered by <see cref="Respond"/> with a scripted body,
/// so watch streams can be replayed byte for byte (split into reads as a test wants) through the client's own pipeline.
/// </summary>
internal sealed class WatchReplay : DelegatingHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    /// <summary>The response body (and status) for a request; by default an empty 200.</summary>
    public Func<HttpRequestMessage, (HttpStatusCode Status, Stream Body)> Respond { get; set; } = _ => (HttpStatusCode.OK, new MemoryStream());

    /// <summary>A client on this replay; <paramref name="token"/> makes its credentials add a bearer token.</summary>
    public Kubernetes Client(string? token = null) =>
        new(new KubernetesClientConfiguration { Host = "http://replay.invalid", AccessToken = token }, this);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests) Requests.Add(request);
        var (status, body) = Respond(request);
        return Task.FromResult(new HttpResponseMessage(status) { RequestMessage = request, Content = new StreamContent(body) });
    }
}

/// <summary>
/// A response body delivered in reads of the sizes <see cref="ChunkSizes"/> gives (cycled), as a network or a flushing server
/// splits it; with <see cref="HangAtEnd"/> it then waits for more like an open watch, until its read is cancelled.
/// </summary>
internal sealed class ChunkedStream(byte[] data) : Stream
{
    private int position;

    public ChunkedStream(string text) : this(Encoding.UTF8.GetBytes(text)) { }

    public int[] ChunkSizes { get; init; } = [int.MaxValue];
    public bool HangAtEnd { get; init; }
    public int Reads { get; private set; }
    public TaskCompletionSource Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (position == data.Length)
        {
            if (HangAtEnd) await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
        var size = Math.Min(Math.Min(ChunkSizes[Reads++ % ChunkSizes.Length], buffer.Length), data.Length - position);
        data.AsSpan(position, size).CopyTo(buffer.Span);
        position += size;
        return size;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        Disposed.TrySetResult();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
