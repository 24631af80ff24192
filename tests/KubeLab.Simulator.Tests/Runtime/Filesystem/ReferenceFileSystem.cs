using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Tests.Runtime.Filesystem;

/// <summary>
/// The container file system's path walk as it was before it stopped allocating (a string per path component, a walk from
/// "/" again for every "..", mounts looked up by prefix text): kept as the specification the fast walk must agree with,
/// quirks included (<see cref="FileSystemEquivalenceTests"/>).
/// </summary>
internal sealed class ReferenceFileSystem(DirectoryNode root, TimeProvider time) : FileSystemEquivalenceTests.IFiles
{
    private const int MaxSymlinks = 40;
    private readonly Dictionary<string, (FileNode Node, bool ReadOnly)> mounts = new(StringComparer.Ordinal);
    private readonly object gate = new();

    public DirectoryNode Root { get; } = root;
    public TimeProvider Time { get; } = time;

    /// <summary>Mounts a volume (a directory, or a single file for <c>subPath</c> of a file) at an absolute path.</summary>
    public void Mount(string path, FileNode node, bool readOnly)
    {
        var canonical = Normalize(path);
        if (canonical == "/") throw new ArgumentException("cannot mount over /", nameof(path));
        // Like runc: the mount point is created in the container's root if the image lacks it.
        var parent = Normalize(System.IO.Path.GetDirectoryName(canonical) ?? "/");
        CreateDirectory(parent, parents: true, ignoreReadOnly: true);
        var parentNode = (DirectoryNode)Find(parent)!;
        var name = System.IO.Path.GetFileName(canonical);
        if (parentNode.Get(name) is null) parentNode.Set(name, node is DirectoryNode ? new DirectoryNode() : new RegularFile());
        lock (gate) mounts[canonical] = (node, readOnly);
    }

    public IReadOnlyList<(string Path, bool ReadOnly)> Mounts
    {
        get { lock (gate) return mounts.Select(m => (m.Key, m.Value.ReadOnly)).OrderBy(m => m.Key, StringComparer.Ordinal).ToList(); }
    }

    public static string Combine(string workingDirectory, string path) =>
        path.StartsWith('/') ? path : (workingDirectory.TrimEnd('/') + "/" + path);

