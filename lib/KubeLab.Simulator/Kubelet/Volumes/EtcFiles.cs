using k8s.Models;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>
/// The per-pod files bind-mounted into every container of the pod: /etc/hosts (the kubelet's file in the pod directory,
/// always read-write, not mounted if the container mounts something at /etc/hosts itself or the pod has no IP yet),
/// /etc/hostname and /etc/resolv.conf (containerd's sandbox files, read-only when the container has
/// <c>readOnlyRootFilesystem</c>). The nodes are shared by the pod's containers, as the files are on a real node.
/// </summary>
public sealed class EtcFiles
{
    private EtcFiles(RegularFile hosts, RegularFile hostname, RegularFile resolvConf, bool hasPodIp)
    {
        Hosts = hosts;
        Hostname = hostname;
        ResolvConf = resolvConf;
        this.hasPodIp = hasPodIp;
    }

    private readonly bool hasPodIp;

    public RegularFile Hosts { get; }
    public RegularFile Hostname { get; }
    public RegularFile ResolvConf { get; }

    public static EtcFiles Create(V1Pod pod, IReadOnlyList<string> podIps, string nodeName, string hostIp, TimeProvider time,
        ResolvConf.NodeDns? nodeDns = null)
    {
        var now = time.GetUtcNow();
        return new EtcFiles(
            new RegularFile(HostsFile.Content(pod, podIps, nodeName, hostIp)) { ModifiedAt = now },
            new RegularFile(PodHostname.KernelHostname(pod, nodeName) + "\n") { ModifiedAt = now },
            new RegularFile(Volumes.ResolvConf.Content(pod, nodeDns)) { ModifiedAt = now },
            podIps.Count > 0 || pod.Spec?.HostNetwork == true);
    }

    public IReadOnlyList<(string MountPath, FileNode Node, bool ReadOnly)> MountsFor(V1Container c)
    {
        var readOnlyRoot = c.SecurityContext?.ReadOnlyRootFilesystem == true;
        var mounts = new List<(string, FileNode, bool)>();
        var ownHosts = (c.VolumeMounts ?? []).Any(m => ContainerFileSystem.Normalize(m.MountPath) == "/etc/hosts");
        if (hasPodIp && !ownHosts) mounts.Add(("/etc/hosts", Hosts, false));
        mounts.Add(("/etc/hostname", Hostname, readOnlyRoot));
        mounts.Add(("/etc/resolv.conf", ResolvConf, readOnlyRoot));
        return mounts;
    }
}
