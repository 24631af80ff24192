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
    private SortedDictionary<string, FileNode>? children;
    // Copy-on-access: a clone of an image's directory holds the image's directory until someone looks inside, then copies
    // that one level (its subdirectories stay lazy). Like an overlayfs lower layer, a container pays only for what it touches.
    private DirectoryNode? lowerLayer;

    public DirectoryNode(int mode = 0x1ED /* 0755 */)
    {
        Mode = mode;
        children = new SortedDictionary<string, FileNode>(StringComparer.Ordinal);
    }

    private DirectoryNode(DirectoryNode lower)
    {
        Mode = lower.Mode;
        ModifiedAt = lower.ModifiedAt;
        lowerLayer = lower;
    }

    public object Gate { get; } = new();

    /// <summary>The children, copied from the lower layer on first use (call under <see cref="Gate"/>).</summary>
    private SortedDictionary<string, FileNode> Children()
    {
        if (children is not null) return children;
        var copy = new SortedDictionary<string, FileNode>(StringComparer.Ordinal);
        foreach (var (name, node) in lowerLayer!.Entries())
            copy[name] = node switch
            {
                DirectoryNode d => new DirectoryNode(d),
                RegularFile f => f.Clone(),
                SymlinkNode l => new SymlinkNode(l.Target) { ModifiedAt = l.ModifiedAt },
                _ => node,
            };
        children = copy;
        lowerLayer = null;
        return copy;
    }

    public FileNode? Get(string name) { lock (Gate) return Children().GetValueOrDefault(name); }

    public IReadOnlyList<(string Name, FileNode Node)> Entries()
    {
        lock (Gate) return Children().Select(kv => (kv.Key, kv.Value)).ToList();
    }

    public void Set(string name, FileNode node) { lock (Gate) Children()[name] = node; }

    public bool Remove(string name) { lock (Gate) return Children().Remove(name); }

    public int Count { get { lock (Gate) return Children().Count; } }

    /// <summary>Gets or creates a subdirectory (used when building image layers and volumes).</summary>
    public DirectoryNode Directory(string name)
    {
        lock (Gate)
        {
            var all = Children();
            if (all.TryGetValue(name, out var n) && n is DirectoryNode d) return d;
            var created = new DirectoryNode();
            all[name] = created;
            return created;
        }
    }

    /// <summary>
    /// A copy for one container: it behaves as a deep copy (writes stay in the copy), but is copied level by level as the
    /// container reaches into it. The source must not change afterwards: images' trees are built once and never written.
    /// </summary>
    public DirectoryNode Clone() => new(this);
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
