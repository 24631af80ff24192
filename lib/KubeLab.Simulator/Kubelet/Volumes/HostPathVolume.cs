using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Storage;

namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>
/// A hostPath volume's <c>type</c> check on the node (pkg/volume/hostpath/host_path.go checkTypeInternal):
/// DirectoryOrCreate makes the directory (mkdir -p, 0755) if nothing is there; FileOrCreate makes an empty 0644 file (its parent
/// must exist); otherwise the thing must already be of that type, else "hostPath type check failed: &lt;path&gt; is not a directory"
/// (a file, a socket file, a character device, a block device). With no type nothing is checked and, as containerd does for a
/// missing bind-mount source, a directory is created.
/// </summary>
public static class HostPathVolume
{
    /// <summary>The node's directory or file for the volume; throws <see cref="VolumePayloads.PayloadException"/> with the kubelet's text.</summary>
    public static FileNode Resolve(VolumeData data, string nodeName, string path, string? type, DateTimeOffset now)
    {
        var existing = data.Find(nodeName, path);
        switch (type ?? "")
        {
            case "":
                return existing ?? MakeDirectory(data, nodeName, path);
            case "DirectoryOrCreate":
                if (existing is null) return MakeDirectory(data, nodeName, path);
                goto case "Directory";
            case "Directory":
                return existing as DirectoryNode ?? throw Failed($"{path} is not a directory");
            case "FileOrCreate":
                if (existing is null)
                {
                    try { return data.CreateFile(nodeName, path, now); }
                    catch (FileSystemException e) { throw new VolumePayloads.PayloadException($"open {path}: {e.Error.ToLowerInvariant()}"); }
                }
                goto case "File";
            case "File":
                return existing as RegularFile ?? throw Failed($"{path} is not a file");
            case "Socket":
                throw Failed($"{path} is not a socket file");
            case "CharDevice":
                throw Failed($"{path} is not a character device");
            case "BlockDevice":
                throw Failed($"{path} is not a block device");
            default:
                throw new VolumePayloads.PayloadException($"{type} is an invalid volume type");
        }
    }

    private static DirectoryNode MakeDirectory(VolumeData data, string nodeName, string path)
    {
        try { return data.HostPath(nodeName, path); }
        catch (FileSystemException e) { throw new VolumePayloads.PayloadException($"mkdir {path}: {e.Error.ToLowerInvariant()}"); }
    }

    private static VolumePayloads.PayloadException Failed(string what) => new($"hostPath type check failed: {what}");
}