    /// <summary>Collapses "//", "." and ".." without following symlinks.</summary>
    public static string Normalize(string path)
    {
        var stack = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..") { if (stack.Count > 0) stack.RemoveAt(stack.Count - 1); continue; }
            stack.Add(part);
        }
        return "/" + string.Join('/', stack);
    }

    /// <summary>The node at a path, or null if it does not exist. Throws for "Not a directory" and symlink loops.</summary>
    public FileNode? Find(string path, bool followLast = true) => Resolve(path, followLast).Node;

    /// <summary>The canonical path (symlinks followed) of an existing or to-be-created path.</summary>
    public string RealPath(string path, bool followLast = true) => Resolve(path, followLast).Path;

    public bool Exists(string path) => Find(path) is not null;

    public bool IsDirectory(string path) => Find(path) is DirectoryNode;

    public bool IsReadOnly(string path)
    {
        var canonical = RealPath(path);
        lock (gate)
            return mounts.Where(m => canonical == m.Key || canonical.StartsWith(m.Key + "/", StringComparison.Ordinal))
                .OrderByDescending(m => m.Key.Length).Select(m => m.Value.ReadOnly).FirstOrDefault();
    }

    public RegularFile OpenFile(string path)
    {
        return Find(path) switch
        {
            RegularFile f => f,
            DirectoryNode => throw new FileSystemException(path, FileSystemException.IsADirectory),
            _ => throw new FileSystemException(path, FileSystemException.NoSuchFile),
        };
    }

    public string ReadAllText(string path) => OpenFile(path).ReadText();

    public byte[] ReadAllBytes(string path) => OpenFile(path).Read();

    /// <summary>Writes (or appends to) a file, creating it if its directory exists – as the shell's '>' and '>>' do.</summary>
    public RegularFile WriteFile(string path, byte[] data, bool append = false)
    {
        var (parent, name, node, canonical) = ResolveForCreate(path);
        if (IsReadOnly(canonical)) throw new FileSystemException(path, FileSystemException.ReadOnly);
        switch (node)
        {
            case RegularFile f:
                f.Write(data, append, Time.GetUtcNow());
                return f;
            case DirectoryNode:
                throw new FileSystemException(path, FileSystemException.IsADirectory);
            default:
                var created = new RegularFile(data) { ModifiedAt = Time.GetUtcNow() };
                parent.Set(name, created);
                return created;
        }
    }

    public RegularFile WriteFile(string path, string text, bool append = false) =>
        WriteFile(path, System.Text.Encoding.UTF8.GetBytes(text), append);

    public void CreateDirectory(string path, bool parents = false) => CreateDirectory(path, parents, ignoreReadOnly: false);

    private void CreateDirectory(string path, bool parents, bool ignoreReadOnly)
    {
        var canonical = Normalize(path);
        if (canonical == "/") return;
        if (Find(canonical) is { } existing)
        {
            if (existing is DirectoryNode && parents) return;
            throw new FileSystemException(path, existing is DirectoryNode ? FileSystemException.FileExists : FileSystemException.FileExists);
        }
        var parentPath = Normalize(System.IO.Path.GetDirectoryName(canonical) ?? "/");
        if (Find(parentPath) is null)
        {
            if (!parents) throw new FileSystemException(path, FileSystemException.NoSuchFile);
            CreateDirectory(parentPath, true, ignoreReadOnly);
        }
        var (parent, name, _, real) = ResolveForCreate(canonical);
        if (!ignoreReadOnly && IsReadOnly(real)) throw new FileSystemException(path, FileSystemException.ReadOnly);
        parent.Set(name, new DirectoryNode { ModifiedAt = Time.GetUtcNow() });
    }

    public IReadOnlyList<(string Name, FileNode Node)> List(string path)
    {
        return Find(path) switch
        {
            DirectoryNode d => d.Entries().Select(e => (e.Name, MountedAt(Normalize(RealPath(path) + "/" + e.Name)) ?? e.Node)).ToList(),
            RegularFile f => [(System.IO.Path.GetFileName(path), f)],
            _ => throw new FileSystemException(path, FileSystemException.NoSuchFile),
        };
    }

    /// <summary>Removes a file, link or (with <paramref name="recursive"/>, or when empty) a directory.</summary>
    public void Delete(string path, bool recursive = false)
    {
        var (parent, name, node, canonical) = ResolveForCreate(path, followLast: false);
        if (node is null) throw new FileSystemException(path, FileSystemException.NoSuchFile);
        if (IsReadOnly(canonical)) throw new FileSystemException(path, FileSystemException.ReadOnly);
        if (node is DirectoryNode d && d.Count > 0 && !recursive) throw new FileSystemException(path, FileSystemException.NotEmpty);
        lock (gate)
            if (mounts.ContainsKey(canonical)) throw new FileSystemException(path, "Device or resource busy");
        parent.Remove(name);
    }

    public void Symlink(string target, string linkPath)
    {
        var (parent, name, node, canonical) = ResolveForCreate(linkPath, followLast: false);
        if (node is not null) throw new FileSystemException(linkPath, FileSystemException.FileExists);
        if (IsReadOnly(canonical)) throw new FileSystemException(linkPath, FileSystemException.ReadOnly);
        parent.Set(name, new SymlinkNode(target) { ModifiedAt = Time.GetUtcNow() });
    }

    private FileNode? MountedAt(string canonical)
    {
        lock (gate) return mounts.TryGetValue(canonical, out var m) ? m.Node : null;
    }

    private (DirectoryNode Parent, string Name, FileNode? Node, string Path) ResolveForCreate(string path, bool followLast = true)
    {
        var (node, canonical) = Resolve(path, followLast);
        if (canonical == "/") throw new FileSystemException(path, FileSystemException.IsADirectory);
        var parentPath = Normalize(System.IO.Path.GetDirectoryName(canonical) ?? "/");
        if (Find(parentPath) is not DirectoryNode parent)
            throw new FileSystemException(path, Find(parentPath) is null ? FileSystemException.NoSuchFile : FileSystemException.NotADirectory);
        return (parent, System.IO.Path.GetFileName(canonical), node, canonical);
    }

    /// <summary>Walks the path: mounts replace what lies below them, symlinks are expanded (relative to their directory).</summary>
    private (FileNode? Node, string Path) Resolve(string path, bool followLast)
    {
        var pending = new LinkedList<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var stack = new List<string>();
        FileNode? current = Root;
        var links = 0;
        while (pending.First is { } first)
        {
            var part = first.Value;
            pending.RemoveFirst();
            if (part == ".") continue;
            if (part == "..")
            {
                if (stack.Count > 0) stack.RemoveAt(stack.Count - 1);
                current = Lookup(stack);
                continue;
            }
            if (current is not DirectoryNode)
                throw new FileSystemException(path, current is null ? FileSystemException.NoSuchFile : FileSystemException.NotADirectory);
            stack.Add(part);
            var next = Lookup(stack);
            if (next is SymlinkNode link && (pending.Count > 0 || followLast))
            {
                if (++links > MaxSymlinks) throw new FileSystemException(path, FileSystemException.Loop);
                stack.RemoveAt(stack.Count - 1);
                var targetParts = link.Target.Split('/', StringSplitOptions.RemoveEmptyEntries);
                for (var i = targetParts.Length - 1; i >= 0; i--) pending.AddFirst(targetParts[i]);
                if (link.Target.StartsWith('/')) stack.Clear();
                current = Lookup(stack);
                continue;
            }
            current = next;
            if (current is null && pending.Count > 0)
            {
                // A missing directory in the middle: the path cannot exist (ENOENT), but report it once we know the whole path.
                return (null, "/" + string.Join('/', stack.Concat(pending)));
            }
        }
        return (current, "/" + string.Join('/', stack));
    }

    private FileNode? Lookup(List<string> segments)
    {
        FileNode? node = Root;
        var path = "";
        foreach (var segment in segments)
        {
            path += "/" + segment;
            var mounted = MountedAt(path);
            if (mounted is not null) { node = mounted; continue; }
            if (node is not DirectoryNode d) return null;
            node = d.Get(segment);
            if (node is null) return null;
        }
        return node;
    }
}
