using System.Net;

namespace KubeLab.Simulator.Api.Server.InProcess;

/// <summary>
/// The client's HttpResponseMessage.Content: the response buffer read as the application writes it. Like TestHost's
/// StreamContent over a pipe, it has no computed length (only a Content-Length the application set), and disposing it –
/// or the stream it handed out – before the pipeline finished aborts the request (RequestAborted).
/// </summary>
internal sealed class ResponseContent(ResponseBuffer body, Exchange exchange) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => body.CopyToAsync(stream, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        body.CopyToAsync(stream, cancellationToken);

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) => body.CopyTo(stream);

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new ResponseReadStream(body, exchange));

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => new ResponseReadStream(body, exchange);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) exchange.ClientDisposed();
        base.Dispose(disposing);
    }
}

/// <summary>The client's read side of the response buffer (what HttpContent.ReadAsStreamAsync returns).</summary>
internal sealed class ResponseReadStream(ResponseBuffer body, Exchange exchange) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => body.Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => body.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        body.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => body.ReadAsync(buffer, cancellationToken);

    public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) => body.CopyToAsync(destination, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing) exchange.ClientDisposed();
        base.Dispose(disposing);
    }
}
