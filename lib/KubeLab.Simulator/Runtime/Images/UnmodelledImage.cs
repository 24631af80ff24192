using System.Collections;
using KubeLab.Simulator.Runtime.Programs;
using KubeLab.Simulator.Runtime.Shell;

namespace KubeLab.Simulator.Runtime.Images;

/// <summary>
/// An image the simulator does not know (redis, httpd, fluent-bit…), modelled as a server image without a shell: any
/// command it is given starts <see cref="GenericServerProgram"/> (runs until stopped, prints nothing, serves nothing), but
/// there is no sh or other tool, so <c>kubectl exec … -- sh</c> fails with "executable file not found in $PATH".
/// </summary>
public static class UnmodelledImage
{
    public static ImageDefinition Create(ImageName name)
    {
        var root = new RootBuilder()
            .File("/etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\n")
            .Directory("/root", 0x1C0)
            .Directory("/tmp", 0x3FF);
        return new ImageDefinition
        {
            Name = name.Reference,
            CreateRoot = root.Root.Clone,
            Executables = new AnyServerExecutable(),
            Cmd = [name.BaseName],
            IsModelled = false,
            Description = $"{name.BaseName} is not modelled: its process runs until stopped without output or open ports, and the image has no shell.",
        };
    }

    /// <summary>Every path is "the server" except the names of shells and common tools, which the image lacks.</summary>
    private sealed class AnyServerExecutable : IReadOnlyDictionary<string, IContainerProgram>
    {
        private static readonly GenericServerProgram Server = new();
        private static readonly HashSet<string> Missing = new(StringComparer.Ordinal)
        {
            "sh", "bash", "ash", "dash", "zsh", "busybox", "curl", "wget", "nc", "ping", "nslookup", "ps", "top", "vi",
        };

        private static bool Has(string path)
        {
            var name = path[(path.LastIndexOf('/') + 1)..];
            return name.Length > 0 && !Missing.Contains(name) && !BusyboxApplets.All.ContainsKey(name) && !BaseLayers.DebianTools.Contains(name);
        }

        public IContainerProgram this[string key] => Has(key) ? Server : throw new KeyNotFoundException(key);
        public IEnumerable<string> Keys => [];
        public IEnumerable<IContainerProgram> Values => [];
        public int Count => 0;
        public bool ContainsKey(string key) => Has(key);

        public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out IContainerProgram value)
        {
            value = Has(key) ? Server : null;
            return value is not null;
        }

        public IEnumerator<KeyValuePair<string, IContainerProgram>> GetEnumerator() => Enumerable.Empty<KeyValuePair<string, IContainerProgram>>().GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
