using System.Threading.Channels;

namespace KubeLab.Simulator.Runtime;

/// <summary>Where a modelled process writes: the container log, an exec session's stream, or a pipe to the next command.</summary>
public interface IOutputStream
{
    ValueTask WriteAsync(string text, CancellationToken ct);
}

/// <summary>What a modelled process reads from: an exec session's stdin, a pipe, or nothing (<see cref="EmptyInput"/>).</summary>
public interface IInputStream
{
    /// <summary>The next chunk of input, or null at end of input.</summary>
    ValueTask<string?> ReadAsync(CancellationToken ct);
}

/// <summary>A main container's stdin when <c>stdin: true</c> is not set: /dev/null.</summary>
public sealed class EmptyInput : IInputStream
{
    public static EmptyInput Instance { get; } = new();
    public ValueTask<string?> ReadAsync(CancellationToken ct) => ValueTask.FromResult<string?>(null);
}

/// <summary>Discards output (<c>&gt; /dev/null</c>).</summary>
public sealed class NullOutput : IOutputStream
{
    public static NullOutput Instance { get; } = new();
    public ValueTask WriteAsync(string text, CancellationToken ct) => ValueTask.CompletedTask;
}

/// <summary>A main container's stdout or stderr: appended to its current log with the cluster clock's timestamp.</summary>
public sealed class LogOutput(ContainerLog log, string stream, TimeProvider time) : IOutputStream
{
    public ValueTask WriteAsync(string text, CancellationToken ct)
    {
        log.Write(stream, text, time.GetUtcNow());
        return ValueTask.CompletedTask;
    }
}

/// <summary>Collects output in memory (command substitution, tests, probes' exec).</summary>
public sealed class BufferOutput : IOutputStream
{
    private readonly System.Text.StringBuilder text = new();
    public ValueTask WriteAsync(string chunk, CancellationToken ct)
    {
        lock (text) text.Append(chunk);
        return ValueTask.CompletedTask;
    }
    public override string ToString() { lock (text) return text.ToString(); }
}

/// <summary>A pipe between two processes (<c>a | b</c>) or from an exec session's stdin: unbounded, closed by the writer.</summary>
public sealed class Pipe : IOutputStream, IInputStream
{
    private readonly Channel<string> channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public ValueTask WriteAsync(string text, CancellationToken ct) =>
        channel.Writer.TryWrite(text) ? ValueTask.CompletedTask : ValueTask.CompletedTask; // writing to a closed pipe: dropped (EPIPE)

    public void Close() => channel.Writer.TryComplete();

    public async ValueTask<string?> ReadAsync(CancellationToken ct)
    {
        while (await channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            if (channel.Reader.TryRead(out var text)) return text;
        return null;
    }
}

/// <summary>Output to a pseudo-terminal: "\n" becomes "\r\n" as the tty's ONLCR output mode does.</summary>
public sealed class TerminalOutput(IOutputStream inner) : IOutputStream
{
    public ValueTask WriteAsync(string text, CancellationToken ct) =>
        inner.WriteAsync(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal), ct);
}
