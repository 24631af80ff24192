using System.Collections.Concurrent;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Storage;

/// <summary>
/// The data of volumes that outlive pods: each node's own file tree (its disk). A hostPath volume and a local-path PV
/// (rancher.io/local-path creates PVs whose <c>hostPath</c> is a directory on their node) are both directories of that tree,
/// so the same node and path always give the same <see cref="DirectoryNode"/> and pods see each other's files there.
/// Thread-safe: kubelets of several nodes and pod workers of one node prepare volumes concurrently.
/// </summary>
public sealed class VolumeData
{
    private readonly ConcurrentDictionary<string, DirectoryNode> nodes = new(StringComparer.Ordinal);
    private readonly object gate = new();

    /// <summary>
    /// Directories every kind node has (a Debian-based node image running containerd and the kubelet), so hostPath volumes
    /// of type Directory such as a log agent's /var/log find them.
    /// </summary>
    private static readonly string[] NodeDirectories =
        ["/etc", "/opt", "/run", "/tmp", "/usr/bin", "/var/lib/kubelet", "/var/lib/containerd", "/var/log/pods", "/var/log/containers"];

    /// <summary>The root ("/") of a node's file tree.</summary>
    public DirectoryNode NodeRoot(string nodeName) => nodes.GetOrAdd(nodeName, _ =>
    {
        var root = new DirectoryNode();
        foreach (var path in NodeDirectories)
        {
            var dir = root;
            foreach (var part in Parts(path)) dir = dir.Directory(part);
        }
        return root;
    });

    /// <summary>The directory at <paramref name="path"/> on the node, created with its parents (mkdir -p, 0755) if missing.</summary>
    public DirectoryNode HostPath(string nodeName, string path)
    {
        lock (gate)
        {
            var dir = NodeRoot(nodeName);
            foreach (var part in Parts(path))
            {
                switch (dir.Get(part))
                {
                    case DirectoryNode d: dir = d; break;
                    case null:
                        var created = new DirectoryNode();
                        dir.Set(part, created);
                        dir = created;
                        break;
                    default: throw new FileSystemException(path, FileSystemException.NotADirectory);
                }
            }
            return dir;
        }
    }

    /// <summary>What is at <paramref name="path"/> on the node (symlinks are not followed), or null.</summary>
    public FileNode? Find(string nodeName, string path)
    {
        lock (gate)
        {
            FileNode? node = NodeRoot(nodeName);
            foreach (var part in Parts(path))
            {
                if (node is not DirectoryNode d) return null;
                node = d.Get(part);
            }
            return node;
        }
    }

    /// <summary>
    /// Creates an empty file (0644) if nothing is at <paramref name="path"/>; like the kubelet's FileOrCreate (open with O_CREATE)
    /// the parent directory must already exist. Returns what is there afterwards.
    /// </summary>
    public FileNode CreateFile(string nodeName, string path, DateTimeOffset now)
    {
        lock (gate)
        {
            if (Find(nodeName, path) is { } existing) return existing;
            var parts = Parts(path);
            if (parts.Length == 0) throw new FileSystemException(path, FileSystemException.IsADirectory);
            if (Find(nodeName, "/" + string.Join('/', parts[..^1])) is not DirectoryNode parent)
                throw new FileSystemException(path, FileSystemException.NoSuchFile);
            var file = new RegularFile([]) { ModifiedAt = now };
            parent.Set(parts[^1], file);
            return file;
        }
    }

    /// <summary>rm -rf <paramref name="path"/> on the node (local-path's helper pod on Delete); false if nothing was there.</summary>
    public bool Remove(string nodeName, string path)
    {
        lock (gate)
        {
            var parts = Parts(path);
            if (parts.Length == 0) return false;
            return Find(nodeName, "/" + string.Join('/', parts[..^1])) is DirectoryNode parent && parent.Remove(parts[^1]);
        }
    }

    private static string[] Parts(string path) =>
        ContainerFileSystem.Normalize(path).Split('/', StringSplitOptions.RemoveEmptyEntries);
}
