namespace KubeLab.Simulator.Runtime;

/// <summary>One line of a container's output, as the CRI log file keeps it (<c>2024-01-02T03:04:05.123456789Z stdout F text</c>).</summary>
public sealed record LogEntry(DateTimeOffset Time, string Stream, string Line);

/// <summary>
/// The log of one container <em>instance</em> (one run; a restart starts a new log, so <c>kubectl logs --previous</c> can show
/// the crashed run, as the kubelet keeps <c>/var/log/pods/&lt;ns&gt;_&lt;pod&gt;_&lt;uid&gt;/&lt;container&gt;/&lt;restartCount&gt;.log</c>).
/// Output is split into lines; a partial line is held until its new line arrives or the process ends.
/// </summary>
public sealed class ContainerLog
{
    private readonly List<LogEntry> entries = [];
    private readonly Dictionary<string, string> partial = new(StringComparer.Ordinal);
    private readonly object gate = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ContainerLog(int restartCount) => RestartCount = restartCount;

    public int RestartCount { get; }

    /// <summary>True once the process ended: a follower stops after the last entry.</summary>
    public bool Closed { get; private set; }

    public int Count { get { lock (gate) return entries.Count; } }

    public void Write(string stream, string text, DateTimeOffset now)
    {
        if (text.Length == 0) return;
        TaskCompletionSource? wake = null;
        lock (gate)
        {
            if (Closed) return;
            var buffered = partial.GetValueOrDefault(stream, "") + text;
            var lines = buffered.Split('\n');
            for (var i = 0; i < lines.Length - 1; i++) entries.Add(new LogEntry(now, stream, lines[i]));
            partial[stream] = lines[^1];
            if (lines.Length > 1) wake = Swap();
        }
        wake?.TrySetResult();
    }

    /// <summary>The process ended: flush partial lines and wake followers for good.</summary>
    public void Close(DateTimeOffset now)
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            if (Closed) return;
            foreach (var (stream, text) in partial)
                if (text.Length > 0) entries.Add(new LogEntry(now, stream, text));
            partial.Clear();
            Closed = true;
            wake = Swap();
        }
        wake.TrySetResult();
    }

    public IReadOnlyList<LogEntry> Snapshot(int from = 0)
    {
        lock (gate) return from >= entries.Count ? [] : entries.GetRange(from, entries.Count - from);
    }

    /// <summary>Completes when entries beyond <paramref name="seen"/> exist or the log closed.</summary>
    public Task WaitBeyondAsync(int seen, CancellationToken ct)
    {
        lock (gate)
            return entries.Count > seen || Closed ? Task.CompletedTask : changed.Task.WaitAsync(ct);
    }

    private TaskCompletionSource Swap()
    {
        var old = changed;
        changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return old;
    }
}
