using System.Runtime.CompilerServices;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// The Node authorizer of <c>--authorization-mode=Node,RBAC</c> (plugin/pkg/auth/authorizer/node/node_authorizer.go at 1.32, with
/// AuthorizeNodeWithSelectors on): it has an opinion only about kubelets (<see cref="NodeIdentity"/>). Secrets, ConfigMaps, PVCs,
/// PVs, pods and ServiceAccount tokens are allowed only when the <see cref="NodeGraph"/> links them to the node; pods may be listed
/// and watched only with <c>spec.nodeName=&lt;node&gt;</c>, Nodes read only by the node's own name; node leases only by that name;
/// everything else is checked against <see cref="NodeRules"/>. A denial is "no opinion" with upstream's reason, so RBAC still
/// decides (kind binds nothing to system:nodes, so the reason ends up in the 403).
/// </summary>
public sealed class NodeAuthorizer : IAuthorizer
{
    private const string NodeLeaseNamespace = "kube-node-lease";
    private static readonly ConditionalWeakTable<ObjectStore, NodeAuthorizer> PerStore = new();

    private readonly NodeGraph graph;

    private NodeAuthorizer(NodeGraph graph) => this.graph = graph;

    /// <summary>The Node authorizer of the API server holding <paramref name="store"/>.</summary>
    public static NodeAuthorizer For(ObjectStore store) => PerStore.GetValue(store, s => new NodeAuthorizer(NodeGraph.For(s)));

    public AuthorizationDecision Authorize(AuthorizationAttributes a)
    {
        var (node, isNode) = NodeIdentity.Of(a.User);
        if (!isNode) return NoOpinion();
        if (node.Length == 0) return NoOpinion($"unknown node for user \"{a.User.Name}\"");
        if (a.IsResourceRequest)
        {
            switch (a.ApiGroup, a.Resource)
            {
                case ("", "secrets"): return ReadNamespacedObject(node, NodeGraph.Kind.Secret, a);
                case ("", "configmaps"): return ReadNamespacedObject(node, NodeGraph.Kind.ConfigMap, a);
                case ("", "persistentvolumeclaims"):
                    return a.Subresource == "status" ? StatusUpdate(node, a) : Get(node, a, () => graph.Reaches(node, NodeGraph.Kind.PersistentVolumeClaim, a.Namespace, a.Name));
                case ("", "persistentvolumes"): return Get(node, a, () => graph.ReachesVolume(node, a.Name));
                case ("", "serviceaccounts"): return CreateToken(node, a);
                case ("coordination.k8s.io", "leases"): return Lease(node, a);
                case ("", "nodes"): return Node(node, a);
                case ("", "pods"): return Pod(node, a);
            }
        }
        foreach (var rule in NodeRules.All)
            if (rule.Allows(a)) return AuthorizationDecision.Allow();
        return NoOpinion();
    }

    private static AuthorizationDecision NoOpinion(string reason = "") => AuthorizationDecision.Deny(reason);

    private static AuthorizationDecision NoRelationship(string node) => NoOpinion($"no relationship found between node '{node}' and this object");

    private AuthorizationDecision Related(string node, AuthorizationAttributes a, Func<bool> reaches)
    {
        if (a.Name.Length == 0) return NoOpinion("No Object name found");
        return reaches() ? AuthorizationDecision.Allow() : NoRelationship(node);
    }

    /// <summary>authorizeReadNamespacedObject: get, or list/watch narrowed to one name by metadata.name.</summary>
    private AuthorizationDecision ReadNamespacedObject(string node, NodeGraph.Kind kind, AuthorizationAttributes a)
    {
        if (a.Verb is not ("get" or "list" or "watch")) return NoOpinion("can only read resources of this type");
        if (a.Subresource.Length > 0) return NoOpinion("cannot read subresource");
        if (a.Namespace.Length == 0) return NoOpinion("can only read namespaced object of this type");
        return Related(node, a, () => graph.Reaches(node, kind, a.Namespace, a.Name));
    }

    /// <summary>authorizeGet.</summary>
    private AuthorizationDecision Get(string node, AuthorizationAttributes a, Func<bool> reaches)
    {
        if (a.Verb != "get") return NoOpinion("can only get individual resources of this type");
        if (a.Subresource.Length > 0) return NoOpinion("cannot get subresource");
        return Related(node, a, reaches);
    }

