using System.Buffers;

namespace KubeLab.Simulator.Api.Server.InProcess;

/// <summary>
/// HttpResponse.Body: a Stream over the body writer. Each write is flushed, as ASP.NET Core's stream-over-pipe does (a watch
/// event or a proxied answer reaches the client when written); synchronous I/O is refused unless AllowSynchronousIO is set.
/// </summary>
internal sealed class ResponseBodyStream(ResponseBodyWriter writer, Exchange exchange) : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowUnlessSynchronousIO();
        writer.Write(buffer);
        writer.FlushAsync().AsTask().GetAwaiter().GetResult();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var writing = writer.WriteAsync(buffer, cancellationToken);
        return writing.IsCompletedSuccessfully ? default : AwaitFlush(writing);
    }

    public override void Flush()
    {
        ThrowUnlessSynchronousIO();
        writer.FlushAsync().AsTask().GetAwaiter().GetResult();
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        var flushing = writer.FlushAsync(cancellationToken);
        return flushing.IsCompletedSuccessfully ? Task.CompletedTask : AwaitFlush(flushing).AsTask();
    }

    private static async ValueTask AwaitFlush(ValueTask<System.IO.Pipelines.FlushResult> flushing) => await flushing.ConfigureAwait(false);

    private void ThrowUnlessSynchronousIO()
    {
        if (!exchange.AllowSynchronousIO)
            throw new InvalidOperationException("Synchronous operations are disallowed. Call WriteAsync or set AllowSynchronousIO to true instead.");
    }
}
