using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Authentication;
using KubeLab.Simulator.Api.Authorization;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Tests.Api.Authorization;

/// <summary>The Node authorizer's decisions on a bare store (node_authorizer.go, graph_populator.go): the graph follows the pods.</summary>
public class NodeAuthorizerDecisionTests
{
    private static readonly ResourceType Pods = ResourceRegistry.ForKind("Pod");
    private static readonly ResourceType Volumes = ResourceRegistry.ForKind("PersistentVolume");
    private static readonly UserInfo Worker = new("system:node:w1", ["system:nodes", "system:authenticated"]);

    private static JsonObject Pod(string name, string? node, JsonObject spec)
    {
        spec["containers"] = JsonNode.Parse("""[{"name":"c","image":"busybox:1.36","envFrom":[{"configMapRef":{"name":"env-cm"}}]}]""");
        if (node is not null) spec["nodeName"] = node;
        return new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "ns" }, ["spec"] = spec };
    }

    private static AuthorizationDecision Ask(NodeAuthorizer a, string verb, string resource, string name, string ns = "ns", UserInfo? user = null, string subresource = "")
        => a.Authorize(new AuthorizationAttributes(user ?? Worker, verb, true, "", "", "v1", resource, subresource, ns, name));

    [Fact]
    public void Claims_volumes_and_env_config_maps_are_reachable_only_while_a_bound_pod_uses_them()
    {
        var store = new ObjectStore();
        var authorizer = NodeAuthorizer.For(store);
        // Unscheduled: not in the graph yet.
        store.Create(Pods, Pod("db", null, JsonNode.Parse("""{"volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data"}},{"name":"scratch","ephemeral":{}}]}""")!.AsObject()));
        Assert.False(Ask(authorizer, "get", "persistentvolumeclaims", "data").Allowed);

        var bound = store.Get(Pods, "ns", "db")!;
        bound["spec"]!["nodeName"] = "w1";
        store.Update(Pods, bound, null);
        store.Create(Volumes, JsonNode.Parse("""{"metadata":{"name":"pv-1"},"spec":{"claimRef":{"namespace":"ns","name":"data"}}}""")!.AsObject());
        Assert.True(Ask(authorizer, "get", "persistentvolumeclaims", "data").Allowed);
        Assert.True(Ask(authorizer, "get", "persistentvolumeclaims", "db-scratch").Allowed);
        Assert.True(Ask(authorizer, "get", "persistentvolumes", "pv-1", ns: "").Allowed);
        Assert.True(Ask(authorizer, "get", "configmaps", "env-cm").Allowed);
        Assert.True(Ask(authorizer, "get", "pods", "db").Allowed);
        // Claims may only be read one by one.
        Assert.Equal("can only get individual resources of this type", Ask(authorizer, "list", "persistentvolumeclaims", "").Reason);

        store.Delete(Pods, "ns", "db");
        Assert.Equal("no relationship found between node 'w1' and this object", Ask(authorizer, "get", "persistentvolumeclaims", "data").Reason);
        Assert.False(Ask(authorizer, "get", "persistentvolumes", "pv-1", ns: "").Allowed);
    }

    [Fact]
    public void A_graph_made_after_the_pods_exist_knows_them()
    {
        var store = new ObjectStore();
        store.Create(Pods, Pod("web", "w1", JsonNode.Parse("""{"serviceAccountName":"web","volumes":[{"name":"p","projected":{"sources":[{"secret":{"name":"tls"}}]}}]}""")!.AsObject()));
        var authorizer = NodeAuthorizer.For(store);
        Assert.True(Ask(authorizer, "get", "secrets", "tls").Allowed);
        Assert.True(Ask(authorizer, "create", "serviceaccounts", "web", subresource: "token").Allowed);
        Assert.Equal("can only create token subresource of serviceaccount", Ask(authorizer, "create", "serviceaccounts", "web").Reason);
        // Another node, or a user that is not a node, gets nothing from this authorizer.
        Assert.False(Ask(authorizer, "get", "secrets", "tls", user: new UserInfo("system:node:w2", ["system:nodes"])).Allowed);
        var notANode = Ask(authorizer, "get", "secrets", "tls", user: new UserInfo("system:node:w1", ["system:authenticated"]));
        Assert.False(notANode.Allowed);
        Assert.Equal("", notANode.Reason);
        Assert.Equal("unknown node for user \"system:node:\"", Ask(authorizer, "get", "secrets", "tls", user: new UserInfo("system:node:", ["system:nodes"])).Reason);
    }

    [Fact]
    public void Leases_and_the_static_node_rules()
    {
        var authorizer = NodeAuthorizer.For(new ObjectStore());
        AuthorizationDecision Lease(string verb, string ns, string name) => authorizer.Authorize(
            new AuthorizationAttributes(Worker, verb, true, "", "coordination.k8s.io", "v1", "leases", "", ns, name));
        Assert.True(Lease("update", "kube-node-lease", "w1").Allowed);
        Assert.Equal("can only access node lease with the same name as the requesting node", Lease("update", "kube-node-lease", "w2").Reason);
        Assert.Equal("can only access leases in the \"kube-node-lease\" system namespace", Lease("get", "default", "w1").Reason);
        Assert.True(Ask(authorizer, "list", "services", "").Allowed);
        Assert.True(Ask(authorizer, "create", "events", "").Allowed);
        Assert.False(Ask(authorizer, "create", "deployments", "").Allowed);
    }
}
