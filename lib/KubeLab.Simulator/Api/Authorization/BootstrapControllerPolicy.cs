using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// controller_policy.go (buildControllerRoles, v1.32; rendered in testdata/controller-roles.yaml and
/// controller-role-bindings.yaml): one ClusterRole <c>system:controller:&lt;name&gt;</c> per kube-controller-manager loop the
/// simulator runs, bound to the service account <c>kube-system/&lt;name&gt;</c> the loop acts as
/// (<c>--use-service-account-credentials</c>, see ControllerRuntime/ControllerClientBuilder). The loops that the simulator runs
/// inside the API server process (garbage collector, namespace, quota, disruption, service-account and root-CA publishers) get
/// their roles too, as on kind, although they write to the store directly.
/// </summary>
public static partial class BootstrapPolicy
{
    private const string ControllerRolePrefix = "system:controller:";

    /// <summary>The controllers whose roles and bindings are seeded (names exactly as upstream's service accounts).</summary>
    public static readonly IReadOnlyList<string> ControllerNames =
    [
        "clusterrole-aggregation-controller", "cronjob-controller", "daemon-set-controller", "deployment-controller", "disruption-controller",
        "endpoint-controller", "endpointslice-controller", "endpointslicemirroring-controller", "generic-garbage-collector",
        "horizontal-pod-autoscaler", "job-controller", "namespace-controller", "persistent-volume-binder", "replicaset-controller",
        "replication-controller", "resourcequota-controller", "service-account-controller", "statefulset-controller",
        "pvc-protection-controller", "pv-protection-controller", "ttl-after-finished-controller", "root-ca-cert-publisher",
    ];

