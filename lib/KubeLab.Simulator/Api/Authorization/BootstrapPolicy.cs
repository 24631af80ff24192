using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// kube-apiserver's default roles and bindings at 1.32 (plugin/pkg/auth/authorizer/rbac/bootstrappolicy policy.go,
/// controller_policy.go; their testdata/cluster-roles.yaml etc.), the subset that matters for the course, plus kubeadm's
/// <c>kubeadm:cluster-admins</c> binding (cmd/kubeadm/app/phases/kubeconfig). Every object carries
/// <c>kubernetes.io/bootstrapping: rbac-defaults</c> and <c>rbac.authorization.kubernetes.io/autoupdate: "true"</c>.
/// admin, edit and view have only an aggregationRule: their rules come from the aggregation (<see cref="ClusterRoleAggregation"/>).
/// </summary>
public static partial class BootstrapPolicy
{
    private const string Rbac = RbacPolicy.Group;
    private static readonly string[] ReadVerbs = ["get", "list", "watch"];
    private static readonly string[] WriteVerbs = ["create", "delete", "deletecollection", "patch", "update"];
    private static readonly string[] AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    /// <summary>A resource rule (verbs and resources sorted, as rbacv1helpers' PolicyRuleBuilder leaves them).</summary>
    private static JsonObject R(string[] verbs, string[] groups, params string[] resources) => new()
    {
        ["verbs"] = Arr(verbs.Order(StringComparer.Ordinal)), ["apiGroups"] = Arr(groups), ["resources"] = Arr(resources.Order(StringComparer.Ordinal)),
    };

    private static JsonObject Named(string[] verbs, string[] groups, string[] resources, params string[] names)
    {
        var r = R(verbs, groups, resources);
        r["resourceNames"] = Arr(names);
        return r;
    }

    private static JsonObject Urls(string[] verbs, params string[] urls) => new() { ["verbs"] = Arr(verbs), ["nonResourceURLs"] = Arr(urls.Order(StringComparer.Ordinal)) };

