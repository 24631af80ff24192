using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Authorization;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Admission;

/// <summary>
/// The NodeRestriction admission plugin (plugin/pkg/admission/noderestriction/admission.go, 1.32), on in kind: what the Node
/// authorizer lets every kubelet do, narrowed to the kubelet's own objects. A node may write only its own Node (not its taints,
/// nor labels under kubernetes.io / k8s.io other than the kubelet's own, nor node-restriction.kubernetes.io ones); only the
/// status of pods bound to it; delete only pods bound to it; create only mirror pods bound to it that reference nothing; request
/// ServiceAccount tokens only bound to a pod on it; create only its own node Lease. Events and everything else pass. Requests
/// from users that are not nodes (and the API server's own writes, which have no request user) are not looked at.
/// Not modelled: the node UID check on a mirror pod's owner, pod evictions, PVC status, CSINodes, ResourceSlices.
/// </summary>
public static class NodeRestriction
{
    private const string MirrorAnnotation = "kubernetes.io/config.mirror";

    // pkg/kubelet/apis/well_known_labels.go: labels a kubelet may set on its Node although they are kubernetes.io ones.
    private static readonly HashSet<string> KubeletLabels =
    [
        "kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region",
        "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type",
        "kubernetes.io/os", "kubernetes.io/arch", "beta.kubernetes.io/os", "beta.kubernetes.io/arch",
    ];
    private static readonly string[] KubeletLabelNamespaces = ["kubelet.kubernetes.io", "node.kubernetes.io"];

    /// <summary>The node the current request comes from, or null when it is not a node's (nothing to check).</summary>
    private static string? CurrentNode(ResourceType t, string name)
    {
        var user = RequestUser.Current;
        var (node, isNode) = NodeIdentity.Of(user);
        if (!isNode) return null;
        if (node.Length == 0) throw Forbidden(t, name, $"could not determine node from user \"{user!.Name}\"");
        return node;
    }

    /// <summary>admission.NewForbidden: <c>pods "x" is forbidden: …</c>.</summary>
    private static ApiError Forbidden(ResourceType t, string name, string why) => ForbiddenResponse.NewForbidden(t.Group, t.Plural, name, why);

    private static bool Watched(ResourceType t) => (t.Group, t.Kind) is ("", "Pod" or "Node") or ("coordination.k8s.io", "Lease");

    public static void AdmitCreate(ResourceType t, JsonObject obj)
    {
        if (!Watched(t) || CurrentNode(t, obj.Name()) is not { } node) return;
        switch (t.Kind)
        {
            case "Pod": AdmitMirrorPod(t, obj, node); break;
            case "Node":
                AdmitNodeName(t, obj.Name(), node);
                if (ForbiddenLabels(obj.Labels(), new Dictionary<string, string>()) is { Count: > 0 } labels)
                    throw Forbidden(t, obj.Name(), $"node \"{node}\" is not allowed to set the following labels: {string.Join(", ", labels)}");
                break;
            case "Lease":
                if (obj.Name() != node) throw Forbidden(t, obj.Name(), "can only access node lease with the same name as the requesting node");
                break;
        }
    }

    /// <summary>An update (PUT or PATCH) of the main resource or of its status (<paramref name="subresource"/>).</summary>
    public static void AdmitUpdate(ResourceType t, string? subresource, JsonObject current, JsonObject next)
    {
        if (!Watched(t) || CurrentNode(t, current.Name()) is not { } node) return;
        switch (t.Kind)
        {
            case "Pod" when subresource == "status":
                if (current.Path("spec.nodeName")?.ToString() != node)
                    throw Forbidden(t, current.Name(), $"node \"{node}\" can only update pod status for pods with spec.nodeName set to itself");
                if (!SameLabels(current.Labels(), next.Labels()))
                    throw Forbidden(t, current.Name(), $"node \"{node}\" cannot update labels through pod status");
                break;
            case "Pod":
                throw Forbidden(t, current.Name(), $"unexpected operation \"UPDATE\", node \"{node}\" can only create and delete mirror pods");
            case "Node":
                AdmitNodeName(t, current.Name(), node);
                if (!JsonNode.DeepEquals(Taints(current), Taints(next)))
                    throw Forbidden(t, current.Name(), $"node \"{node}\" is not allowed to modify taints");
                // Upstream's text starts without the node's name here.
                if (ForbiddenLabels(next.Labels(), current.Labels()) is { Count: > 0 } labels)
                    throw Forbidden(t, current.Name(), $"is not allowed to modify labels: {string.Join(", ", labels)}");
                break;
        }
    }

    public static void AdmitDelete(ResourceType t, JsonObject current)
    {
        if (!Watched(t) || CurrentNode(t, current.Name()) is not { } node) return;
        if (t.Kind == "Pod" && current.Path("spec.nodeName")?.ToString() != node)
            throw Forbidden(t, current.Name(), $"node \"{node}\" can only delete pods with spec.nodeName set to itself");
        if (t.Kind == "Node") AdmitNodeName(t, current.Name(), node);
    }

