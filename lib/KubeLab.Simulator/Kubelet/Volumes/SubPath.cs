using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>
/// A volumeMount's <c>subPath</c> inside its volume (kubelet_pods.go makeMounts + pkg/volume/util/subpath): symlinks are
/// followed inside the volume, so the mount is bound to the file or directory itself — for a configMap key that is the file in
/// the current timestamped directory, which is why a subPath mount never sees later updates. A missing subPath is created as
/// a directory with its parent's permissions (for every volume type, even a configMap, giving an empty directory there).
/// A symlink leading out of the volume is refused.
/// </summary>
public static class SubPath
{
    private const int MaxSymlinks = 40;

    public static FileNode Resolve(DirectoryNode volumeRoot, string subPath, DateTimeOffset now)
    {
        var pending = new LinkedList<string>(subPath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var stack = new List<DirectoryNode> { volumeRoot };
        FileNode current = volumeRoot;
        var links = 0;
        while (pending.First is { } first)
        {
            var part = first.Value;
            pending.RemoveFirst();
            if (part == ".") continue;
            if (part == "..")
            {
                if (stack.Count == 1) throw Escapes(subPath);
                stack.RemoveAt(stack.Count - 1);
                current = stack[^1];
                continue;
            }
            if (current is not DirectoryNode dir) throw new FileSystemException(subPath, FileSystemException.NotADirectory);
            var next = dir.Get(part);
            if (next is SymlinkNode link)
            {
                if (++links > MaxSymlinks || link.Target.StartsWith('/')) throw Escapes(subPath);
                var parts = link.Target.Split('/', StringSplitOptions.RemoveEmptyEntries);
                for (var i = parts.Length - 1; i >= 0; i--) pending.AddFirst(parts[i]);
                continue;
            }
            if (next is null)
            {
                next = new DirectoryNode(dir.Mode) { ModifiedAt = now };
                dir.Set(part, next);
            }
            current = next;
            if (current is DirectoryNode d) stack.Add(d);
        }
        return current;
    }

    private static InvalidOperationException Escapes(string subPath) => new($"subpath \"{subPath}\" not within volume path");
}
