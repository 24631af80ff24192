using KubeLab.Simulator.Runtime.Programs;

namespace KubeLab.Simulator.Runtime.Images;

/// <summary>
/// registry.k8s.io/coredns/coredns (coredns Dockerfile: distroless static, nonroot): only /coredns, ENTRYPOINT ["/coredns"],
/// no shell. kind's node image for Kubernetes 1.32 ships v1.11.3 (kubeadm constants.CoreDNSVersion).
/// </summary>
public static class CoreDnsImage
{
    public const string Version = "v1.11.3";
    public const string Reference = "registry.k8s.io/coredns/coredns:" + Version;

    public static ImageDefinition Create(ImageName name)
    {
        var version = name.Tag.StartsWith('v') ? name.Tag : Version;
        var b = new RootBuilder().Program("/coredns", new CoreDnsProgram(version));
        b.Directory("/etc/coredns");
        return new ImageDefinition
        {
            Name = name.Reference,
            CreateRoot = b.Root.Clone,
            Executables = b.Executables,
            Entrypoint = ["/coredns"],
            Description = $"coredns {version}: DNS on :53, /health on :8080, /ready on :8181, /metrics on :9153; no shell.",
        };
    }
}
