namespace KubeLab.Simulator.Runtime.Filesystem;

/// <summary>
/// What one container sees as "/": its own copy of the image's files plus the Pod's volumes mounted where its
/// <c>volumeMounts</c> say (runc bind-mounts them the same way; a mount hides what the image had at that path).
/// Paths are resolved component by component through mounts and symlinks (at most 40, Linux's MAXSYMLINKS).
/// All paths given here are absolute; <see cref="Combine"/> makes them so against a working directory.
/// </summary>
public sealed class ContainerFileSystem(DirectoryNode root, TimeProvider time)
{
    private readonly MountTable mounts = new();

    public DirectoryNode Root { get; } = root;
    public TimeProvider Time { get; } = time;

    /// <summary>Mounts a volume (a directory, or a single file for <c>subPath</c> of a file) at an absolute path.</summary>
    public void Mount(string path, FileNode node, bool readOnly)
    {
        var canonical = Normalize(path);
        if (canonical == "/") throw new ArgumentException("cannot mount over /", nameof(path));
        // Like runc: the mount point is created in the container's root if the image lacks it.
        var cut = canonical.LastIndexOf('/');
        var parent = cut == 0 ? "/" : canonical[..cut];
        CreateDirectory(parent, parents: true, ignoreReadOnly: true);
        var parentNode = (DirectoryNode)Find(parent)!;
        var name = canonical[(cut + 1)..];
        if (parentNode.Get(name) is null) parentNode.Set(name, node is DirectoryNode ? new DirectoryNode() : new RegularFile());
        mounts.Add(canonical, node, readOnly);
    }

    public IReadOnlyList<(string Path, bool ReadOnly)> Mounts => mounts.List();

    public static string Combine(string workingDirectory, string path) =>
        path.StartsWith('/') ? path : (workingDirectory.TrimEnd('/') + "/" + path);

    /// <summary>Collapses "//", "." and ".." without following symlinks.</summary>
    public static string Normalize(string path) => CanonicalText.Normalize(path);

    /// <summary>The node at a path, or null if it does not exist. Throws for "Not a directory" and symlink loops.</summary>
    public FileNode? Find(string path, bool followLast = true) => Resolve(path, followLast, PathText.None).Node;

    /// <summary>The canonical path (symlinks followed) of an existing or to-be-created path.</summary>
    public string RealPath(string path, bool followLast = true) => Resolve(path, followLast, PathText.Always).Path!;

    public bool Exists(string path) => Find(path) is not null;

    public bool IsDirectory(string path) => Find(path) is DirectoryNode;