    private static JsonArray Arr(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    private static JsonObject EventsRule() => R(["create", "update", "patch"], ["", "events.k8s.io"], "events");

    private static JsonObject Meta(string name, params (string Key, string Value)[] extraLabels)
    {
        var labels = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        foreach (var (k, v) in extraLabels) labels[k] = v;
        return new JsonObject { ["name"] = name, ["labels"] = labels, ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" } };
    }

    private static JsonObject Role(string name, JsonObject[] rules, params (string, string)[] labels)
        => new() { ["metadata"] = Meta(name, labels), ["rules"] = new JsonArray(rules.Select(r => (JsonNode?)r).ToArray()) };

    private static JsonObject Aggregated(string name, string aggregateFrom, params (string, string)[] labels) => new()
    {
        ["metadata"] = Meta(name, labels),
        ["aggregationRule"] = new JsonObject
        {
            ["clusterRoleSelectors"] = new JsonArray(new JsonObject { ["matchLabels"] = new JsonObject { [$"rbac.authorization.k8s.io/aggregate-to-{aggregateFrom}"] = "true" } }),
        },
    };

    /// <summary>The default ClusterRoles.</summary>
    public static IEnumerable<JsonObject> ClusterRoles()
    {
        yield return Role("cluster-admin", [R(["*"], ["*"], "*"), Urls(["*"], "*")]);
        yield return Aggregated("admin", "admin");
        yield return Aggregated("edit", "edit", ("rbac.authorization.k8s.io/aggregate-to-admin", "true"));
        yield return Aggregated("view", "view", ("rbac.authorization.k8s.io/aggregate-to-edit", "true"));
        yield return Role("system:aggregate-to-admin", [
            R(["create"], ["authorization.k8s.io"], "localsubjectaccessreviews"),
            R(AllVerbs, [Rbac], "rolebindings", "roles"),
        ], ("rbac.authorization.k8s.io/aggregate-to-admin", "true"));
        yield return Role("system:aggregate-to-edit", [
            R(ReadVerbs, [""], "pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"),
            R(["impersonate"], [""], "serviceaccounts"),
            R(WriteVerbs, [""], "pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"),
            R(["create"], [""], "pods/eviction"),
            R(WriteVerbs, [""], "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/proxy",
                "persistentvolumeclaims", "configmaps", "secrets", "events"),
            R(["create"], [""], "serviceaccounts/token"),
            R(WriteVerbs, ["apps"], "statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale", "deployments/rollback",
                "replicasets", "replicasets/scale"),
            R(WriteVerbs, ["autoscaling"], "horizontalpodautoscalers"),
            R(WriteVerbs, ["batch"], "jobs", "cronjobs"),
            R(WriteVerbs, ["extensions"], "daemonsets", "deployments", "deployments/scale", "deployments/rollback", "ingresses", "replicasets",
                "replicasets/scale", "replicationcontrollers/scale", "networkpolicies"),
            R(WriteVerbs, ["policy"], "poddisruptionbudgets"),
            R(WriteVerbs, ["networking.k8s.io"], "ingresses", "networkpolicies"),
            R(AllVerbs, ["coordination.k8s.io"], "leases"),
        ], ("rbac.authorization.k8s.io/aggregate-to-edit", "true"));
        yield return Role("system:aggregate-to-view", [
            R(ReadVerbs, [""], "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status",
                "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"),
            R(ReadVerbs, [""], "limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status", "namespaces/status",
                "replicationcontrollers/status", "pods/log"),
            R(ReadVerbs, [""], "namespaces"),
            R(ReadVerbs, ["discovery.k8s.io"], "endpointslices"),
            R(ReadVerbs, ["apps"], "controllerrevisions", "statefulsets", "statefulsets/status", "statefulsets/scale", "daemonsets", "daemonsets/status",
                "deployments", "deployments/status", "deployments/scale", "replicasets", "replicasets/status", "replicasets/scale"),
            R(ReadVerbs, ["autoscaling"], "horizontalpodautoscalers", "horizontalpodautoscalers/status"),
            R(ReadVerbs, ["batch"], "jobs", "cronjobs", "cronjobs/status", "jobs/status"),
            R(ReadVerbs, ["extensions"], "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses",
                "ingresses/status", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale", "networkpolicies"),
            R(ReadVerbs, ["policy"], "poddisruptionbudgets", "poddisruptionbudgets/status"),
            R(ReadVerbs, ["networking.k8s.io"], "ingresses", "ingresses/status", "networkpolicies"),
        ], ("rbac.authorization.k8s.io/aggregate-to-view", "true"));
        yield return Role("system:basic-user", [
            R(["create"], ["authorization.k8s.io"], "selfsubjectaccessreviews", "selfsubjectrulesreviews"),
            R(["create"], ["authentication.k8s.io"], "selfsubjectreviews"),
        ]);
        yield return Role("system:discovery", [Urls(["get"], "/livez", "/readyz", "/healthz", "/version", "/version/", "/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*")]);
        yield return Role("system:public-info-viewer", [Urls(["get"], "/livez", "/readyz", "/healthz", "/version", "/version/")]);
        yield return Role("system:monitoring", [Urls(["get"], "/metrics", "/metrics/slis", "/livez", "/readyz", "/healthz", "/livez/*", "/readyz/*", "/healthz/*")]);
        yield return Role("system:auth-delegator", [
            R(["create"], ["authentication.k8s.io"], "tokenreviews"),
            R(["create"], ["authorization.k8s.io"], "subjectaccessreviews"),
        ]);
        yield return Role("system:kube-scheduler", [
            EventsRule(),
            R(["create"], ["coordination.k8s.io"], "leases"),
            Named(["get", "update"], ["coordination.k8s.io"], ["leases"], "kube-scheduler"),
            R(ReadVerbs, [""], "nodes"),
            R(["get", "list", "watch", "delete"], [""], "pods"),
            R(["create"], [""], "pods/binding", "bindings"),
            R(["patch", "update"], [""], "pods/status"),
            R(ReadVerbs, [""], "replicationcontrollers", "services"),
            R(ReadVerbs, ["apps", "extensions"], "replicasets"),
            R(ReadVerbs, ["apps"], "statefulsets"),
            R(ReadVerbs, ["policy"], "poddisruptionbudgets"),
            R(ReadVerbs, [""], "persistentvolumeclaims", "persistentvolumes"),
            R(["create"], ["authentication.k8s.io"], "tokenreviews"),
            R(["create"], ["authorization.k8s.io"], "subjectaccessreviews"),
            R(ReadVerbs, ["storage.k8s.io"], "csinodes"),
            R(ReadVerbs, [""], "namespaces"),
            R(ReadVerbs, ["storage.k8s.io"], "csidrivers"),
            R(ReadVerbs, ["storage.k8s.io"], "csistoragecapacities"),
        ]);
        yield return Role("system:kube-controller-manager", [
            EventsRule(),
            R(["create"], ["coordination.k8s.io"], "leases"),
            Named(["get", "update"], ["coordination.k8s.io"], ["leases"], "kube-controller-manager"),
            R(["create"], [""], "secrets", "serviceaccounts"),
            R(["delete"], [""], "secrets"),
            R(["get"], [""], "namespaces", "secrets", "serviceaccounts", "configmaps"),
            R(["update"], [""], "secrets", "serviceaccounts"),
            R(["create"], ["authentication.k8s.io"], "tokenreviews"),
            R(["create"], ["authorization.k8s.io"], "subjectaccessreviews"),
            R(["list", "watch"], ["*"], "*"),
            R(["create"], [""], "serviceaccounts/token"),
        ]);
        yield return Role("system:volume-scheduler", [
            R(["get", "list", "patch", "update", "watch"], [""], "persistentvolumes"),
            R(ReadVerbs, ["storage.k8s.io"], "storageclasses"),
            R(["get", "list", "patch", "update", "watch"], [""], "persistentvolumeclaims"),
        ]);
        yield return Role("system:node-proxier", [
            R(["list", "watch"], [""], "services", "endpoints"),
            R(ReadVerbs, [""], "nodes"),
            EventsRule(),
            R(["list", "watch"], ["discovery.k8s.io"], "endpointslices"),
        ]);
        yield return Role("system:kube-dns", [R(["list", "watch"], [""], "endpoints", "services")]);
        yield return Role("system:service-account-issuer-discovery", [Urls(["get"], "/.well-known/openid-configuration", "/openid/v1/jwks")]);
        foreach (var c in ControllerRoles()) yield return c;
    }

    private static JsonObject Subject(string kind, string name, string? ns = null) => kind == "ServiceAccount"
        ? new JsonObject { ["kind"] = kind, ["name"] = name, ["namespace"] = ns }
        : new JsonObject { ["apiGroup"] = Rbac, ["kind"] = kind, ["name"] = name };

    private static JsonObject Binding(string name, string role, params JsonObject[] subjects)
    {
        var b = new JsonObject
        {
            ["metadata"] = Meta(name),
            ["roleRef"] = new JsonObject { ["apiGroup"] = Rbac, ["kind"] = "ClusterRole", ["name"] = role },
        };
        if (subjects.Length > 0) b["subjects"] = new JsonArray(subjects.Select(s => (JsonNode?)s).ToArray());
        return b;
    }

    /// <summary>The default ClusterRoleBindings (and kubeadm's).</summary>
    public static IEnumerable<JsonObject> ClusterRoleBindings()
    {
        yield return Binding("cluster-admin", "cluster-admin", Subject("Group", "system:masters"));
        yield return Binding("system:basic-user", "system:basic-user", Subject("Group", "system:authenticated"));
        yield return Binding("system:discovery", "system:discovery", Subject("Group", "system:authenticated"));
        yield return Binding("system:public-info-viewer", "system:public-info-viewer", Subject("Group", "system:authenticated"), Subject("Group", "system:unauthenticated"));
        yield return Binding("system:monitoring", "system:monitoring", Subject("Group", "system:monitoring"));
        yield return Binding("system:kube-controller-manager", "system:kube-controller-manager", Subject("User", "system:kube-controller-manager"));
        yield return Binding("system:kube-scheduler", "system:kube-scheduler", Subject("User", "system:kube-scheduler"));
        yield return Binding("system:volume-scheduler", "system:volume-scheduler", Subject("User", "system:kube-scheduler"));
        yield return Binding("system:node-proxier", "system:node-proxier", Subject("User", "system:kube-proxy"));
        yield return Binding("system:kube-dns", "system:kube-dns", Subject("ServiceAccount", "kube-dns", "kube-system"));
        yield return Binding("system:service-account-issuer-discovery", "system:service-account-issuer-discovery", Subject("Group", "system:serviceaccounts"));
        foreach (var b in ControllerRoleBindings()) yield return b;
        // kubeadm (init phase kubeconfig): the admin.conf certificate's organisation, bound to cluster-admin; no bootstrapping labels.
        var kubeadm = Binding("kubeadm:cluster-admins", "cluster-admin", Subject("Group", "kubeadm:cluster-admins"));
        kubeadm["metadata"] = new JsonObject { ["name"] = "kubeadm:cluster-admins" };
        yield return kubeadm;
    }

    /// <summary>Seeds the default policy into a fresh cluster and runs the aggregation once, as a started API server has it.</summary>
    public static void Apply(RestStorage storage)
    {
        var clusterRoles = ResourceRegistry.Find(Rbac, "v1", "clusterroles")!;
        var clusterRoleBindings = ResourceRegistry.Find(Rbac, "v1", "clusterrolebindings")!;
        foreach (var r in ClusterRoles()) storage.Create(clusterRoles, null, r);
        foreach (var b in ClusterRoleBindings()) storage.Create(clusterRoleBindings, null, b);
        ClusterRoleAggregation.SyncAll(storage);
    }
}
