using CsCheck;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Tests.Fuzz;
using KubeLab.Simulator.Tests.Runtime.Programs;

namespace KubeLab.Simulator.Tests.Runtime.Filesystem;

/// <summary>
/// The container file system against <see cref="ReferenceFileSystem"/> (the walk it replaced): generated sequences of
/// operations on paths made of "", ".", "..", names, links (relative, absolute, to "..", "/", "", dangling, loops) and mount
/// points (directories, a file, nested, hiding image content, read-only or not) must give the same nodes, canonical paths,
/// answers, error texts and final trees.
/// </summary>
public sealed class FileSystemEquivalenceTests
{
    private static readonly string[] Components =
    [
        "", "", ".", "..", "..", "a", "b", "c", "f", "g", "h", "l1", "l2", "l3", "lf", "loop", "up", "abs", "e", "ring1", "dangling",
        "dl2", "sub", "z", "etc", "hosts", "m", "v1", "vd", "w", "w2", "vl", "key", "..data", "..ts", "x1", "deep", "er", "mnt",
        "nope", "new", "x",
    ];

    private enum Op { Find, FindNoFollow, RealPath, RealPathNoFollow, IsReadOnly, List, Read, Write, Append, Mkdir, MkdirParents, Delete, DeleteRecursive, Symlink, Mount, Normalize }

    private static readonly Gen<string> PathGen =
        from absolute in Gen.Int[0, 9].Select(i => i > 0)
        from parts in Gen.Int[0, Components.Length - 1].Select(i => Components[i]).Array[0, 6]
        from trailing in Gen.Int[0, 9].Select(i => i == 0)
        select (absolute ? "/" : "") + string.Join('/', parts) + (trailing ? "/" : "");

    private static readonly Gen<(Op Op, string Path, string Other)> StepGen =
        from op in Gen.Int[0, 99].Select(i => i switch
        {
            < 20 => Op.Find, < 26 => Op.FindNoFollow, < 32 => Op.RealPath, < 35 => Op.RealPathNoFollow, < 43 => Op.IsReadOnly,
            < 50 => Op.List, < 54 => Op.Read, < 61 => Op.Write, < 64 => Op.Append, < 70 => Op.Mkdir, < 74 => Op.MkdirParents,
            < 81 => Op.Delete, < 84 => Op.DeleteRecursive, < 92 => Op.Symlink, < 95 => Op.Mount, _ => Op.Normalize,
        })
        from path in PathGen
        from other in PathGen
        select (op, path, other);

