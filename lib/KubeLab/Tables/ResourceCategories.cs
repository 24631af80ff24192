namespace KubeLab;

/// <summary>
/// The course notes group API kinds into five categories. This table is the single place that decides it;
/// kinds not listed (CRDs, new APIs) fall into "Other".
/// </summary>
public static class ResourceCategories
{
    public const string Workloads = "Workloads";
    public const string DiscoveryAndLoadBalancing = "Discovery & Load Balancing";
    public const string ConfigAndStorage = "Config & Storage";
    public const string Cluster = "Cluster";
    public const string Metadata = "Metadata";
    public const string Other = "Other";

    /// <summary>Category order as the notes present them.</summary>
    public static readonly IReadOnlyList<string> Order = [Workloads, DiscoveryAndLoadBalancing, ConfigAndStorage, Cluster, Metadata, Other];

    private static readonly Dictionary<string, string> ByKind = new(StringComparer.Ordinal)
    {
        // Workloads: run containers.
        ["Pod"] = Workloads, ["ReplicaSet"] = Workloads, ["ReplicationController"] = Workloads, ["Deployment"] = Workloads,
        ["DaemonSet"] = Workloads, ["StatefulSet"] = Workloads, ["Job"] = Workloads, ["CronJob"] = Workloads,
        // Discovery & load balancing: make workloads reachable.
        ["Service"] = DiscoveryAndLoadBalancing, ["Ingress"] = DiscoveryAndLoadBalancing, ["Endpoints"] = DiscoveryAndLoadBalancing,
        ["EndpointSlice"] = DiscoveryAndLoadBalancing, ["IngressClass"] = DiscoveryAndLoadBalancing,
        // Config & storage: data handed to containers.
        ["ConfigMap"] = ConfigAndStorage, ["Secret"] = ConfigAndStorage, ["PersistentVolumeClaim"] = ConfigAndStorage,
        ["StorageClass"] = ConfigAndStorage, ["VolumeAttachment"] = ConfigAndStorage, ["VolumeAttributesClass"] = ConfigAndStorage,
        // Cluster: the cluster itself and who may do what.
        ["Node"] = Cluster, ["Namespace"] = Cluster, ["PersistentVolume"] = Cluster, ["ResourceQuota"] = Cluster,
        ["ServiceAccount"] = Cluster, ["Role"] = Cluster, ["ClusterRole"] = Cluster, ["RoleBinding"] = Cluster,
        ["ClusterRoleBinding"] = Cluster, ["NetworkPolicy"] = Cluster, ["CertificateSigningRequest"] = Cluster,
        ["APIService"] = Cluster, ["ComponentStatus"] = Cluster, ["Lease"] = Cluster, ["RuntimeClass"] = Cluster,
        ["PriorityClass"] = Cluster, ["Binding"] = Cluster,
        // Metadata: objects that configure the behaviour of other objects.
        ["LimitRange"] = Metadata, ["HorizontalPodAutoscaler"] = Metadata, ["PodDisruptionBudget"] = Metadata,
        ["CustomResourceDefinition"] = Metadata, ["Event"] = Metadata, ["PodTemplate"] = Metadata, ["ControllerRevision"] = Metadata,
        ["MutatingWebhookConfiguration"] = Metadata, ["ValidatingWebhookConfiguration"] = Metadata,
        ["ValidatingAdmissionPolicy"] = Metadata, ["ValidatingAdmissionPolicyBinding"] = Metadata,
    };

    public static string Of(string kind)
    {
        if (ByKind.TryGetValue(kind, out var category)) return category;
        if (kind.StartsWith("CSI", StringComparison.Ordinal)) return ConfigAndStorage; // CSIDriver, CSINode, CSIStorageCapacity
        return Other;
    }
}
