using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Images;

/// <summary>Builds an image's root file system (its layers flattened) by absolute paths.</summary>
public sealed class RootBuilder
{
    public const int Executable = 0x1ED; // 0755

    private readonly Dictionary<string, IContainerProgram> executables = new(StringComparer.Ordinal);

    public DirectoryNode Root { get; } = new();

    /// <summary>Absolute path → program, for <see cref="ImageDefinition.Executables"/>.</summary>
    public IReadOnlyDictionary<string, IContainerProgram> Executables => executables;

    public RootBuilder Directory(string path, int mode = 0x1ED)
    {
        var dir = Walk(path, create: true);
        dir.Mode = mode;
        return this;
    }

    public RootBuilder File(string path, string content, int mode = 0x1A4)
    {
        var (parent, name) = Parent(path);
        parent.Set(name, new RegularFile(content, mode));
        return this;
    }

    public RootBuilder Symlink(string path, string target)
    {
        var (parent, name) = Parent(path);
        parent.Set(name, new SymlinkNode(target));
        return this;
    }

    /// <summary>An executable: a file (its bytes are a placeholder) and the program the runtime runs for that path.</summary>
    public RootBuilder Program(string path, IContainerProgram program)
    {
        File(path, "", Executable);
        executables[ContainerFileSystem.Normalize(path)] = program;
        return this;
    }

    /// <summary>A program reachable under a second path without its own file (merged /usr: /bin is a link to usr/bin).</summary>
    public RootBuilder Alias(string path, IContainerProgram program)
    {
        executables[ContainerFileSystem.Normalize(path)] = program;
        return this;
    }

    private (DirectoryNode Parent, string Name) Parent(string path)
    {
        var canonical = ContainerFileSystem.Normalize(path);
        var cut = canonical.LastIndexOf('/');
        return (Walk(canonical[..cut], create: true), canonical[(cut + 1)..]);
    }

    private DirectoryNode Walk(string path, bool create)
    {
        var dir = Root;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            dir = create ? dir.Directory(part) : (DirectoryNode)dir.Get(part)!;
        return dir;
    }
}
