using System.Globalization;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>One file of a configMap/secret/downwardAPI/projected volume: its bytes and permission bits.</summary>
public sealed record FileProjection(byte[] Data, int Mode)
{
    public bool SameAs(FileProjection other) => Mode == other.Mode && Data.AsSpan().SequenceEqual(other.Data);
}

/// <summary>
/// The kubelet's atomic writer (pkg/volume/util/atomic_writer.go) over a volume's directory: every payload is written into a
/// fresh hidden directory <c>..2006_01_02_15_04_05.&lt;random&gt;</c> (0755), then the symlink <c>..data</c> is switched to it in one
/// step, and each top-level entry is a symlink <c>name -> ..data/name</c>. So readers never see half an update, and a
/// <c>subPath</c> mount — which is bound to the file itself, not the symlink — keeps the old content after an update.
/// An unchanged payload writes nothing.
/// </summary>
public sealed class AtomicWriter(DirectoryNode target, TimeProvider time)
{
    public const string DataDirName = "..data";
    private IReadOnlyDictionary<string, FileProjection>? current;
    private string? currentDir;
    private readonly object gate = new();

    public DirectoryNode Target { get; } = target;

    /// <summary>The timestamped directory now behind <c>..data</c> (null before the first write).</summary>
    public string? CurrentDirectory { get { lock (gate) return currentDir; } }

    /// <summary>Writes the payload (relative clean paths) unless it equals the current one. Returns true if it wrote.</summary>
    public bool Write(IReadOnlyDictionary<string, FileProjection> payload)
    {
        lock (gate)
        {
            if (current is not null && current.Count == payload.Count &&
                payload.All(p => current.TryGetValue(p.Key, out var old) && old.SameAs(p.Value)))
                return false;

            var now = time.GetUtcNow();
            var dirName = NewDirectoryName(now);
            var dir = new DirectoryNode(0x1ED) { ModifiedAt = now };
            foreach (var (path, file) in payload.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
                var parent = dir;
                foreach (var part in parts[..^1])
                {
                    if (parent.Get(part) is not DirectoryNode sub)
                    {
                        sub = new DirectoryNode(0x1ED) { ModifiedAt = now };
                        parent.Set(part, sub);
                    }
                    parent = sub;
                }
                parent.Set(parts[^1], new RegularFile(file.Data, file.Mode) { ModifiedAt = now });
            }

            Target.Set(dirName, dir);
            Target.Set(DataDirName, new SymlinkNode(dirName) { Mode = 0x1FF, ModifiedAt = now }); // the atomic switch
            var newNames = TopLevel(payload.Keys);
            var oldNames = current is null ? [] : TopLevel(current.Keys);
            foreach (var name in newNames.Except(oldNames))
                Target.Set(name, new SymlinkNode(DataDirName + "/" + name) { Mode = 0x1FF, ModifiedAt = now });
            foreach (var name in oldNames.Except(newNames)) Target.Remove(name);
            if (currentDir is not null) Target.Remove(currentDir);
            Target.ModifiedAt = now;
            current = payload.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            currentDir = dirName;
            return true;
        }
    }

    private static HashSet<string> TopLevel(IEnumerable<string> paths) =>
        paths.Select(p => p.Split('/', StringSplitOptions.RemoveEmptyEntries)[0]).ToHashSet(StringComparer.Ordinal);

    /// <summary>Go's os.MkdirTemp(dir, now.Format("..2006_01_02_15_04_05.")) appends a random number.</summary>
    private static string NewDirectoryName(DateTimeOffset now) =>
        now.UtcDateTime.ToString("'..'yyyy'_'MM'_'dd'_'HH'_'mm'_'ss'.'", CultureInfo.InvariantCulture) +
        Random.Shared.NextInt64(0, uint.MaxValue).ToString(CultureInfo.InvariantCulture);
}
