using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>
/// One prepared entry of <c>spec.volumes</c>: the file-system node its mounts share (a directory, or a single file for a
/// hostPath of type File), whether the kubelet always mounts it read-only (configMap, secret, downwardAPI, projected — and a
/// PVC source with readOnly), and for the projected kinds the writer that refreshes its content.
/// </summary>
public sealed class PodVolume
{
    internal PodVolume(string name, string kind, FileNode root, bool alwaysReadOnly, AtomicWriter? writer = null,
        Func<CancellationToken, Task<Dictionary<string, FileProjection>>>? payload = null)
    {
        Name = name;
        Kind = kind;
        Root = root;
        AlwaysReadOnly = alwaysReadOnly;
        Writer = writer;
        Payload = payload;
    }

    public string Name { get; }

    /// <summary>The volume source's field name: emptyDir, hostPath, persistentVolumeClaim, configMap, secret, downwardAPI, projected, …</summary>
    public string Kind { get; }

    public FileNode Root { get; }

    public bool AlwaysReadOnly { get; }

    internal AtomicWriter? Writer { get; }

    internal Func<CancellationToken, Task<Dictionary<string, FileProjection>>>? Payload { get; }
}
