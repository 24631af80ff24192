using KubeLab.Simulator.Kubelet.Server;
using KubeLab.Simulator.Metrics;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator;

/// <summary>
/// What the simulated cluster's nodes share below the API: the pod network, the API server's connections to each node's
/// kubelet (logs, exec), and what the modelled containers consume (read by metrics.k8s.io). One per <see cref="SimulatedCluster"/>.
/// </summary>
public sealed class DataPlane
{
    public ClusterNetwork Network { get; } = new();
    public KubeletConnections Kubelets { get; } = new();
    public ResourceConsumption Consumption { get; } = new();
    public Runtime.Images.ImageCatalog Images { get; }
    public Storage.VolumeData Volumes { get; } = new();

    /// <summary>Whether cloud-provider-kind runs beside the cluster (LoadBalancer Services get an address); see <see cref="SimulatorOptions.LoadBalancers"/>.</summary>
    public bool CloudProviderKind { get; init; } = true;

    /// <summary>cloud-provider-kind's gateway controller and its Envoys (null when cloud-provider-kind does not run).</summary>
    public CloudProvider.Kind.Gateway.GatewayController? Gateways { get; set; }

    /// <summary>What etcd holds (read-only, as bytes): the etcd static pod's <c>etcdctl get</c> reads it. Null in a data plane built without an API server.</summary>
    public Api.Storage.StoredObjectView? Etcd { get; init; }

    public DataPlane() => Images = new Runtime.Images.ImageCatalog(Consumption, () => Etcd);
}
