using System.IO.Pipelines;

namespace KubeLab.Simulator.Api.Server.InProcess;

/// <summary>
/// HttpResponse.BodyWriter: writes go straight into the response buffer; a flush starts the response and makes the bytes
/// readable (see <see cref="Exchange.FlushAsync"/>). As with TestHost, Complete() without an error does nothing (the body
/// ends when the pipeline returns) and Complete(error) fails the response.
/// </summary>
internal sealed class ResponseBodyWriter(Exchange exchange, ResponseBuffer body) : PipeWriter
{
    public override Memory<byte> GetMemory(int sizeHint = 0) => body.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => body.GetMemory(sizeHint).Span;

    public override void Advance(int bytes) => body.Advance(bytes);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => exchange.FlushAsync(cancellationToken);

    public override void CancelPendingFlush() => body.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        if (exception is not null) exchange.Abort(exception);
    }

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => body.Unflushed;
}
