using System.Buffers;

namespace KubeLab.Simulator.Api.Server.InProcess;

/// <summary>
/// A response body on its way from the application (one writer) to the client (one reader): a pooled array written at its end
/// and read from its start. Bytes become readable when flushed (or when the application finishes); a flush waits while 64 KiB
/// are unread – System.IO.Pipelines' default thresholds, which TestHost's pipe had – so a client that stops reading a watch
/// holds the server's watch loop back instead of growing the buffer. All state is guarded by locking this object; waiters are
/// completed outside the lock and continue asynchronously, never on the thread that woke them.
/// </summary>
internal sealed class ResponseBuffer
{
    private const int PauseAt = 64 * 1024;
    private const int ResumeBelow = 32 * 1024;
    private const int MinimumSize = 4096;

    private byte[]? array;
    // read ≤ committed ≤ written ≤ array.Length: [read, committed) is readable, [committed, written) written but not yet flushed.
    private int read, committed, written;
    private bool writerDone, readerDone, endReached;
    // Set when the application failed after the response had started: reads fail with it, as a reset connection would.
    private Exception? serverError;
    // Set when the client cancelled a read or disposed the body: later reads fail.
    private bool clientAborted;
    private TaskCompletionSource? dataWaiter;
    private TaskCompletionSource<bool>? roomWaiter; // result: the flush was cancelled (CancelPendingFlush)

    /// <summary>True once the client disposed the body: the writer's bytes are discarded (FlushResult.IsCompleted).</summary>
    public bool ReaderGone { get { lock (this) return readerDone; } }

    public long Unflushed { get { lock (this) return written - committed; } }

    // ---- the application's side ----

    public Memory<byte> GetMemory(int sizeHint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        lock (this)
        {
            if (writerDone) throw new IOException("The request was aborted or the pipeline has finished.");
            // Nobody will read what is written now (the client went away): keep reusing the array's start.
            if (readerDone || read == written) read = committed = written = 0;
            var need = Math.Max(sizeHint, 1);
            if (array is null) array = ArrayPool<byte>.Shared.Rent(Math.Max(need, MinimumSize));
            else if (array.Length - written < need) MakeRoom(need);
            return array.AsMemory(written);
        }
    }

