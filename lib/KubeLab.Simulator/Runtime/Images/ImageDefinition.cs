using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Images;

/// <summary>
/// What the modelled runtime knows about an image: its files, its ENTRYPOINT and CMD (what runs when a container sets
/// neither <c>command</c> nor <c>args</c>), and the executables in it (by absolute path; a bare name is looked up in PATH).
/// </summary>
public sealed class ImageDefinition
{
    public required string Name { get; init; }
    /// <summary>Builds a fresh copy of the image's root file system for one container.</summary>
    public required Func<DirectoryNode> CreateRoot { get; init; }
    public IReadOnlyList<string> Entrypoint { get; init; } = [];
    public IReadOnlyList<string> Cmd { get; init; } = [];
    /// <summary>Default PATH of the image's config (the runtime sets it when the pod does not).</summary>
    public string Path { get; init; } = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /// <summary>Absolute path → program. Busybox images map every applet; images without a shell have no /bin/sh.</summary>
    public required IReadOnlyDictionary<string, IContainerProgram> Executables { get; init; }
    /// <summary>Extra environment of the image's config (e.g. nginx's NGINX_VERSION).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>False for images the simulator does not know: their process only runs until stopped (no shell, no server).</summary>
    public bool IsModelled { get; init; } = true;
    /// <summary>One sentence on what the simulator models of this image (for notebooks and <c>describe</c>-like output).</summary>
    public string Description { get; init; } = "";
    /// <summary>The image's STOPSIGNAL: what the runtime sends instead of SIGTERM (nginx: SIGQUIT, a graceful shutdown).</summary>
    public string StopSignal { get; init; } = "SIGTERM";

    /// <summary>Finds argv[0] as execve would: an absolute or relative path as is, a bare name through PATH.</summary>
    public (string Path, IContainerProgram Program)? Lookup(string name, string pathVariable)
    {
        if (name.Contains('/'))
        {
            var normalized = ContainerFileSystem.Normalize(name);
            return Executables.TryGetValue(normalized, out var p) ? (normalized, p) : null;
        }
        // PATH's entries as ranges of it: only the candidate paths are strings (and a clean one is not normalized again).
        foreach (var range in pathVariable.AsSpan().Split(':'))
        {
            var dir = pathVariable.AsSpan(range);
            if (dir.IsEmpty) continue;
            var candidate = ContainerFileSystem.Normalize(string.Concat(dir, "/", name));
            if (Executables.TryGetValue(candidate, out var p)) return (candidate, p);
        }
        return null;
    }
}
