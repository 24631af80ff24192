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
    public virtual DateTimeOffset ModifiedAt { get; set; }
}

/// <summary>A directory: children by name. All access goes through <see cref="Gate"/> so containers can share it.</summary>
public sealed class DirectoryNode : FileNode
{
    // Copy-on-access per entry, like an overlayfs upper layer over the image's read-only lower layer: a clone of an image's
    // directory starts empty here and copies one entry of the lower directory when it is first looked up (a subdirectory as a
    // lazy clone of its own). Listing, counting or removing copies the rest once and lets the lower layer go. So a container
    // pays only for the paths it (or the kubelet mounting volumes) walks – not for every sibling along them (issue 7).
    // Sorted by ordinal name (as readdir output is listed); a list costs less per directory than a tree, and directories are small.
    private List<(string Name, FileNode Node)>? children;
    private DirectoryNode? lowerLayer;

    public DirectoryNode(int mode = 0x1ED /* 0755 */)
    {
        Mode = mode;
    }

    private DirectoryNode(DirectoryNode lower)
    {
        Mode = lower.Mode;
        ModifiedAt = lower.ModifiedAt;
        lowerLayer = lower;
    }

    /// <summary>The lock of this directory (the node itself: one object less per directory).</summary>
    public object Gate => this;

    private List<(string Name, FileNode Node)> Upper() => children ??= new List<(string, FileNode)>(1);

    /// <summary>Binary search of the own entries: the index of <paramref name="name"/>, or its insertion point's complement.</summary>
    private int IndexOf(ReadOnlySpan<char> name)
    {
        if (children is null) return ~0;
        int lo = 0, hi = children.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = children[mid].Name.AsSpan().SequenceCompareTo(name);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return ~lo;
    }

    private void Put(string name, FileNode node)
    {
        var i = IndexOf(name);
        if (i >= 0) Upper()[i] = (name, node); else Upper().Insert(~i, (name, node));
    }

    /// <summary>The container's own copy of a lower-layer entry (call under <see cref="Gate"/>).</summary>
    private static FileNode CopyUp(FileNode node) => node switch
    {
        DirectoryNode d => new DirectoryNode(d),
        RegularFile f => f.Clone(),
        SymlinkNode l => new SymlinkNode(l.Target) { ModifiedAt = l.ModifiedAt },
        _ => node,
    };

    /// <summary>One child, copied up from the lower layer on first use (call under <see cref="Gate"/>).</summary>
    /// <remarks>By a span, so a path walk need not cut a string per component; the copy keeps the lower entry's name string.</remarks>
    private FileNode? Lookup(ReadOnlySpan<char> name) => LookupEntry(name, out _);

    private FileNode? LookupEntry(ReadOnlySpan<char> name, out string? entryName)
    {
        var i = IndexOf(name);
        if (i >= 0)
        {
            entryName = children![i].Name;
            return children[i].Node;
        }
        entryName = null;
        if (lowerLayer is not { } lower) return null;
        FileNode? below;
        lock (lower.Gate) below = lower.LookupEntry(name, out entryName);
        if (below is null) return null;
        var copy = CopyUp(below);
        Upper().Insert(~i, (entryName!, copy));
        return copy;
    }

    /// <summary>All children, the lower layer's copied up first (call under <see cref="Gate"/>).</summary>
    private List<(string Name, FileNode Node)> Children()
    {
        var all = Upper();
        if (lowerLayer is { } lower)
        {
            foreach (var (name, node) in lower.Entries())
                if (IndexOf(name) is var i && i < 0) all.Insert(~i, (name, CopyUp(node)));
            lowerLayer = null;
        }
        return all;
    }

    public FileNode? Get(string name) => Get(name.AsSpan());

    public FileNode? Get(ReadOnlySpan<char> name) { lock (Gate) return Lookup(name); }

    public IReadOnlyList<(string Name, FileNode Node)> Entries()
    {
        lock (Gate) return [.. Children()];
    }

    // A name set here hides the lower layer's entry of that name, as a file created in an overlayfs upper layer does.
    public void Set(string name, FileNode node) { lock (Gate) Put(name, node); }

    public bool Remove(string name)
    {
        lock (Gate)
        {
            var all = Children();
            var i = IndexOf(name);
            if (i < 0) return false;
            all.RemoveAt(i);
            return true;
        }
    }

    public int Count { get { lock (Gate) return Children().Count; } }

