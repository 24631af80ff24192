namespace KubeLab.Simulator.Runtime.Filesystem;

/// <summary>
/// The mounts of one container as a tree of path components: a path walk asks for the mount at each component by its name
/// alone (no prefix string built per component; the kernel, too, finds a mount by its parent mount and dentry, not by a
/// path), and once it leaves the tree no mount can lie below, so it stops asking. A container has a handful of mounts, so a
/// component's children are a short array. All access goes through one lock: exec'd processes may walk while mounts change.
/// </summary>
internal sealed class MountTable
{
    private readonly object gate = new();

    /// <summary>The tree node of "/" (never a mount point itself: nothing may be mounted over the root).</summary>
    public MountTree Root { get; } = new(default);

    /// <summary>Mounts <paramref name="node"/> at <paramref name="canonical"/> (a clean absolute path, not "/"), or replaces the mount there.</summary>
    public void Add(string canonical, FileNode node, bool readOnly)
    {
        lock (gate)
        {
            var tree = Root;
            for (var start = 1; start <= canonical.Length;)
            {
                var end = canonical.IndexOf('/', start);
                if (end < 0) end = canonical.Length;
                var name = new PathName(canonical, start, end - start);
                tree = tree.Find(name.Span) ?? tree.Add(new MountTree(name));
                start = end + 1;
            }
            (tree.Node, tree.ReadOnly) = (node, readOnly);
        }
    }

    /// <summary>The mount points and whether each is read-only, by path.</summary>
    public IReadOnlyList<(string Path, bool ReadOnly)> List()
    {
        var list = new List<(string Path, bool ReadOnly)>();
        lock (gate) Collect(Root, list);
        list.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return list;

        static void Collect(MountTree tree, List<(string, bool)> into)
        {
            if (tree.Node is not null) into.Add((tree.Path, tree.ReadOnly));
            for (var i = 0; i < tree.Count; i++) Collect(tree.Child(i), into);
        }
    }

    /// <summary>
    /// The tree node of the component <paramref name="name"/> below <paramref name="parent"/> (null when no mount is at or
    /// below it) and the volume mounted exactly there, if any.
    /// </summary>
    public MountTree? Child(MountTree parent, ReadOnlySpan<char> name, out FileNode? mounted, out bool readOnly)
    {
        lock (gate)
        {
            var child = parent.Find(name);
            (mounted, readOnly) = child is null ? (null, false) : (child.Node, child.ReadOnly);
            return child;
        }
    }

    /// <summary>
    /// Whether the longest mount path that is <paramref name="path"/> or a directory above it is read-only, comparing text: for
    /// a path whose walk stopped at a missing directory (its remaining components are taken as written).
    /// </summary>
    public bool ReadOnlyByText(string path)
    {
        if (!path.StartsWith('/')) return false;
        lock (gate)
        {
            var (tree, readOnly) = (Root, false);
            for (var start = 1; start <= path.Length;)
            {
                var end = path.IndexOf('/', start);
                if (end < 0) end = path.Length;
                if (tree.Find(path.AsSpan(start, end - start)) is not { } child) break;
                if (child.Node is not null) readOnly = child.ReadOnly;
                tree = child;
                start = end + 1;
            }
            return readOnly;
        }
    }
}

/// <summary>One path component of the mount tree: the volume mounted there (if any) and the components below it that lead to mounts.</summary>
/// <param name="name">The component, as a range of the first mount path that reached it (so that text up to it is its path).</param>
internal sealed class MountTree(PathName name)
{
    public PathName Name { get; } = name;
    public FileNode? Node { get; set; }
    public bool ReadOnly { get; set; }
    private MountTree[]? children;

    public int Count { get; private set; }

    public MountTree Child(int i) => children![i];

    public string Path => Name.Text[..(Name.Start + Name.Length)];

    public MountTree? Find(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < Count; i++)
            if (children![i].Name.Span.SequenceEqual(name)) return children[i];
        return null;
    }

    public MountTree Add(MountTree child)
    {
        children ??= new MountTree[2];
        if (Count == children.Length) Array.Resize(ref children, Count * 2);
        children[Count++] = child;
        return child;
    }
}