    /// <summary>authorizeStatusUpdate (a claim's status, for volume expansion on the node).</summary>
    private AuthorizationDecision StatusUpdate(string node, AuthorizationAttributes a)
    {
        if (a.Verb is not ("update" or "patch")) return NoOpinion("can only get/update/patch this type");
        return Related(node, a, () => graph.Reaches(node, NodeGraph.Kind.PersistentVolumeClaim, a.Namespace, a.Name));
    }

    /// <summary>authorizeCreateToken: TokenRequests for a ServiceAccount one of the node's pods runs as.</summary>
    private AuthorizationDecision CreateToken(string node, AuthorizationAttributes a)
    {
        if (a.Verb != "create" || a.Name.Length == 0) return NoOpinion("can only create tokens for individual service accounts");
        if (a.Subresource != "token") return NoOpinion("can only create token subresource of serviceaccount");
        return graph.Reaches(node, NodeGraph.Kind.ServiceAccount, a.Namespace, a.Name) ? AuthorizationDecision.Allow() : NoRelationship(node);
    }

    /// <summary>authorizeLease: the node's own lease in kube-node-lease (the name on create is NodeRestriction's to check).</summary>
    private static AuthorizationDecision Lease(string node, AuthorizationAttributes a)
    {
        if (a.Verb is not ("get" or "create" or "update" or "patch" or "delete"))
            return NoOpinion("can only get, create, update, patch, or delete a node lease");
        if (a.Namespace != NodeLeaseNamespace) return NoOpinion($"can only access leases in the \"{NodeLeaseNamespace}\" system namespace");
        if (a.Verb != "create" && a.Name != node) return NoOpinion("can only access node lease with the same name as the requesting node");
        return AuthorizationDecision.Allow();
    }

    /// <summary>authorizeNode: writes are NodeRestriction's to narrow; reads only of the node's own object.</summary>
    private static AuthorizationDecision Node(string node, AuthorizationAttributes a)
    {
        switch (a.Subresource, a.Verb)
        {
            case ("", "create" or "update" or "patch"):
            case ("status", "update" or "patch"):
                return AuthorizationDecision.Allow();
            case ("", "get" or "list" or "watch"):
                if (a.Name == node) return AuthorizationDecision.Allow();
                return NoOpinion(a.Name.Length == 0
                    ? $"node '{node}' cannot read all nodes, only its own Node object"
                    : $"node '{node}' cannot read '{a.Name}', only its own Node object");
            default:
                return NoOpinion();
        }
    }

    /// <summary>authorizePod: get of a pod bound to the node, list/watch with the node's spec.nodeName selector.</summary>
    private AuthorizationDecision Pod(string node, AuthorizationAttributes a)
    {
        switch (a.Subresource, a.Verb)
        {
            case ("", "get"):
                return Get(node, a, () => graph.Reaches(node, NodeGraph.Kind.Pod, a.Namespace, a.Name));
            case ("", "list" or "watch"):
                if (SelectsField(a.FieldSelector, "spec.nodeName", node)) return AuthorizationDecision.Allow();
                if (a.Name.Length > 0) return Related(node, a, () => graph.Reaches(node, NodeGraph.Kind.Pod, a.Namespace, a.Name));
                return NoOpinion("can only list/watch pods with spec.nodeName field selector");
            case ("", "create" or "delete"):
            case ("status", "update" or "patch"):
            case ("eviction", "create"):
                return AuthorizationDecision.Allow();
            default:
                return NoOpinion();
        }
    }

    /// <summary>Whether a raw field selector holds the requirement <c>field=value</c> (or <c>==</c>).</summary>
    internal static bool SelectsField(string selector, string field, string value)
    {
        foreach (var term in selector.Split(','))
        {
            var t = term.Trim();
            if (!t.StartsWith(field, StringComparison.Ordinal)) continue;
            var rest = t[field.Length..];
            if (rest.StartsWith("==", StringComparison.Ordinal)) rest = rest[2..];
            else if (rest.StartsWith('=')) rest = rest[1..];
            else continue;
            if (rest.Trim() == value) return true;
        }
        return false;
    }
}
