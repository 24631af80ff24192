
namespace KubeLab.Simulator.Runtime;

/// <summary>
/// One line of a container's output, as the CRI log file keeps it (<c>2024-01-02T03:04:05.123456789Z stdout F text</c>).
/// A value (kept inline in the log's list, no object per line); its <see cref="Line"/> is shared with identical lines of
/// other containers (<see cref="ContainerLog"/>).
/// </summary>
public readonly record struct LogEntry(DateTimeOffset Time, string Stream, string Line);

/// <summary>
/// The log of one container <em>instance</em> (one run; a restart starts a new log, so <c>kubectl logs --previous</c> can show
/// the crashed run, as the kubelet keeps <c>/var/log/pods/&lt;ns&gt;_&lt;pod&gt;_&lt;uid&gt;/&lt;container&gt;/&lt;restartCount&gt;.log</c>).
/// Output is split into lines; a partial line is held until its new line arrives or the process ends.
/// </summary>
public sealed class ContainerLog
{
    /// <summary>Lines up to this length are shared across logs; longer ones are rarely repeated.</summary>
    internal const int PooledLineLength = 256;

    // Replicas print the same startup lines (nginx's entrypoint, its [notice] lines stamped to the second): one string per
    // distinct line instead of one per pod. Bounded (Util.StringTable): a dropped string stays valid in the logs that hold it.
    private static readonly Util.StringTable Lines = new(16_384);

    private readonly List<LogEntry> entries = [];
    // The unfinished last line of each stream, in the order the streams first wrote one (Close flushes them in that order).
    private List<(string Stream, string Text)>? partial;
    // Created when someone waits (a follower); most logs are never followed.
    private TaskCompletionSource? changed;
    private object Gate => entries;

    public ContainerLog(int restartCount) => RestartCount = restartCount;

    public int RestartCount { get; }

    /// <summary>True once the process ended: a follower stops after the last entry.</summary>
    public bool Closed { get; private set; }

    public int Count { get { lock (Gate) return entries.Count; } }

    /// <summary>The pooled instance of a line's text (a new string for long lines).</summary>
    internal static string Intern(ReadOnlySpan<char> line) =>
        line.Length <= PooledLineLength ? Lines.Get(line) : line.ToString();

    /// <summary>The shared constant for the usual stream names.</summary>
    private static string StreamName(string stream) => stream switch
    {
        "stdout" => "stdout",
        "stderr" => "stderr",
        _ => stream,
    };

    public void Write(string stream, string text, DateTimeOffset now)
    {
        if (text.Length == 0) return;
        TaskCompletionSource? wake = null;
        lock (Gate)
        {
            if (Closed) return;
            stream = StreamName(stream);
            var held = TakePartial(stream);
            var rest = text.AsSpan();
            var added = false;
            for (var nl = rest.IndexOf('\n'); nl >= 0; nl = rest.IndexOf('\n'))
            {
                var line = held is null ? Intern(rest[..nl]) : Intern(string.Concat(held, rest[..nl]));
                held = null;
                entries.Add(new LogEntry(now, stream, line));
                rest = rest[(nl + 1)..];
                added = true;
            }
            if (held is not null || !rest.IsEmpty) SetPartial(stream, held is null ? rest.ToString() : string.Concat(held, rest));
            if (added) wake = Swap();
        }
        wake?.TrySetResult();
    }

    /// <summary>The process ended: flush partial lines and wake followers for good.</summary>
    public void Close(DateTimeOffset now)
    {
        TaskCompletionSource? wake;
        lock (Gate)
        {
            if (Closed) return;
            foreach (var (stream, text) in partial ?? [])
                if (text.Length > 0) entries.Add(new LogEntry(now, stream, Intern(text)));
            partial = null;
            Closed = true;
            wake = Swap();
        }
        wake?.TrySetResult();
    }

    public IReadOnlyList<LogEntry> Snapshot(int from = 0)
    {
        lock (Gate) return from >= entries.Count ? [] : entries.GetRange(from, entries.Count - from);
    }

    /// <summary>The time of the last entry, or null while there is none.</summary>
    public DateTimeOffset? LastWritten
    {
        get { lock (Gate) return entries.Count == 0 ? null : entries[^1].Time; }
    }

    /// <summary>Completes when entries beyond <paramref name="seen"/> exist or the log closed.</summary>
    public Task WaitBeyondAsync(int seen, CancellationToken ct)
    {
        lock (Gate)
            return entries.Count > seen || Closed
                ? Task.CompletedTask
                : (changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(ct);
    }

    private string? TakePartial(string stream)
    {
        if (partial is null) return null;
        for (var i = 0; i < partial.Count; i++)
        {
            if (partial[i].Stream != stream) continue;
            var text = partial[i].Text;
            partial[i] = (partial[i].Stream, "");
            return text.Length == 0 ? null : text;
        }
        return null;
    }

    private void SetPartial(string stream, string text)
    {
        partial ??= new List<(string, string)>(2);
        for (var i = 0; i < partial.Count; i++)
            if (partial[i].Stream == stream) { partial[i] = (stream, text); return; }
        partial.Add((stream, text));
    }

    private TaskCompletionSource? Swap()
    {
        var old = changed;
        changed = null;
        return old;
    }
}
