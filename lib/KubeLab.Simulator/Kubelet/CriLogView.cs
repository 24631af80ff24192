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

    // Reading a node's log file is rare (cat, tail, a log agent): the lines are rendered with CriLine itself, so the format has
    // one definition.
    public byte[] Read(long from, out long to)
    {
        var entries = log.Snapshot((int)from);
        to = from + entries.Count;
        return Encoding.UTF8.GetBytes(Text(entries));
    }

    public long LengthFrom(long from) => Encoding.UTF8.GetByteCount(Text(log.Snapshot((int)from)));

    private static string Text(IReadOnlyList<LogEntry> entries) => string.Concat(entries.Select(ContainerLogFiles.CriLine));

    public DateTimeOffset? ModifiedAfter(long from) => log.Count > from ? log.LastWritten : null;

    public Task? GrownBeyond(long position)
    {
        var grown = log.WaitBeyondAsync((int)position, CancellationToken.None);
        return grown.IsCompleted && log.Closed && log.Count <= position ? null : grown;
    }
}
