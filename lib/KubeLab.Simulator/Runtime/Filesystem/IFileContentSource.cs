namespace KubeLab.Simulator.Runtime.Filesystem;

/// <summary>
/// Bytes that another component keeps and a <see cref="RegularFile"/> shows as its content, rendered when read (the node's
/// container log files are a view of the container's log, not a copy). The source only grows: a position marks how far it
/// reached (e.g. the number of log lines), and the bytes from one position on never change.
/// </summary>
public interface IFileContentSource
{
    /// <summary>Where the source ends now.</summary>
    long Position { get; }

    /// <summary>The bytes from <paramref name="from"/> to the end; <paramref name="to"/> is the position they reach.</summary>
    byte[] Read(long from, out long to);

    /// <summary>How many bytes <see cref="Read"/> from <paramref name="from"/> would return now.</summary>
    long LengthFrom(long from);

    /// <summary>When the source last grew beyond <paramref name="from"/>; null if it did not.</summary>
    DateTimeOffset? ModifiedAfter(long from);

    /// <summary>
    /// Completes once the source grew beyond <paramref name="position"/> (it may also complete, once, when the source ends);
    /// null if it has ended there and will not grow.
    /// </summary>
    Task? GrownBeyond(long position);
}