    public bool IsReadOnly(string path)
    {
        var resolved = Resolve(path, followLast: true, PathText.WhenNeeded);
        return resolved.Complete ? resolved.ReadOnly : mounts.ReadOnlyByText(resolved.Path!);
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
        var target = ResolveForCreate(path);
        if (IsReadOnly(target)) throw new FileSystemException(path, FileSystemException.ReadOnly);
        switch (target.Node)
        {
            case RegularFile f:
                f.Write(data, append, Time.GetUtcNow());
                return f;
            case DirectoryNode:
                throw new FileSystemException(path, FileSystemException.IsADirectory);
            default:
                var created = new RegularFile(data) { ModifiedAt = Time.GetUtcNow() };
                target.Parent.Set(target.Name.ToString(), created);
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
        var resolved = Resolve(canonical, followLast: true, PathText.WhenNeeded);
        if (resolved.Node is { } existing)
        {
            if (existing is DirectoryNode && parents) return;
            throw new FileSystemException(path, FileSystemException.FileExists);
        }
        CreateTarget target;
        if (resolved.Complete)
        {
            // The walk reached the last component, so its directory exists: the same walk names where to create it.
            target = ToCreateTarget(resolved, canonical);
        }
        else
        {
            var parentPath = Normalize(System.IO.Path.GetDirectoryName(canonical) ?? "/");
            if (Find(parentPath) is null)
            {
                if (!parents) throw new FileSystemException(path, FileSystemException.NoSuchFile);
                CreateDirectory(parentPath, true, ignoreReadOnly);
            }
            target = ResolveForCreate(canonical);
        }
        if (!ignoreReadOnly && IsReadOnly(target)) throw new FileSystemException(path, FileSystemException.ReadOnly);
        target.Parent.Set(target.Name.ToString(), new DirectoryNode { ModifiedAt = Time.GetUtcNow() });
    }

    public IReadOnlyList<(string Name, FileNode Node)> List(string path)
    {
        var resolved = Resolve(path, followLast: true, PathText.None);
        switch (resolved.Node)
        {
            case DirectoryNode d:
                var entries = d.Entries();
                var listed = new List<(string Name, FileNode Node)>(entries.Count);
                foreach (var (name, node) in entries)
                {
                    FileNode? mounted = null;
                    if (resolved.Mounts is { } below) mounts.Child(below, name, out mounted, out _);
                    listed.Add((name, mounted ?? node));
                }
                return listed;
            case RegularFile f:
                return [(System.IO.Path.GetFileName(path), f)];
            default:
                throw new FileSystemException(path, FileSystemException.NoSuchFile);
        }
    }

    /// <summary>Removes a file, link or (with <paramref name="recursive"/>, or when empty) a directory.</summary>
    public void Delete(string path, bool recursive = false)
    {
        var target = ResolveForCreate(path, followLast: false);
        if (target.Node is null) throw new FileSystemException(path, FileSystemException.NoSuchFile);
        if (IsReadOnly(target)) throw new FileSystemException(path, FileSystemException.ReadOnly);
        if (target.Node is DirectoryNode d && d.Count > 0 && !recursive) throw new FileSystemException(path, FileSystemException.NotEmpty);
        if (target.MountPoint) throw new FileSystemException(path, "Device or resource busy");
        target.Parent.Remove(target.Name.ToString());
    }

    public void Symlink(string target, string linkPath)
    {
        var link = ResolveForCreate(linkPath, followLast: false);
        if (link.Node is not null) throw new FileSystemException(linkPath, FileSystemException.FileExists);
        if (IsReadOnly(link)) throw new FileSystemException(linkPath, FileSystemException.ReadOnly);
        link.Parent.Set(link.Name.ToString(), new SymlinkNode(target) { ModifiedAt = Time.GetUtcNow() });
    }

    /// <summary>What a path resolved to, copied out of the walk.</summary>
    private readonly record struct Resolved(FileNode? Node, bool Complete, bool AtRoot, FileNode? Parent, PathName Name,
        bool ReadOnly, bool MountPoint, MountTree? Mounts, string? Path);

    private enum PathText { None, WhenNeeded, Always }

    /// <summary>
    /// Walks the path. The canonical path is written out only when asked (<see cref="PathText.Always"/>), or
    /// (<see cref="PathText.WhenNeeded"/>) when the walk stopped at a missing directory or ended at a link it did not follow:
    /// the cases where callers work on that text as before, as the walk's answer does not settle them.
    /// </summary>
    private Resolved Resolve(string path, bool followLast, PathText text)
    {
        var walk = PathWalk.Rent();
        try
        {
            walk.Run(Root, mounts, path, followLast);
            var wanted = text == PathText.Always || (text == PathText.WhenNeeded && (!walk.Complete || walk.Node is SymlinkNode));
            return new Resolved(walk.Node, walk.Complete, walk.AtRoot, walk.AtRoot ? null : walk.Parent,
                walk.AtRoot ? default : walk.Name, walk.ReadOnly, walk.MountPoint, walk.Mounts, wanted ? walk.CanonicalPath() : null);
        }
        finally
        {
            walk.Return();
        }
    }

    /// <summary>Where a path's last component is to be created or removed: its directory, its name, what is there now.</summary>
    private readonly record struct CreateTarget(DirectoryNode Parent, PathName Name, FileNode? Node, bool? ReadOnly, string? Path, bool MountPoint);

    /// <summary>
    /// Read-only as the mounts of the path with its last link followed: known from the walk, except for a link (walked again)
    /// or a path through a missing directory (compared as text).
    /// </summary>
    private bool IsReadOnly(CreateTarget target) => target.ReadOnly ?? IsReadOnly(target.Path!);

    private CreateTarget ResolveForCreate(string path, bool followLast = true) =>
        ToCreateTarget(Resolve(path, followLast, PathText.WhenNeeded), path);

    private CreateTarget ToCreateTarget(Resolved resolved, string path)
    {
        if (resolved.AtRoot) throw new FileSystemException(path, FileSystemException.IsADirectory);
        if (resolved.Complete)
        {
            // The directory the walk found the last component in; a link left unfollowed is judged where it leads.
            if (resolved.Parent is not DirectoryNode parent)
                throw new FileSystemException(path, resolved.Parent is null ? FileSystemException.NoSuchFile : FileSystemException.NotADirectory);
            var readOnly = resolved.Node is SymlinkNode ? (bool?)null : resolved.ReadOnly;
            return new CreateTarget(parent, resolved.Name, resolved.Node, readOnly, resolved.Path, resolved.MountPoint);
        }
        // A directory on the way is missing: the text of the path decides, as it always did (e.g. "/missing/../x" is "/x").
        var canonical = resolved.Path!;
        var parentPath = Normalize(System.IO.Path.GetDirectoryName(canonical) ?? "/");
        if (Find(parentPath) is not DirectoryNode textParent)
            throw new FileSystemException(path, Find(parentPath) is null ? FileSystemException.NoSuchFile : FileSystemException.NotADirectory);
        var name = System.IO.Path.GetFileName(canonical);
        return new CreateTarget(textParent, new PathName(name, 0, name.Length), resolved.Node, null, canonical, MountPoint: false);
    }
}
