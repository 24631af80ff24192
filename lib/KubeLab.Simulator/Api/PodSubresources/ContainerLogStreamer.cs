using System.Globalization;
using System.Text;
using KubeLab.Simulator.Runtime;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// What the kubelet's log reader sends for one container log (pkg/kubelet/kuberuntime/logs/logs.go ReadLogs): the last
/// <c>tailLines</c> lines, then only those at or after the since time, each optionally prefixed with its timestamp in
/// RFC3339NanoFixed and a space, cut off after <c>limitBytes</c> bytes (mid-line, like its LimitWriter); with follow, new
/// lines as they arrive until the container's process ends (the log closes) or the client goes away.
/// </summary>
public sealed class ContainerLogStreamer(ContainerLog log, PodLogRequest options, DateTimeOffset now)
{
    private readonly DateTimeOffset? since = options.Since(now);
    private long remaining = options.LimitBytes ?? long.MaxValue;

    /// <summary>Writes to <paramref name="output"/>, calling <paramref name="flush"/> after each batch of lines.</summary>
    public async Task CopyToAsync(Stream output, Func<CancellationToken, Task> flush, CancellationToken ct)
    {
        var entries = log.Snapshot();
        var seen = entries.Count;
        var start = options.TailLines is { } tail ? (int)Math.Max(0, entries.Count - Math.Min(tail, entries.Count)) : 0;
        if (!await WriteAsync(output, entries.Skip(start), ct)) { await flush(ct); return; }
        await flush(ct);
        if (!options.Follow) return;

        while (true)
        {
            await log.WaitBeyondAsync(seen, ct);
            var more = log.Snapshot(seen);
            if (more.Count == 0)
            {
                if (log.Closed) return;
                continue;
            }
            seen += more.Count;
            var open = await WriteAsync(output, more, ct);
            await flush(ct);
            if (!open) return;
        }
    }

    /// <summary>False once the byte limit is reached.</summary>
    private async Task<bool> WriteAsync(Stream output, IEnumerable<LogEntry> entries, CancellationToken ct)
    {
        foreach (var e in entries)
        {
            if (since is { } s && e.Time < s) continue;
            var bytes = Encoding.UTF8.GetBytes(Format(e));
            if (bytes.Length >= remaining)
            {
                await output.WriteAsync(bytes.AsMemory(0, (int)remaining), ct);
                remaining = 0;
                return false;
            }
            remaining -= bytes.Length;
            await output.WriteAsync(bytes, ct);
        }
        return true;
    }

    private string Format(LogEntry e) => options.Timestamps ? $"{Timestamp(e.Time)} {e.Line}\n" : e.Line + "\n";

    /// <summary>RFC3339NanoFixed in UTC: always nine fractional digits (.NET keeps 100 ns, so the last two are 0).</summary>
    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff", CultureInfo.InvariantCulture) + "00Z";
}
