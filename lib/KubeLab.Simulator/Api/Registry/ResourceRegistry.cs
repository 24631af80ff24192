namespace KubeLab.Simulator.Api.Registry;

/// <summary>The table of resources the simulated API server serves – the generic handlers work off this alone.</summary>
public static class ResourceRegistry
{
    private static readonly string[] All = ["all"];

    public static IReadOnlyList<ResourceType> Types { get; } =
    [
        new("", "v1", "Namespace", "namespaces", false, ["ns"], [], HasStatus: true),
        new("", "v1", "Node", "nodes", false, ["no"], [], HasStatus: true),
        new("", "v1", "Pod", "pods", true, ["po"], All, HasStatus: true),
        new("", "v1", "Event", "events", true, ["ev"], []),
        new("", "v1", "Service", "services", true, ["svc"], All, HasStatus: true),
        new("", "v1", "ConfigMap", "configmaps", true, ["cm"], []),
        new("", "v1", "Secret", "secrets", true, [], []),
        new("", "v1", "ServiceAccount", "serviceaccounts", true, ["sa"], []),
        new("", "v1", "Endpoints", "endpoints", true, ["ep"], []),
        new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, ["pvc"], [], HasStatus: true),
        new("", "v1", "PersistentVolume", "persistentvolumes", false, ["pv"], [], HasStatus: true),
        new("", "v1", "ResourceQuota", "resourcequotas", true, ["quota"], [], HasStatus: true),
        new("", "v1", "LimitRange", "limitranges", true, ["limits"], []),
        new("", "v1", "ReplicationController", "replicationcontrollers", true, ["rc"], All, HasStatus: true, HasScale: true),
        new("apps", "v1", "ReplicaSet", "replicasets", true, ["rs"], All, HasStatus: true, HasScale: true),
        new("apps", "v1", "Deployment", "deployments", true, ["deploy"], All, HasStatus: true, HasScale: true),
        new("apps", "v1", "DaemonSet", "daemonsets", true, ["ds"], All, HasStatus: true),
        new("apps", "v1", "StatefulSet", "statefulsets", true, ["sts"], All, HasStatus: true, HasScale: true),
        new("batch", "v1", "Job", "jobs", true, [], All, HasStatus: true),
        new("batch", "v1", "CronJob", "cronjobs", true, ["cj"], All, HasStatus: true),
        new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, ["hpa"], All, HasStatus: true),
        // Served too (kubectl autoscale posts it), stored as autoscaling/v2; listed after v2, so v2 stays the preferred version.
        new("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, ["hpa"], All, HasStatus: true),
        new("events.k8s.io", "v1", "Event", "events", true, ["ev"], []),
        new("metrics.k8s.io", "v1beta1", "PodMetrics", "pods", true, [], [], Computed: true),
        new("metrics.k8s.io", "v1beta1", "NodeMetrics", "nodes", false, [], [], Computed: true),
        new("apps", "v1", "ControllerRevision", "controllerrevisions", true, [], []),
        new("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, ["sc"], []),
        new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, [], []),
        new("networking.k8s.io", "v1", "Ingress", "ingresses", true, ["ing"], [], HasStatus: true),
        new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, [], []),
        new("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", false, [], []) { CreateOnly = true },
        new("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", false, [], []) { CreateOnly = true },
        // RBAC (pkg/registry/rbac) and the access reviews (pkg/registry/authorization): reviews are created, answered, never stored.
        new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, [], []),
        new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, [], []),
        new("rbac.authorization.k8s.io", "v1", "Role", "roles", true, [], []),
        new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, [], []),
        new("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", true, [], [], Computed: true, CreateOnly: true),
        new("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, [], [], Computed: true, CreateOnly: true),
        new("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false, [], [], Computed: true, CreateOnly: true),
        new("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", false, [], [], Computed: true, CreateOnly: true),
        new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, ["pdb"], [], HasStatus: true),
        new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, ["crd", "crds"], ["api-extensions"], HasStatus: true),
    ];

    /// <summary>The served type of a kind that only one group serves (Pod, Secret, PodDisruptionBudget…; not Event or HorizontalPodAutoscaler).</summary>
    public static ResourceType ForKind(string kind)
        => Types.Single(t => t.Kind == kind && t.Kind is not ("Event" or "HorizontalPodAutoscaler"));

    public static ResourceType CustomResourceDefinitions { get; } = Types.Single(t => t.Kind == "CustomResourceDefinition");

    public static ResourceType Namespaces { get; } = Types.Single(t => t.Kind == "Namespace");

    private static ResourceType CoreEvents { get; } = Types.Single(t => t.Kind == "Event" && t.Group.Length == 0);

    private static ResourceType HpaV2 { get; } = Types.Single(t => t.Kind == "HorizontalPodAutoscaler" && t.Version == "v2");

    public static IEnumerable<string> GroupVersions => Types.Select(t => t.GroupVersion).Distinct();

    public static ResourceType? Find(string group, string version, string plural)
        => Types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    public static ResourceType? FindByKind(string apiVersion, string kind)
        => Types.FirstOrDefault(t => t.GroupVersion == apiVersion && t.Kind == kind);

    /// <summary>The type whose objects are stored: events.k8s.io events share storage with core events, autoscaling/v1 HPAs with v2.</summary>
    public static ResourceType StorageType(ResourceType type)
        => type.Custom is { } custom ? custom.StorageKey
            : type.Group == "events.k8s.io" ? CoreEvents
            : type.Group == "autoscaling" && type.Kind == "HorizontalPodAutoscaler" ? HpaV2
            : type;
}
