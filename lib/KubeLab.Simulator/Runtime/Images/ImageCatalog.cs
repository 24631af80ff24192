using System.Collections.Concurrent;
using KubeLab.Simulator.Metrics;

namespace KubeLab.Simulator.Runtime.Images;

/// <summary>
/// The images the modelled runtime knows, matched by the repository's last path component with any registry, tag or
/// digest ("nginx", "docker.io/library/nginx:1.27", "registry.k8s.io/e2e-test-images/agnhost:2.53"…): busybox, alpine,
/// nginx, agnhost, resource-consumer, pause, coredns, etcd. Anything else is a server image without a shell (<see cref="UnmodelledImage"/>).
/// Definitions are built once per reference; every container still gets its own copy of the files.
/// </summary>
public sealed class ImageCatalog(ResourceConsumption consumption, Func<Api.Storage.StoredObjectView?>? etcd = null)
{
    private readonly ConcurrentDictionary<string, ImageDefinition> cache = new(StringComparer.Ordinal);

    public ImageDefinition Find(string image)
    {
        var name = ImageName.Parse(image);
        return cache.GetOrAdd(name.Reference, _ => Create(name));
    }

    private ImageDefinition Create(ImageName name) => name.BaseName switch
    {
        "busybox" => BusyboxImage.Busybox(name),
        "alpine" => BusyboxImage.Alpine(name),
        "nginx" => NginxImage.Create(name),
        "agnhost" => AgnhostImage.Create(name),
        "resource-consumer" => ResourceConsumerImage.Create(name, consumption),
        "pause" => PauseImage.Create(name),
        "coredns" => CoreDnsImage.Create(name),
        "etcd" => EtcdImage.Create(name, etcd ?? (() => null)),
        _ => UnmodelledImage.Create(name),
    };
}
