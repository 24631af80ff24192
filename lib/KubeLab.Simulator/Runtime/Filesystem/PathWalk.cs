namespace KubeLab.Simulator.Runtime.Filesystem;

/// <summary>
/// One resolution of a path, component by component as Linux's path walk does (fs/namei.c): mounts replace what lies below
/// them, symlinks are expanded (relative to their directory) at most <see cref="MaxSymlinks"/> times, and the components
/// passed stay on a stack with their nodes, so ".." steps back to the one before instead of walking again from "/". Names are
/// kept as ranges of the path (or of a link's target) and the canonical path is written out only when asked for. One instance
/// is reused per thread: a walk allocates nothing (a container start walks a few hundred paths).
/// </summary>
internal sealed class PathWalk
{
    /// <summary>Linux's MAXSYMLINKS: more links on one walk is ELOOP.</summary>
    public const int MaxSymlinks = 40;

    [ThreadStatic] private static PathWalk? spare;

    private Entry[] stack = new Entry[16];
    private int depth, used;
    // What is left to walk: the path, and in front of its rest the target of each link being expanded (innermost last).
    private (string Text, int Position)[] sources = new (string, int)[4];
    private int sourceCount;
    private DirectoryNode root = null!;
    private MountTree? rootMounts;

    private struct Entry
    {
        public FileNode? Node;
        public MountTree? Mounts;
        public bool ReadOnly, MountPoint;
        public PathName Name;
    }

    /// <summary>This thread's walker (a new one if it is in use: a caller may walk again before returning it).</summary>
    public static PathWalk Rent()
    {
        var walk = spare ?? new PathWalk();
        spare = null;
        return walk;
    }

    public void Return()
    {
        Array.Clear(stack, 0, used);
        Array.Clear(sources, 0, sources.Length);
        (depth, used, sourceCount, root, rootMounts, Node, Mounts) = (0, 0, 0, null!, null, null, null);
        spare = this;
    }

    /// <summary>Where the walk ended: the node (null if it does not exist).</summary>
    public FileNode? Node { get; private set; }

    /// <summary>False when a directory in the middle was missing: the walk stopped there, the rest unread.</summary>
    public bool Complete { get; private set; }

    /// <summary>The path ended at "/".</summary>
    public bool AtRoot => depth == 0;

    /// <summary>The node of the directory the last component is in (the root for "/x").</summary>
    public FileNode? Parent => depth > 1 ? stack[depth - 2].Node : root;

    /// <summary>The last component's name.</summary>
    public PathName Name => stack[depth - 1].Name;

    /// <summary>The innermost mount the path lies in (or is) is read-only.</summary>
    public bool ReadOnly => depth > 0 && stack[depth - 1].ReadOnly;

    /// <summary>A volume is mounted exactly at the path.</summary>
    public bool MountPoint => depth > 0 && stack[depth - 1].MountPoint;

    /// <summary>The mount tree at the path (null if no mount lies at or below it).</summary>
    public MountTree? Mounts { get; private set; }

