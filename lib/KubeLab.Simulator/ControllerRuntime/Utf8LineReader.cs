using System.Buffers;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// Splits a stream into '\n'-terminated lines of raw bytes held in one pooled buffer, so a watch stream's events are never
/// decoded into strings (a StreamReader's ReadLine makes a UTF-16 copy of every line). A line longer than the buffer grows
/// it (a larger pooled array); a line split across reads is kept until its newline arrives.
/// </summary>
internal sealed class Utf8LineReader(Stream stream, int bufferSize = Utf8LineReader.DefaultBufferSize) : IDisposable
{
    /// <summary>
    /// Room for a few typical pod events. Small on purpose: a watch holds its buffer while it waits, and the kubelets alone keep
    /// hundreds of mostly idle watches open; a larger object grows the buffer of its own watch only.
    /// </summary>
    public const int DefaultBufferSize = 16 * 1024;

    private byte[] buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    private int start;   // first unread byte
    private int scanned; // bytes before this index (from start) hold no '\n'
    private int end;     // end of the bytes read so far
    private int lineStart, lineLength;
    private bool endOfStream;

    /// <summary>The line the last <see cref="ReadLineAsync"/> found, without its '\n'; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Current => buffer.AsMemory(lineStart, lineLength);

    /// <summary>Moves to the next line; false at the end of the stream (a last line without '\n' still counts).</summary>
    public async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = buffer.AsSpan(scanned, end - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                Take(scanned + newline - start, 1);
                return true;
            }
            scanned = end;
            if (endOfStream)
            {
                if (start == end) return false;
                Take(end - start, 0);
                return true;
            }
            MakeRoom();
            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0) endOfStream = true;
            end += read;
        }
    }

    private void Take(int length, int terminator)
    {
        lineStart = start;
        lineLength = length;
        start = scanned = start + length + terminator;
    }

    /// <summary>
    /// Before a read: keeps at least a quarter of the buffer free, first by moving the unfinished line to the front, then – when
    /// the line alone fills three quarters – by doubling the buffer.
    /// </summary>
    private void MakeRoom()
    {
        var pending = end - start;
        if (buffer.Length - end >= buffer.Length / 4) return;
        if (pending > buffer.Length * 3 / 4)
        {
            var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            buffer.AsSpan(start, pending).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }
        else buffer.AsSpan(start, pending).CopyTo(buffer);
        scanned -= start;
        end = pending;
        start = 0;
    }

    public void Dispose()
    {
        var rented = Interlocked.Exchange(ref buffer, []);
        if (rented.Length > 0) ArrayPool<byte>.Shared.Return(rented);
    }
}
