using System.Text;

namespace KubeLab.Simulator.Runtime.Filesystem;

/// <summary>
/// A file-system object of the modelled runtime. Volumes share nodes: an emptyDir is one <see cref="DirectoryNode"/> mounted
/// into several containers, so a file one container writes is the same object the other reads.
/// </summary>
public abstract class FileNode
{
    /// <summary>Permission bits as <c>ls -l</c> and <c>defaultMode</c> use them (e.g. 0644).</summary>
    public int Mode { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
}

/// <summary>A directory: children by name. All access goes through <see cref="Gate"/> so containers can share it.</summary>
public sealed class DirectoryNode : FileNode
{
    private readonly SortedDictionary<string, FileNode> children = new(StringComparer.Ordinal);

    public DirectoryNode(int mode = 0x1ED /* 0755 */) => Mode = mode;

    public object Gate { get; } = new();

    public FileNode? Get(string name) { lock (Gate) return children.GetValueOrDefault(name); }

    public IReadOnlyList<(string Name, FileNode Node)> Entries()
    {
        lock (Gate) return children.Select(kv => (kv.Key, kv.Value)).ToList();
    }

    public void Set(string name, FileNode node) { lock (Gate) children[name] = node; }

    public bool Remove(string name) { lock (Gate) return children.Remove(name); }

    public int Count { get { lock (Gate) return children.Count; } }

    /// <summary>Gets or creates a subdirectory (used when building image layers and volumes).</summary>
    public DirectoryNode Directory(string name)
    {
        lock (Gate)
        {
            if (children.TryGetValue(name, out var n) && n is DirectoryNode d) return d;
            var created = new DirectoryNode();
            children[name] = created;
            return created;
        }
    }

    /// <summary>A deep copy: every container gets its own copy of its image's files.</summary>
    public DirectoryNode Clone()
    {
        var copy = new DirectoryNode(Mode) { ModifiedAt = ModifiedAt };
        foreach (var (name, node) in Entries())
            copy.Set(name, node switch
            {
                DirectoryNode d => d.Clone(),
                RegularFile f => f.Clone(),
                SymlinkNode s => new SymlinkNode(s.Target) { ModifiedAt = s.ModifiedAt },
                _ => node,
            });
        return copy;
    }
}

/// <summary>A regular file. Writers append or replace; <see cref="Changed"/> wakes followers such as <c>tail -f</c>.</summary>
public sealed class RegularFile : FileNode
{
    private byte[] content;
    private readonly object gate = new();
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RegularFile(byte[]? content = null, int mode = 0x1A4 /* 0644 */)
    {
        this.content = content ?? [];
        Mode = mode;
    }

    public RegularFile(string text, int mode = 0x1A4) : this(Encoding.UTF8.GetBytes(text), mode) { }

    public long Length { get { lock (gate) return content.LongLength; } }

    public byte[] Read() { lock (gate) return content; }

    public string ReadText() => Encoding.UTF8.GetString(Read());

    public void Write(byte[] data, bool append, DateTimeOffset now)
    {
        TaskCompletionSource wake;
        lock (gate)
        {
            content = append ? [.. content, .. data] : data;
            ModifiedAt = now;
            wake = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        wake.TrySetResult();
    }

    public void Write(string text, bool append, DateTimeOffset now) => Write(Encoding.UTF8.GetBytes(text), append, now);

    /// <summary>Completes on the next write (or truncate) of this file.</summary>
    public Task Changed { get { lock (gate) return changed.Task; } }

    public RegularFile Clone() => new(Read(), Mode) { ModifiedAt = ModifiedAt };
}

/// <summary>A symbolic link, as the kubelet uses for configMap/secret volumes (<c>key -> ..data/key</c>).</summary>
public sealed class SymlinkNode(string target) : FileNode
{
    public string Target { get; } = target;
}