    private void MakeRoom(int need)
    {
        var unread = written - read;
        if (unread + need <= array!.Length) Buffer.BlockCopy(array, read, array, 0, unread);
        else
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(array.Length * 2, unread + need));
            Buffer.BlockCopy(array, read, bigger, 0, unread);
            ArrayPool<byte>.Shared.Return(array);
            array = bigger;
        }
        committed -= read;
        written -= read;
        read = 0;
    }

    public void Advance(int count)
    {
        if (count == 0) return;
        lock (this)
        {
            if (array is null || count < 0 || count > array.Length - written) throw new ArgumentOutOfRangeException(nameof(count));
            written += count;
        }
    }

    /// <summary>Makes the written bytes readable; returns what the flush must wait for when the client is 64 KiB behind, else null.</summary>
    public Task<bool>? Commit()
    {
        TaskCompletionSource? wake;
        Task<bool>? wait = null;
        lock (this)
        {
            committed = written;
            wake = TakeDataWaiter();
            if (!readerDone && committed - read >= PauseAt) wait = (roomWaiter ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        wake?.TrySetResult();
        return wait;
    }

    public void CancelPendingFlush()
    {
        TaskCompletionSource<bool>? room;
        lock (this) room = TakeRoomWaiter();
        room?.TrySetResult(true);
    }

    /// <summary>The application is done: everything written becomes readable, then the end of the body.</summary>
    public void Complete()
    {
        TaskCompletionSource? wake;
        lock (this)
        {
            if (writerDone) return;
            writerDone = true;
            committed = written;
            wake = TakeDataWaiter();
            if (readerDone) ReturnArray();
        }
        wake?.TrySetResult();
    }

    /// <summary>The application failed after starting the response: reads fail with <paramref name="error"/>.</summary>
    public void Fail(Exception error)
    {
        TaskCompletionSource? wake;
        TaskCompletionSource<bool>? room;
        lock (this)
        {
            serverError ??= error;
            writerDone = true;
            wake = TakeDataWaiter();
            room = TakeRoomWaiter();
            // Not returned to the pool: an application that aborts from another thread may still be writing into it.
            array = null;
        }
        wake?.TrySetResult();
        room?.TrySetResult(false);
    }

    // ---- the client's side ----

    /// <summary>Copies readable bytes; -1 (and <paramref name="wait"/>) when none are there yet, 0 at the end of the body.</summary>
    private int TryRead(Span<byte> destination, out Task? wait)
    {
        TaskCompletionSource<bool>? room = null;
        int n;
        wait = null;
        lock (this)
        {
            ThrowIfAborted();
            if (read < committed)
            {
                n = Math.Min(destination.Length, committed - read);
                array.AsSpan(read, n).CopyTo(destination);
                read += n;
                if (committed - read < ResumeBelow) room = TakeRoomWaiter();
            }
            else if (writerDone)
            {
                n = 0;
                endReached = true;
                ReturnArray();
            }
            else
            {
                n = -1;
                wait = (dataWaiter ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }
        room?.TrySetResult(false);
        return n;
    }

    public int Read(Span<byte> destination)
    {
        while (true)
        {
            var n = TryRead(destination, out var wait);
            if (n >= 0) return n;
            wait!.GetAwaiter().GetResult();
            ThrowIfAbortedWhileWaiting(default);
        }
    }

    public ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        // TestHost's reader: a cancelled read aborts the body (this read is cancelled, later reads fail).
        if (cancellationToken.IsCancellationRequested)
        {
            AbortReads();
            return ValueTask.FromCanceled<int>(cancellationToken);
        }
        var n = TryRead(destination.Span, out var wait);
        return n >= 0 ? new(n) : ReadAfterAsync(wait!, destination, cancellationToken);
    }

    private async ValueTask<int> ReadAfterAsync(Task wait, Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            using (cancellationToken.UnsafeRegister(static s => ((ResponseBuffer)s!).AbortReads(), this))
                await wait.ConfigureAwait(false);
            ThrowIfAbortedWhileWaiting(cancellationToken);
            var n = TryRead(destination.Span, out var next);
            if (n >= 0) return n;
            wait = next!;
        }
    }

    /// <summary>HttpContent.SerializeToStream(Async): the whole body into <paramref name="destination"/>.</summary>
    public async Task CopyToAsync(Stream destination, CancellationToken cancellationToken)
    {
        if (TakeFinishedBody() is { } whole)
        {
            try { await destination.WriteAsync(whole.Array.AsMemory(whole.Offset, whole.Count), cancellationToken).ConfigureAwait(false); }
            finally { ArrayPool<byte>.Shared.Return(whole.Array); }
            return;
        }
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int n;
            while ((n = await ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                await destination.WriteAsync(chunk.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
        }
        finally { ArrayPool<byte>.Shared.Return(chunk); }
    }

    public void CopyTo(Stream destination)
    {
        if (TakeFinishedBody() is { } whole)
        {
            try { destination.Write(whole.Array, whole.Offset, whole.Count); }
            finally { ArrayPool<byte>.Shared.Return(whole.Array); }
            return;
        }
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int n;
            while ((n = Read(chunk)) > 0) destination.Write(chunk, 0, n);
        }
        finally { ArrayPool<byte>.Shared.Return(chunk); }
    }

    /// <summary>A finished body still unread: the array is handed over whole (the caller returns it to the pool), no copy.</summary>
    private (byte[] Array, int Offset, int Count)? TakeFinishedBody()
    {
        lock (this)
        {
            if (!writerDone || serverError is not null || clientAborted || endReached || array is null) return null;
            var whole = (array, read, committed - read);
            array = null;
            read = committed;
            endReached = true;
            return whole;
        }
    }

    /// <summary>A read was cancelled: the pending read ends with OperationCanceledException, later ones fail.</summary>
    private void AbortReads()
    {
        TaskCompletionSource? wake;
        lock (this)
        {
            clientAborted = true;
            wake = TakeDataWaiter();
        }
        wake?.TrySetResult();
    }

    /// <summary>The client disposed the body. True the first time.</summary>
    public bool DisposeReader()
    {
        TaskCompletionSource? wake;
        TaskCompletionSource<bool>? room;
        lock (this)
        {
            if (readerDone) return false;
            readerDone = true;
            clientAborted = true;
            wake = TakeDataWaiter();
            room = TakeRoomWaiter();
            // The writer may still hold memory it asked for: the array goes back to the pool only once it is done too.
            if (writerDone) ReturnArray();
        }
        wake?.TrySetResult();
        room?.TrySetResult(false);
        return true;
    }

    private void ThrowIfAborted()
    {
        if (clientAborted) throw new IOException("The client aborted the request.");
        if (serverError is not null) throw new IOException(string.Empty, serverError);
    }

    private void ThrowIfAbortedWhileWaiting(CancellationToken cancellationToken)
    {
        bool aborted;
        lock (this) aborted = clientAborted;
        if (!aborted) return;
        cancellationToken.ThrowIfCancellationRequested();
        throw new OperationCanceledException();
    }

    private TaskCompletionSource? TakeDataWaiter()
    {
        var w = dataWaiter;
        dataWaiter = null;
        return w;
    }

    private TaskCompletionSource<bool>? TakeRoomWaiter()
    {
        var w = roomWaiter;
        roomWaiter = null;
        return w;
    }

    private void ReturnArray()
    {
        if (array is null) return;
        ArrayPool<byte>.Shared.Return(array);
        array = null;
    }
}
