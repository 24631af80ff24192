using System.Globalization;
using System.Text;
using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Kubelet;

/// <summary>
/// A container's log as the bytes of its CRI log file (<see cref="ContainerLogFiles.CriLine"/> for each line), rendered when
/// the file is read: the node's file is a view of the <see cref="ContainerLog"/>, so a line is kept once, not copied.
/// Positions are line counts.
/// </summary>
internal sealed class CriLogView(ContainerLog log) : IFileContentSource
{
    /// <summary>Go's RFC3339Nano: trailing zeros of the fraction dropped (with the dot when it is all zeros).</summary>
    internal const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF";

    public long Position => log.Count;

    public byte[] Read(long from, out long to)
    {
        var entries = log.Snapshot((int)from);
        to = from + entries.Count;
        if (entries.Count == 0) return [];
        var bytes = new byte[Length(entries)];
        var written = 0;
        foreach (var e in entries) written += Encode(e, bytes.AsSpan(written));
        return bytes;
    }

    public long LengthFrom(long from) => Length(log.Snapshot((int)from));

    public DateTimeOffset? ModifiedAfter(long from) => log.Count > from ? log.LastWritten : null;

    public Task? GrownBeyond(long position)
    {
        var grown = log.WaitBeyondAsync((int)position, CancellationToken.None);
        return grown.IsCompleted && log.Closed && log.Count <= position ? null : grown;
    }

    private static long Length(IReadOnlyList<LogEntry> entries)
    {
        long length = 0;
        Span<byte> time = stackalloc byte[40];
        foreach (var e in entries)
        {
            e.Time.UtcDateTime.TryFormat(time, out var n, TimeFormat, CultureInfo.InvariantCulture);
            length += n + 2 + Encoding.UTF8.GetByteCount(e.Stream) + 3 + Encoding.UTF8.GetByteCount(e.Line) + 1;
        }
        return length;
    }

    /// <summary>Writes one line as <see cref="ContainerLogFiles.CriLine"/> does, in UTF-8; returns the bytes written.</summary>
    private static int Encode(LogEntry e, Span<byte> to)
    {
        e.Time.UtcDateTime.TryFormat(to, out var n, TimeFormat, CultureInfo.InvariantCulture);
        "Z "u8.CopyTo(to[n..]);
        n += 2;
        n += Encoding.UTF8.GetBytes(e.Stream, to[n..]);
        " F "u8.CopyTo(to[n..]);
        n += 3;
        n += Encoding.UTF8.GetBytes(e.Line, to[n..]);
        to[n++] = (byte)'\n';
        return n;
    }
}
