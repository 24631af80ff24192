namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// What every node may do beyond the relationships the Node authorizer checks (plugin/pkg/auth/authorizer/rbac/bootstrappolicy
/// policy.go NodeRules at 1.32, DynamicResourceAllocation and ClusterTrustBundleProjection off). The Node authorizer evaluates
/// them itself; kind binds no ClusterRole to <c>system:nodes</c>.
/// </summary>
public static class NodeRules
{
    private static PolicyRule R(string[] verbs, string group, params string[] resources) => new(verbs, [group], resources, [], []);

    public static IReadOnlyList<PolicyRule> All { get; } =
    [
        // Checking API access (non-mutating creates).
        R(["create"], "authentication.k8s.io", "tokenreviews"),
        R(["create"], "authorization.k8s.io", "localsubjectaccessreviews", "subjectaccessreviews"),
        // The service lister behind the Service environment variables.
        R(["get", "list", "watch"], "", "services"),
        // Registering and reporting the Node (NodeRestriction limits a node to its own object).
        R(["create", "get", "list", "watch"], "", "nodes"),
        R(["patch", "update"], "", "nodes/status"),
        R(["patch", "update"], "", "nodes"),
        R(["create", "patch", "update"], "", "events"),
        R(["get", "list", "watch"], "", "pods"),
        // Mirror pods, pod status, evictions (NodeRestriction limits them to pods bound to the node).
        R(["create", "delete"], "", "pods"),
        R(["patch", "update"], "", "pods/status"),
        R(["create"], "", "pods/eviction"),
        // Narrowed by the Node authorizer to objects referenced by the node's pods.
        R(["get", "list", "watch"], "", "configmaps", "secrets"),
        R(["get"], "", "persistentvolumeclaims", "persistentvolumes"),
        R(["get"], "", "endpoints"),
        R(["create", "get", "list", "watch"], "certificates.k8s.io", "certificatesigningrequests"),
        R(["create", "delete", "get", "patch", "update"], "coordination.k8s.io", "leases"),
        R(["get"], "storage.k8s.io", "volumeattachments"),
        R(["create"], "", "serviceaccounts/token"),
        R(["get", "patch", "update"], "", "persistentvolumeclaims/status"),
        R(["get", "list", "watch"], "storage.k8s.io", "csidrivers"),
        R(["create", "delete", "get", "patch", "update"], "storage.k8s.io", "csinodes"),
        R(["get", "list", "watch"], "node.k8s.io", "runtimeclasses"),
    ];
}