    [Fact]
    public void Generated_operations_behave_as_the_reference_walk()
    {
        Gen.Select(Gen.Int[0, 15], StepGen.Array[1, 8]).Sample((flags, steps) =>
        {
            var time = new ManualTime(DateTimeOffset.UnixEpoch);
            var image = Image();
            var fast = new Fast(new ContainerFileSystem(image.Clone(), time));
            IFiles reference = new ReferenceFileSystem(image.Clone(), time);
            var fastVolumes = MountVolumes(fast, flags);
            var referenceVolumes = MountVolumes(reference, flags);
            var log = new List<string>();
            foreach (var (op, path, other) in steps)
            {
                var expected = Apply(reference, op, path, other);
                var actual = Apply(fast, op, path, other);
                log.Add($"{op} \"{path}\" \"{other}\" -> {expected}");
                Assert.True(expected == actual, $"{string.Join('\n', log)}\nbut the fast walk gave: {actual}");
            }
            Assert.Equal(Dump(reference.Root), Dump(fast.Root));
            Assert.Equal(referenceVolumes.Select(Dump), fastVolumes.Select(Dump));
            Assert.Equal(reference.Mounts, fast.Mounts);
        }, seed: FuzzBudget.Seed, time: FuzzBudget.Seconds, threads: 1);
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    [InlineData("a/b", "/a/b")]
    [InlineData("//a//b//", "/a/b")]
    [InlineData("/a/./b/.", "/a/b")]
    [InlineData("/a/b/../../..", "/")]
    [InlineData("/../a/..b/...", "/a/..b/...")]
    [InlineData("/a/b/c/../d", "/a/b/d")]
    public void Normalize_collapses_slashes_dots_and_dot_dots(string path, string expected)
    {
        Assert.Equal(expected, ContainerFileSystem.Normalize(path));
        Assert.Equal(ReferenceFileSystem.Normalize(path), ContainerFileSystem.Normalize(path));
    }

    [Fact]
    public void A_clean_path_is_returned_as_is()
    {
        const string path = "/etc/nginx/conf.d/default.conf";
        Assert.Same(path, ContainerFileSystem.Normalize(path));
    }

    /// <summary>An image tree with every kind of link the walk treats differently.</summary>
    private static DirectoryNode Image()
    {
        var root = new DirectoryNode();
        var a = root.Directory("a");
        a.Set("f", new RegularFile("a/f"));
        a.Directory("c").Set("h", new RegularFile("a/c/h"));
        foreach (var (name, target) in new[]
                 {
                     ("l1", "../b"), ("l2", "/b/g"), ("loop", "loop"), ("l3", "c/../../b"), ("lf", "f"), ("up", ".."), ("abs", "/"),
                     ("e", ""), ("ring1", "ring2"), ("ring2", "ring1"),
                 })
            a.Set(name, new SymlinkNode(target));
        var b = root.Directory("b");
        b.Set("g", new RegularFile("b/g"));
        b.Set("dangling", new SymlinkNode("/nope/x"));
        b.Set("dl2", new SymlinkNode("missing"));
        b.Directory("sub").Set("z", new RegularFile("b/sub/z"));
        root.Directory("etc").Set("hosts", new RegularFile("image hosts"));
        return root;
    }

    /// <summary>The volumes of a pod as the kubelet mounts them; <paramref name="flags"/> picks which are read-only.</summary>
    private static List<DirectoryNode> MountVolumes(IFiles files, int flags)
    {
        var v = new DirectoryNode();
        v.Set("v1", new RegularFile("v/v1"));
        v.Directory("vd").Set("w", new RegularFile("v/vd/w"));
        v.Set("vl", new SymlinkNode("../a"));
        v.Directory("..ts").Set("key", new RegularFile("v/..ts/key"));
        v.Set("..data", new SymlinkNode("..ts"));
        v.Set("key", new SymlinkNode("..data/key"));
        var w = new DirectoryNode();
        w.Set("w2", new RegularFile("w/w2"));
        var x = new DirectoryNode();
        x.Set("x1", new RegularFile("x/x1"));
        var y = new DirectoryNode();
        files.Mount("/m", v, (flags & 1) != 0);
        files.Mount("/m/vd", w, (flags & 2) != 0);
        files.Mount("/etc/hosts", new RegularFile("pod hosts"), (flags & 4) != 0);
        files.Mount("/b/sub", x, (flags & 8) != 0);
        files.Mount("/deep/er/mnt", y, readOnly: false);
        return [v, w, x, y];
    }

    private static string Apply(IFiles files, Op op, string path, string other)
    {
        try
        {
            return op switch
            {
                Op.Find => Describe(files.Find(path, true)),
                Op.FindNoFollow => Describe(files.Find(path, false)),
                Op.RealPath => files.RealPath(path, true),
                Op.RealPathNoFollow => files.RealPath(path, false),
                Op.IsReadOnly => files.IsReadOnly(path).ToString(),
                Op.List => string.Join(", ", files.List(path).Select(e => $"{e.Name}={Describe(e.Node)}")),
                Op.Read => files.ReadAllText(path),
                Op.Write => Describe(files.WriteFile(path, "written", false)),
                Op.Append => Describe(files.WriteFile(path, "+", true)),
                Op.Mkdir => Done(() => files.CreateDirectory(path, false)),
                Op.MkdirParents => Done(() => files.CreateDirectory(path, true)),
                Op.Delete => Done(() => files.Delete(path, false)),
                Op.DeleteRecursive => Done(() => files.Delete(path, true)),
                Op.Symlink => Done(() => files.Symlink(other, path)),
                Op.Mount => Done(() => files.Mount(path, new DirectoryNode(), other.Length % 2 == 0)),
                _ => ContainerFileSystem.Normalize(path),
            };
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static string Done(Action action)
    {
        action();
        return "ok";
    }

    private static string Describe(FileNode? node) => node switch
    {
        null => "null",
        RegularFile f => $"file({f.ReadText()})",
        DirectoryNode d => $"dir({string.Join(' ', d.Entries().Select(e => e.Name))})",
        SymlinkNode l => $"link({l.Target})",
        _ => node.GetType().Name,
    };

    private static string Dump(DirectoryNode directory)
    {
        var lines = new List<string>();
        Walk(directory, "", 0);
        return string.Join('\n', lines);

        void Walk(DirectoryNode d, string prefix, int depth)
        {
            foreach (var (name, node) in d.Entries())
            {
                lines.Add($"{prefix}/{name} {Describe(node)} {node.Mode}");
                if (node is DirectoryNode sub && depth < 8) Walk(sub, $"{prefix}/{name}", depth + 1);
            }
        }
    }

    /// <summary>What both file systems offer (the reference implements it directly; the production one through <see cref="Fast"/>).</summary>
    internal interface IFiles
    {
        DirectoryNode Root { get; }
        IReadOnlyList<(string Path, bool ReadOnly)> Mounts { get; }
        void Mount(string path, FileNode node, bool readOnly);
        FileNode? Find(string path, bool followLast);
        string RealPath(string path, bool followLast);
        bool IsReadOnly(string path);
        IReadOnlyList<(string Name, FileNode Node)> List(string path);
        string ReadAllText(string path);
        RegularFile WriteFile(string path, string text, bool append);
        void CreateDirectory(string path, bool parents);
        void Delete(string path, bool recursive);
        void Symlink(string target, string linkPath);
    }

    private sealed class Fast(ContainerFileSystem files) : IFiles
    {
        public DirectoryNode Root => files.Root;
        public IReadOnlyList<(string Path, bool ReadOnly)> Mounts => files.Mounts;
        public void Mount(string path, FileNode node, bool readOnly) => files.Mount(path, node, readOnly);
        public FileNode? Find(string path, bool followLast) => files.Find(path, followLast);
        public string RealPath(string path, bool followLast) => files.RealPath(path, followLast);
        public bool IsReadOnly(string path) => files.IsReadOnly(path);
        public IReadOnlyList<(string Name, FileNode Node)> List(string path) => files.List(path);
        public string ReadAllText(string path) => files.ReadAllText(path);
        public RegularFile WriteFile(string path, string text, bool append) => files.WriteFile(path, text, append);
        public void CreateDirectory(string path, bool parents) => files.CreateDirectory(path, parents);
        public void Delete(string path, bool recursive) => files.Delete(path, recursive);
        public void Symlink(string target, string linkPath) => files.Symlink(target, linkPath);
    }
}