    /// <summary>admitServiceAccount: a node's TokenRequest must be bound to a pod (by uid) that runs on the node.</summary>
    public static void AdmitTokenRequest(ObjectStore store, string ns, string serviceAccount, JsonObject request)
    {
        var accounts = ResourceRegistry.ForKind("ServiceAccount");
        if (CurrentNode(accounts, serviceAccount) is not { } node) return;
        var bound = request.Path("spec.boundObjectRef") as JsonObject;
        if (bound is null || bound.Str("apiVersion") != "v1" || bound.Str("kind") != "Pod" || string.IsNullOrEmpty(bound.Str("name")))
            throw Forbidden(accounts, serviceAccount, "node requested token not bound to a pod");
        var uid = bound.Str("uid");
        if (string.IsNullOrEmpty(uid)) throw Forbidden(accounts, serviceAccount, "node requested token with a pod binding without a uid");
        var pods = ResourceRegistry.ForKind("Pod");
        var pod = store.GetReadOnly(pods, ns, bound.Str("name")!) ?? throw ApiError.NotFound(pods, bound.Str("name")!);
        if (pod.Uid() != uid)
            throw Forbidden(accounts, serviceAccount, $"the UID in the bound object reference ({uid}) does not match the UID in record. The object might have been deleted and then recreated");
        if (pod.Path("spec.nodeName")?.ToString() != node)
            throw Forbidden(accounts, serviceAccount, "node requested token bound to a pod scheduled on a different node");
    }

    private static void AdmitNodeName(ResourceType t, string name, string node)
    {
        if (name != node) throw Forbidden(t, name, $"node \"{node}\" is not allowed to modify node \"{name}\"");
    }

    /// <summary>admitPodCreate: a node creates only mirror pods of its static pods, owned by its Node and referencing nothing.</summary>
    private static void AdmitMirrorPod(ResourceType t, JsonObject pod, string node)
    {
        var name = pod.Name();
        if (pod.Meta()["annotations"] is not JsonObject a || !a.ContainsKey(MirrorAnnotation))
            throw Forbidden(t, name, $"pod does not have \"{MirrorAnnotation}\" annotation, node \"{node}\" can only create mirror pods");
        if (pod.Path("spec.nodeName")?.ToString() != node)
            throw Forbidden(t, name, $"node \"{node}\" can only create pods with spec.nodeName set to itself");
        var owners = pod.OwnerReferences().ToList();
        if (owners.Count > 1) throw Forbidden(t, name, $"node \"{node}\" can only create pods with a single owner reference set to itself");
        if (owners.Count == 0 || owners[0].Str("apiVersion") != "v1" || owners[0].Str("kind") != "Node" || owners[0].Str("name") != node)
            throw Forbidden(t, name, $"node \"{node}\" can only create pods with an owner reference set to itself");
        if (owners[0]["controller"]?.GetValue<bool>() != true)
            throw Forbidden(t, name, $"node \"{node}\" can only create pods with a controller owner reference set to itself");
        if (owners[0]["blockOwnerDeletion"]?.GetValue<bool>() == true)
            throw Forbidden(t, name, $"node \"{node}\" must not set blockOwnerDeletion on an owner reference");
        if (!string.IsNullOrEmpty(pod.Path("spec.serviceAccountName")?.ToString()))
            throw Forbidden(t, name, $"node \"{node}\" can not create pods that reference a service account");
        var refs = NodeGraph.References(pod);
        foreach (var (kind, word) in new[] { (NodeGraph.Kind.Secret, "secrets"), (NodeGraph.Kind.ConfigMap, "configmaps"), (NodeGraph.Kind.PersistentVolumeClaim, "persistentvolumeclaims") })
            if (refs.Any(r => r.Item1 == kind)) throw Forbidden(t, name, $"node \"{node}\" can not create pods that reference {word}");
    }

    private static JsonNode? Taints(JsonObject node) => node.Path("spec.taints") is JsonArray { Count: > 0 } taints ? taints : null;

    private static bool SameLabels(Dictionary<string, string> a, Dictionary<string, string> b)
        => a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>getModifiedLabels + getForbiddenLabels: labels added, removed or changed that a kubelet may not touch, sorted.</summary>
    internal static List<string> ForbiddenLabels(Dictionary<string, string> labels, Dictionary<string, string> old)
    {
        var modified = labels.Keys.Where(k => !old.TryGetValue(k, out var v) || v != labels[k]).Concat(old.Keys.Where(k => !labels.ContainsKey(k)));
        return modified.Where(k =>
        {
            var ns = LabelNamespace(k);
            if (ns == "node-restriction.kubernetes.io" || ns.EndsWith(".node-restriction.kubernetes.io", StringComparison.Ordinal)) return true;
            return IsKubernetesLabel(ns) && !IsKubeletLabel(k, ns);
        }).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static string LabelNamespace(string key) => key.IndexOf('/') is var i and >= 0 ? key[..i] : "";

    private static bool IsKubernetesLabel(string ns) =>
        ns is "kubernetes.io" or "k8s.io" || ns.EndsWith(".kubernetes.io", StringComparison.Ordinal) || ns.EndsWith(".k8s.io", StringComparison.Ordinal);

    private static bool IsKubeletLabel(string key, string ns) =>
        KubeletLabels.Contains(key) || KubeletLabelNamespaces.Any(a => ns == a || ns.EndsWith("." + a, StringComparison.Ordinal));
}
