using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Runtime.Programs;

namespace KubeLab.Simulator.Runtime.Images;

/// <summary>
/// registry.k8s.io/etcd (etcd's Dockerfile for Kubernetes: distroless, /usr/local/bin/etcd, etcdctl, etcdutl; no shell).
/// kubeadm 1.32 runs 3.5.16-0 as the static pod etcd-&lt;control-plane node&gt;. etcdctl reads the simulator's stored-bytes view.
/// </summary>
public static class EtcdImage
{
    public const string Version = "3.5.16";
    public const string Reference = "registry.k8s.io/etcd:" + Version + "-0";

    public static ImageDefinition Create(ImageName name, Func<StoredObjectView?> view)
    {
        var version = name.Tag.Split('-')[0] is { Length: > 0 } tag && char.IsDigit(tag[0]) ? tag : Version;
        var b = new RootBuilder()
            .Program("/usr/local/bin/etcd", new EtcdProgram(version))
            .Program("/usr/local/bin/etcdctl", new EtcdctlProgram(version, view));
        b.Directory("/var/lib/etcd", 0x1C0);
        return new ImageDefinition
        {
            Name = name.Reference,
            CreateRoot = b.Root.Clone,
            Executables = b.Executables,
            Description = $"etcd {version}: the API server's store; etcdctl get shows the bytes it keeps (protobuf, encrypted per EncryptionConfiguration); no shell.",
        };
    }
}
