using System.Text;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>
/// Standard input with a read-ahead buffer, so that <c>read</c> can take one line and leave the rest for the next
/// command (as a shell reading a file descriptor byte by byte would).
/// </summary>
internal sealed class LineInput(IInputStream source) : IInputStream
{
    private readonly object gate = new();
    private string buffer = "";
    private bool ended;

    public static LineInput Of(IInputStream input) => input as LineInput ?? new LineInput(input);

    public async ValueTask<string?> ReadAsync(CancellationToken ct)
    {
        lock (gate)
        {
            if (buffer.Length > 0) { var b = buffer; buffer = ""; return b; }
            if (ended) return null;
        }
        var chunk = await source.ReadAsync(ct).ConfigureAwait(false);
        if (chunk is null) lock (gate) ended = true;
        return chunk;
    }

    /// <summary>The next line without its newline, or null at end of input; a last line without newline counts.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            lock (gate)
            {
                var nl = buffer.IndexOf('\n');
                if (nl >= 0)
                {
                    var line = buffer[..nl];
                    buffer = buffer[(nl + 1)..];
                    return line;
                }
                if (ended)
                {
                    if (buffer.Length == 0) return null;
                    var rest = buffer;
                    buffer = "";
                    return rest;
                }
            }
            var chunk = await source.ReadAsync(ct).ConfigureAwait(false);
            lock (gate)
            {
                if (chunk is null) ended = true;
                else buffer += chunk;
            }
        }
    }

    /// <summary>Puts text back in front of the buffer (a line editor read past the end of a line).</summary>
    public void Unread(string text)
    {
        lock (gate) buffer = text + buffer;
    }
}

/// <summary>Fixed text as input (<c>&lt; file</c>: the file's content when the command starts).</summary>
internal sealed class TextInput(string text) : IInputStream
{
    private string? remaining = text;

    public ValueTask<string?> ReadAsync(CancellationToken ct)
    {
        var r = remaining;
        remaining = null;
        return ValueTask.FromResult(string.IsNullOrEmpty(r) ? null : r);
    }
}

/// <summary><c>&gt; file</c> / <c>&gt;&gt; file</c>: every write appends to the (already created or truncated) file.</summary>
internal sealed class FileOutput(RegularFile file, TimeProvider time) : IOutputStream
{
    public ValueTask WriteAsync(string text, CancellationToken ct)
    {
        file.Write(Encoding.UTF8.GetBytes(text), append: true, time.GetUtcNow());
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The writing end of a pipeline's pipe. Once the reader has exited, the next write raises SIGPIPE in the writer
/// (it is stopped with status 141), as <c>yes | head -n 1</c> ends on Linux.
/// </summary>
internal sealed class PipeWriter(Pipe pipe) : IOutputStream
{
    private volatile bool readerGone;

    /// <summary>Stops the writing process (set by the pipeline when it starts the writer).</summary>
    public Action? BrokenPipe { get; set; }

    public void ReaderExited() => readerGone = true;

    public ValueTask WriteAsync(string text, CancellationToken ct)
    {
        if (readerGone)
        {
            BrokenPipe?.Invoke();
            throw new OperationCanceledException("EPIPE");
        }
        return pipe.WriteAsync(text, ct);
    }
}
