using KubeLab.Simulator.Tests.Api.Authorization;
using static KubeLab.Simulator.Tests.Api.Authorization.NodeClients;

namespace KubeLab.Simulator.Tests.Api.Admission;

/// <summary>plugin/pkg/admission/noderestriction (1.32): a kubelet writes only its own Node and the pods bound to it.</summary>
public sealed class NodeRestrictionTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_node_patches_its_own_status_but_not_another_nodes()
    {
        using var worker = For(f, Worker);
        const string patch = """{"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"kubelet is posting ready status"}]}}""";
        var (own, ownBody) = await worker.SendAsync(HttpMethod.Patch, $"/api/v1/nodes/{Worker}/status", patch, "application/strategic-merge-patch+json");
        Assert.True(own == 200, ownBody?.ToJsonString());
        var (code, status) = await worker.SendAsync(HttpMethod.Patch, $"/api/v1/nodes/{Worker2}/status", patch, "application/strategic-merge-patch+json");
        Assert.Equal(403, code);
        Assert.Equal($"nodes \"{Worker2}\" is forbidden: node \"{Worker}\" is not allowed to modify node \"{Worker2}\"", status!["message"]!.ToString());
    }

    [Fact]
    public async Task A_node_may_not_change_its_taints_nor_kubernetes_io_labels_outside_the_kubelets_own()
    {
        using var worker = For(f, Worker);
        var (taint, taintStatus) = await worker.SendAsync(HttpMethod.Patch, $"/api/v1/nodes/{Worker}",
            """{"spec":{"taints":[{"key":"dedicated","value":"me","effect":"NoSchedule"}]}}""");
        Assert.Equal(403, taint);
        Assert.Equal($"nodes \"{Worker}\" is forbidden: node \"{Worker}\" is not allowed to modify taints", taintStatus!["message"]!.ToString());

        var (role, roleStatus) = await worker.SendAsync(HttpMethod.Patch, $"/api/v1/nodes/{Worker}",
            """{"metadata":{"labels":{"node-role.kubernetes.io/control-plane":"","node-restriction.kubernetes.io/pool":"a"}}}""");
        Assert.Equal(403, role);
        Assert.Equal($"nodes \"{Worker}\" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pool, node-role.kubernetes.io/control-plane",
            roleStatus!["message"]!.ToString());

        // A label of its own prefix (node.kubernetes.io) or outside kubernetes.io is the kubelet's to set.
        var (ok, okBody) = await worker.SendAsync(HttpMethod.Patch, $"/api/v1/nodes/{Worker}",
            """{"metadata":{"labels":{"node.kubernetes.io/instance-type":"sim","example.com/team":"a"}}}""");
        Assert.True(ok == 200, okBody?.ToJsonString());
        Assert.Equal(200, (await worker.SendAsync(HttpMethod.Patch, $"/api/v1/nodes/{Worker}",
            """{"metadata":{"labels":{"node.kubernetes.io/instance-type":null,"example.com/team":null}}}""")).Status);
    }

    [Fact]
    public async Task A_node_writes_status_of_and_deletes_only_pods_bound_to_it()
    {
        var ns = await f.NewNamespaceAsync();
        await CreateBoundPodAsync(f, ns, "theirs", Worker2);
        await CreateBoundPodAsync(f, ns, "mine", Worker);
        using var worker = For(f, Worker);

        var (code, status) = await worker.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/pods/theirs/status", """{"status":{"message":"hi"}}""");
        Assert.Equal(403, code);
        Assert.Equal($"pods \"theirs\" is forbidden: node \"{Worker}\" can only update pod status for pods with spec.nodeName set to itself", status!["message"]!.ToString());
        var (own, ownBody) = await worker.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/pods/mine/status", """{"status":{"message":"hi"}}""");
        Assert.True(own == 200, ownBody?.ToJsonString());

        var (del, delStatus) = await worker.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/pods/theirs");
        Assert.Equal(403, del);
        Assert.Equal($"pods \"theirs\" is forbidden: node \"{Worker}\" can only delete pods with spec.nodeName set to itself", delStatus!["message"]!.ToString());
    }

    [Fact]
    public async Task A_node_creates_only_mirror_pods()
    {
        var ns = await f.NewNamespaceAsync();
        using var worker = For(f, Worker);
        var (code, status) = await worker.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods",
            $$$"""{"metadata":{"name":"x"},"spec":{"nodeName":"{{{Worker}}}","containers":[{"name":"c","image":"busybox:1.36"}]}}""");
        Assert.Equal(403, code);
        Assert.Equal($"pods \"x\" is forbidden: pod does not have \"kubernetes.io/config.mirror\" annotation, node \"{Worker}\" can only create mirror pods",
            status!["message"]!.ToString());
    }

    [Fact]
    public async Task A_node_requests_tokens_only_for_pods_bound_to_it()
    {
        var ns = await f.NewNamespaceAsync();
        await CreateBoundPodAsync(f, ns, "mine", Worker);
        var theirs = await CreateBoundPodAsync(f, ns, "theirs", Worker2);
        using var worker = For(f, Worker);
        // The Node authorizer lets it through (a pod on the node runs as "default"); NodeRestriction looks at the bound pod.
        var (code, status) = await worker.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/serviceaccounts/default/token",
            """{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"boundObjectRef":{"apiVersion":"v1","kind":"Pod","name":"theirs","uid":""" + "\"" + theirs["metadata"]!["uid"] + "\"}}}");
        Assert.Equal(403, code);
        Assert.Equal("serviceaccounts \"default\" is forbidden: node requested token bound to a pod scheduled on a different node", status!["message"]!.ToString());

        var (unbound, unboundStatus) = await worker.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/serviceaccounts/default/token",
            """{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}}""");
        Assert.Equal(403, unbound);
        Assert.Equal("serviceaccounts \"default\" is forbidden: node requested token not bound to a pod", unboundStatus!["message"]!.ToString());
    }
}
