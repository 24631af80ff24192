// TEMPORARY STUB (replaced by the volumes branch)
using k8s;
using k8s.Models;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Storage;

namespace KubeLab.Simulator.Kubelet.Volumes;

public sealed class VolumeSetupException(string volumeName, string message) : Exception(message)
{
    public string VolumeName { get; } = volumeName;
}

public sealed class PodVolumes
{
    private readonly Dictionary<string, FileNode> volumes = new();

    public static Task<PodVolumes> PrepareAsync(V1Pod pod, string nodeName, IKubernetes client, VolumeData data, TimeProvider time, CancellationToken ct)
    {
        var v = new PodVolumes();
        foreach (var vol in pod.Spec.Volumes ?? []) v.volumes[vol.Name] = new DirectoryNode();
        return Task.FromResult(v);
    }

    public IReadOnlyList<(string MountPath, FileNode Node, bool ReadOnly)> MountsFor(V1Container c) =>
        (c.VolumeMounts ?? []).Where(m => volumes.ContainsKey(m.Name)).Select(m => (m.MountPath, volumes[m.Name], m.ReadOnlyProperty ?? false)).ToList();
}