    /// <summary>Walks <paramref name="path"/> from <paramref name="start"/>; throws "Not a directory", "No such file…", ELOOP.</summary>
    public void Run(DirectoryNode start, MountTable mounts, string path, bool followLast)
    {
        (root, rootMounts) = (start, mounts.Root);
        Push(path);
        FileNode? current = root;
        var links = 0;
        while (Next(out var name))
        {
            var part = name.Span;
            if (part is ".") continue;
            if (part is "..")
            {
                if (depth > 0) depth--;
                current = depth > 0 ? stack[depth - 1].Node : root;
                continue;
            }
            if (current is not DirectoryNode directory)
                throw new FileSystemException(path, current is null ? FileSystemException.NoSuchFile : FileSystemException.NotADirectory);
            var above = depth > 0 ? stack[depth - 1] : new Entry { Node = root, Mounts = rootMounts };
            // Only below a component of the mount tree can a mount be: elsewhere the walk does not ask.
            var (tree, mounted, readOnly) = ((MountTree?)null, (FileNode?)null, above.ReadOnly);
            if (above.Mounts is { } parentTree)
            {
                tree = mounts.Child(parentTree, part, out mounted, out var mountReadOnly);
                if (mounted is not null) readOnly = mountReadOnly;
            }
            var next = mounted ?? directory.Get(part);
            if (next is SymlinkNode link && (followLast || HasMore()))
            {
                if (++links > MaxSymlinks) throw new FileSystemException(path, FileSystemException.Loop);
                Push(link.Target);
                if (link.Target.StartsWith('/')) depth = 0;
                current = depth > 0 ? stack[depth - 1].Node : root;
                continue;
            }
            if (depth == stack.Length) Array.Resize(ref stack, depth * 2);
            stack[depth++] = new Entry { Node = next, Mounts = tree, ReadOnly = readOnly, MountPoint = mounted is not null, Name = name };
            used = Math.Max(used, depth);
            current = next;
            // A missing directory in the middle: the path cannot exist (ENOENT), but report it once we know the whole path.
            if (current is null && HasMore()) { Finish(null, complete: false); return; }
        }
        Finish(current, complete: true);
    }

    private void Finish(FileNode? node, bool complete)
    {
        (Node, Complete) = (node, complete);
        Mounts = depth > 0 ? stack[depth - 1].Mounts : rootMounts;
    }

    /// <summary>
    /// "/" and the names walked, joined; for a walk that stopped at a missing directory, followed by what was left unread
    /// (as written, "." and ".." included) – the path the caller reports.
    /// </summary>
    public string CanonicalPath()
    {
        var length = 0;
        for (var i = 0; i < depth; i++) length += 1 + stack[i].Name.Length;
        if (!Complete)
            for (var left = Left(); Read(ref left, out var part);) length += 1 + part.Length;
        if (length == 0) return "/";
        return string.Create(length, this, static (chars, walk) =>
        {
            var at = 0;
            for (var i = 0; i < walk.depth; i++) Append(chars, ref at, walk.stack[i].Name);
            if (!walk.Complete)
                for (var left = walk.Left(); walk.Read(ref left, out var part);) Append(chars, ref at, part);
        });
    }

    private static void Append(Span<char> chars, ref int at, PathName name)
    {
        chars[at++] = '/';
        name.Span.CopyTo(chars[at..]);
        at += name.Length;
    }

    private void Push(string text)
    {
        if (sourceCount == sources.Length) Array.Resize(ref sources, sourceCount * 2);
        sources[sourceCount++] = (text, 0);
    }

    /// <summary>Takes the next component to walk.</summary>
    private bool Next(out PathName name)
    {
        var left = Left();
        if (!Read(ref left, out name)) { sourceCount = 0; return false; }
        sourceCount = left.Source + 1;
        sources[left.Source].Position = left.Position;
        return true;
    }

    /// <summary>Whether any component (even "." or "..") is left to walk.</summary>
    private bool HasMore()
    {
        var left = Left();
        return Read(ref left, out _);
    }

    private (int Source, int Position) Left() =>
        sourceCount > 0 ? (sourceCount - 1, sources[sourceCount - 1].Position) : (-1, 0);

    /// <summary>Reads the component at <paramref name="left"/> and moves past it, without changing what the walk has left.</summary>
    private bool Read(ref (int Source, int Position) left, out PathName name)
    {
        while (left.Source >= 0)
        {
            var text = sources[left.Source].Text;
            var at = left.Position;
            while (at < text.Length && text[at] == '/') at++;
            if (at < text.Length)
            {
                var end = text.IndexOf('/', at);
                if (end < 0) end = text.Length;
                name = new PathName(text, at, end - at);
                left.Position = end;
                return true;
            }
            // This link's target is used up: the walk goes on with what followed the link.
            if (--left.Source >= 0) left.Position = sources[left.Source].Position;
        }
        name = default;
        return false;
    }
}