    /// <summary>Gets or creates a subdirectory (used when building image layers and volumes).</summary>
    public DirectoryNode Directory(string name)
    {
        lock (Gate)
        {
            if (Lookup(name) is DirectoryNode d) return d;
            var created = new DirectoryNode();
            Put(name, created);
            return created;
        }
    }

    /// <summary>
    /// A copy for one container: it behaves as a deep copy (writes stay in the copy), but is copied entry by entry as the
    /// container reaches into it. The source must not change afterwards: images' trees are built once and never written.
    /// </summary>
    public DirectoryNode Clone() => new(this);
}

/// <summary>
/// A regular file. Writers append or replace; <see cref="Changed"/> wakes followers such as <c>tail -f</c>. A file made over
/// an <see cref="IFileContentSource"/> shows its own bytes followed by what the source holds beyond the point of the file's
/// last write (as a log writer with O_APPEND keeps adding after someone else's write or truncation); a file without one is
/// just its bytes.
/// </summary>
public sealed class RegularFile : FileNode
{
    private byte[] content;
    private readonly IFileContentSource? source;
    // Where in the source the file's own bytes end: the file shows the source from here on.
    private long sourceFrom;
    // Created when someone waits for a change (tail -f); most files are never followed, and a Task per file added up (issue 7).
    private TaskCompletionSource? changed;
    private object Gate => this;

    public RegularFile(byte[]? content = null, int mode = 0x1A4 /* 0644 */)
    {
        this.content = content ?? [];
        Mode = mode;
    }

    public RegularFile(string text, int mode = 0x1A4) : this(Encoding.UTF8.GetBytes(text), mode) { }

    /// <summary>A file whose content is rendered from <paramref name="source"/> when it is read.</summary>
    public RegularFile(IFileContentSource source, int mode = 0x1A4 /* 0644 */)
    {
        content = [];
        this.source = source;
        Mode = mode;
    }

    public long Length { get { lock (Gate) return content.LongLength + (source?.LengthFrom(sourceFrom) ?? 0); } }

    /// <summary>The last write, or the source's last growth shown in the file if that is later.</summary>
    public override DateTimeOffset ModifiedAt
    {
        get
        {
            var own = base.ModifiedAt;
            if (source is null) return own;
            DateTimeOffset? grown;
            lock (Gate) grown = source.ModifiedAfter(sourceFrom);
            return grown is { } g && g > own ? g : own;
        }
        set => base.ModifiedAt = value;
    }

    public byte[] Read() { lock (Gate) return ReadLocked(out _); }

    private byte[] ReadLocked(out long to)
    {
        to = 0;
        if (source is null) return content;
        var rendered = source.Read(sourceFrom, out to);
        return content.Length == 0 ? rendered : rendered.Length == 0 ? content : [.. content, .. rendered];
    }

    public string ReadText() => Encoding.UTF8.GetString(Read());

    public void Write(byte[] data, bool append, DateTimeOffset now)
    {
        TaskCompletionSource? wake;
        lock (Gate)
        {
            if (source is null) content = append ? [.. content, .. data] : data;
            else if (append)
            {
                // The source's bytes so far become the file's own; what the source adds later follows this write.
                var before = ReadLocked(out var to);
                content = [.. before, .. data];
                sourceFrom = to;
            }
            else
            {
                content = data;
                sourceFrom = source.Position;
            }
            ModifiedAt = now;
            wake = changed;
            changed = null;
        }
        wake?.TrySetResult();
    }

    public void Write(string text, bool append, DateTimeOffset now) => Write(Encoding.UTF8.GetBytes(text), append, now);

    /// <summary>Completes on the next write (or truncate) of this file, or when its source grows.</summary>
    public Task Changed
    {
        get
        {
            lock (Gate)
            {
                if (changed is not null) return changed.Task;
                var next = changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                // If the source already grew, this runs at once (same thread, lock re-entered) and completes next.
                source?.GrownBeyond(source.Position)?.ContinueWith(static (_, file) => ((RegularFile)file!).SourceGrew(), this,
                    CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                return next.Task;
            }
        }
    }

    private void SourceGrew()
    {
        TaskCompletionSource? wake;
        lock (Gate)
        {
            wake = changed;
            changed = null;
        }
        wake?.TrySetResult();
    }

    /// <summary>A copy of what the file shows now (a copied-up file no longer follows a source).</summary>
    public RegularFile Clone() => new(Read(), Mode) { ModifiedAt = ModifiedAt };
}

/// <summary>A symbolic link, as the kubelet uses for configMap/secret volumes (<c>key -> ..data/key</c>).</summary>
public sealed class SymlinkNode(string target) : FileNode
{
    public string Target { get; } = target;
}