    private static IEnumerable<JsonObject> ControllerRoles()
    {
        const string P = ControllerRolePrefix;
        string[] getListWatch = ["get", "list", "watch"];
        yield return Role(P + "clusterrole-aggregation-controller", [R(["escalate", "get", "list", "watch", "update", "patch"], [Rbac], "clusterroles")]);
        yield return Role(P + "cronjob-controller", [
            R(["get", "list", "watch", "update"], ["batch"], "cronjobs"),
            R(["get", "list", "watch", "create", "update", "delete", "patch"], ["batch"], "jobs"),
            R(["update"], ["batch"], "cronjobs/status"),
            R(["update"], ["batch"], "cronjobs/finalizers"),
            R(["list", "watch", "delete"], [""], "pods"),
            EventsRule(),
        ]);
        yield return Role(P + "daemon-set-controller", [
            R(getListWatch, ["extensions", "apps"], "daemonsets"),
            R(["update"], ["extensions", "apps"], "daemonsets/status"),
            R(["update"], ["extensions", "apps"], "daemonsets/finalizers"),
            R(["list", "watch"], [""], "nodes"),
            R(["list", "watch", "create", "delete", "patch"], [""], "pods"),
            R(["create"], [""], "pods/binding"),
            R(["get", "list", "watch", "create", "delete", "update", "patch"], ["apps"], "controllerrevisions"),
            EventsRule(),
        ]);
        yield return Role(P + "deployment-controller", [
            R(["get", "list", "watch", "update"], ["extensions", "apps"], "deployments"),
            R(["update"], ["extensions", "apps"], "deployments/status"),
            R(["update"], ["extensions", "apps"], "deployments/finalizers"),
            R(["get", "list", "watch", "create", "update", "patch", "delete"], ["apps", "extensions"], "replicasets"),
            R(["get", "list", "watch", "update"], [""], "pods"),
            EventsRule(),
        ]);
        yield return Role(P + "disruption-controller", [
            R(getListWatch, ["extensions", "apps"], "deployments"),
            R(getListWatch, ["apps", "extensions"], "replicasets"),
            R(getListWatch, [""], "replicationcontrollers"),
            R(getListWatch, ["policy"], "poddisruptionbudgets"),
            R(getListWatch, ["apps"], "statefulsets"),
            R(["update"], ["policy"], "poddisruptionbudgets/status"),
            R(["patch", "update"], [""], "pods/status"),
            R(["get"], ["*"], "*/scale"),
            EventsRule(),
        ]);
        yield return Role(P + "endpoint-controller", [
            R(getListWatch, [""], "services", "pods"),
            R(["get", "list", "watch", "create", "update", "delete"], [""], "endpoints"),
            R(["create"], [""], "endpoints/restricted"),
            EventsRule(),
        ]);
        yield return Role(P + "endpointslice-controller", [
            R(getListWatch, [""], "services", "pods", "nodes"),
            R(["update"], [""], "services/finalizers"),
            R(["get", "list", "watch", "create", "update", "delete"], ["discovery.k8s.io"], "endpointslices"),
            EventsRule(),
        ]);
        yield return Role(P + "endpointslicemirroring-controller", [
            R(getListWatch, [""], "services", "endpoints"),
            R(["update"], [""], "services/finalizers"),
            R(["update"], [""], "endpoints/finalizers"),
            R(["get", "list", "watch", "create", "update", "delete"], ["discovery.k8s.io"], "endpointslices"),
            EventsRule(),
        ]);
        yield return Role(P + "generic-garbage-collector", [R(["get", "list", "watch", "patch", "update", "delete"], ["*"], "*"), EventsRule()]);
        yield return Role(P + "horizontal-pod-autoscaler", [
            R(getListWatch, ["autoscaling"], "horizontalpodautoscalers"),
            R(["update"], ["autoscaling"], "horizontalpodautoscalers/status"),
            R(["get", "update"], ["*"], "*/scale"),
            R(["list", "watch"], [""], "pods"),
            R(["list", "watch"], ["metrics.k8s.io"], "pods"),
            R(getListWatch, ["custom.metrics.k8s.io"], "*"),
            R(getListWatch, ["external.metrics.k8s.io"], "*"),
            EventsRule(),
        ]);
        yield return Role(P + "job-controller", [
            R(["get", "list", "watch", "update", "patch"], ["batch"], "jobs"),
            R(["update"], ["batch"], "jobs/status"),
            R(["update"], ["batch"], "jobs/finalizers"),
            R(["list", "watch", "create", "delete", "patch"], [""], "pods"),
            EventsRule(),
        ]);
        yield return Role(P + "namespace-controller", [
            R(["get", "list", "watch", "delete"], [""], "namespaces"),
            R(["update"], [""], "namespaces/finalize", "namespaces/status"),
            R(["get", "list", "watch", "delete", "deletecollection"], ["*"], "*"),
        ]);
        yield return Role(P + "persistent-volume-binder", [
            R(["get", "list", "watch", "update", "create", "delete"], [""], "persistentvolumes"),
            R(["update"], [""], "persistentvolumes/status"),
            R(["get", "list", "watch", "update"], [""], "persistentvolumeclaims"),
            R(["update"], [""], "persistentvolumeclaims/status"),
            R(["list", "watch", "get", "create", "delete"], [""], "pods"),
            R(getListWatch, ["storage.k8s.io"], "storageclasses"),
            R(["list", "watch"], [""], "nodes"),
            EventsRule(),
            R(["watch"], [""], "events"),
            R(["get"], [""], "services"),
        ]);
        yield return Role(P + "replicaset-controller", [
            R(["get", "list", "watch", "update"], ["apps", "extensions"], "replicasets"),
            R(["update"], ["apps", "extensions"], "replicasets/status"),
            R(["update"], ["apps", "extensions"], "replicasets/finalizers"),
            R(["list", "watch", "patch", "create", "delete"], [""], "pods"),
            EventsRule(),
        ]);
        yield return Role(P + "replication-controller", [
            R(["get", "list", "watch", "update"], [""], "replicationcontrollers"),
            R(["update"], [""], "replicationcontrollers/status"),
            R(["update"], [""], "replicationcontrollers/finalizers"),
            R(["list", "watch", "patch", "create", "delete"], [""], "pods"),
            EventsRule(),
        ]);
        yield return Role(P + "resourcequota-controller", [
            R(["list", "watch"], ["*"], "*"),
            R(["update"], [""], "resourcequotas/status"),
            EventsRule(),
        ]);
        yield return Role(P + "service-account-controller", [R(["create"], [""], "serviceaccounts"), EventsRule()]);
        yield return Role(P + "statefulset-controller", [
            R(["list", "watch"], [""], "pods"),
            R(getListWatch, ["apps"], "statefulsets"),
            R(["update"], ["apps"], "statefulsets/status"),
            R(["update"], ["apps"], "statefulsets/finalizers"),
            R(["get", "create", "delete", "update", "patch"], [""], "pods"),
            R(["get", "create", "delete", "update", "patch", "list", "watch"], ["apps"], "controllerrevisions"),
            R(["get", "create", "list", "watch"], [""], "persistentvolumeclaims"),
            R(["update", "delete"], [""], "persistentvolumeclaims"),
            R(["update"], [""], "pods/finalizers"),
            EventsRule(),
        ]);
        yield return Role(P + "pvc-protection-controller", [
            R(["get", "list", "watch", "update"], [""], "persistentvolumeclaims"),
            R(["list", "watch", "get"], [""], "pods"),
            EventsRule(),
        ]);
        yield return Role(P + "pv-protection-controller", [R(["get", "list", "watch", "update"], [""], "persistentvolumes"), EventsRule()]);
        yield return Role(P + "ttl-after-finished-controller", [R(["get", "list", "watch", "delete"], ["batch"], "jobs"), EventsRule()]);
        yield return Role(P + "root-ca-cert-publisher", [R(["create", "update"], [""], "configmaps"), EventsRule()]);
    }

    /// <summary>addControllerRole's binding: ClusterRole system:controller:&lt;name&gt; → ServiceAccount kube-system/&lt;name&gt;.</summary>
    private static IEnumerable<JsonObject> ControllerRoleBindings() =>
        ControllerNames.Select(name => Binding(ControllerRolePrefix + name, ControllerRolePrefix + name, Subject("ServiceAccount", name, "kube-system")));
}
