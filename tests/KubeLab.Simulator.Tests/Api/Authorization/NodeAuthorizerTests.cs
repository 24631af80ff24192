using System.Text.Json.Nodes;
using static KubeLab.Simulator.Tests.Api.Authorization.NodeClients;

namespace KubeLab.Simulator.Tests.Api.Authorization;

/// <summary>
/// kind's Node,RBAC (plugin/pkg/auth/authorizer/node): a kubelet reads only what pods bound to its node reference, lists pods
/// only with its spec.nodeName selector, and the kubelets themselves run under it.
/// </summary>
public sealed class NodeAuthorizerTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static string Denied(string node, string verb, string resource, string ns, string name) =>
        $"{resource} \"{name}\" is forbidden: User \"system:node:{node}\" cannot {verb} resource \"{resource}\" in API group \"\" in the namespace \"{ns}\": no relationship found between node '{node}' and this object";

    private async Task<string> NamespaceWithSecretsAsync()
    {
        var ns = await f.NewNamespaceAsync();
        foreach (var name in new[] { "mounted", "other" })
            Assert.Equal(201, (await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/secrets", $$$"""{"metadata":{"name":"{{{name}}}"},"stringData":{"k":"v"}}""")).Status);
        await CreateBoundPodAsync(f, ns, "app", Worker, ""","volumes":[{"name":"s","secret":{"secretName":"mounted"}}]""");
        return ns;
    }

    [Fact]
    public async Task A_node_reads_the_secret_its_pod_mounts_and_not_another_one_nor_another_nodes()
    {
        var ns = await NamespaceWithSecretsAsync();
        using var worker = For(f, Worker);
        using var worker2 = For(f, Worker2);

        var (ok, secret) = await worker.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/mounted");
        Assert.True(ok == 200, secret?.ToJsonString());

        var (code, status) = await worker.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/other");
        Assert.Equal(403, code);
        Assert.Equal(Denied(Worker, "get", "secrets", ns, "other"), status!["message"]!.ToString());

        var (code2, status2) = await worker2.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/mounted");
        Assert.Equal(403, code2);
        Assert.Equal(Denied(Worker2, "get", "secrets", ns, "mounted"), status2!["message"]!.ToString());

        // Listing all secrets of the namespace has no single object to relate.
        var (list, listStatus) = await worker.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets");
        Assert.Equal(403, list);
        Assert.EndsWith(": No Object name found", listStatus!["message"]!.ToString());
    }

    [Fact]
    public async Task The_relationship_ends_when_the_pod_is_deleted()
    {
        var ns = await NamespaceWithSecretsAsync();
        using var worker = For(f, Worker);
        Assert.Equal(200, (await worker.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/mounted")).Status);
        Assert.Equal(200, (await f.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/pods/app?gracePeriodSeconds=0")).Status);
        for (var i = 0; i < 100 && (await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods/app")).Status != 404; i++) await Task.Delay(100);
        Assert.Equal(403, (await worker.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/mounted")).Status);
    }

    [Fact]
    public async Task A_node_lists_pods_only_with_its_own_spec_nodeName_selector()
    {
        using var worker = For(f, Worker);
        var (ok, list) = await worker.SendAsync(HttpMethod.Get, $"/api/v1/pods?fieldSelector=spec.nodeName%3D{Worker}");
        Assert.True(ok == 200, list?.ToJsonString());

        var (all, allStatus) = await worker.SendAsync(HttpMethod.Get, "/api/v1/pods");
        Assert.Equal(403, all);
        Assert.Equal($"pods is forbidden: User \"system:node:{Worker}\" cannot list resource \"pods\" in API group \"\" at the cluster scope: can only list/watch pods with spec.nodeName field selector",
            allStatus!["message"]!.ToString());

        Assert.Equal(403, (await worker.SendAsync(HttpMethod.Get, $"/api/v1/pods?fieldSelector=spec.nodeName%3D{Worker2}")).Status);
        Assert.Equal(403, (await worker.SendAsync(HttpMethod.Get, $"/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3D{Worker2}")).Status);
    }

    [Fact]
    public async Task A_node_reads_its_own_Node_and_no_other()
    {
        using var worker = For(f, Worker);
        Assert.Equal(200, (await worker.SendAsync(HttpMethod.Get, $"/api/v1/nodes/{Worker}")).Status);
        Assert.Equal(200, (await worker.SendAsync(HttpMethod.Get, $"/api/v1/nodes?fieldSelector=metadata.name%3D{Worker}")).Status);
        var (other, status) = await worker.SendAsync(HttpMethod.Get, $"/api/v1/nodes/{Worker2}");
        Assert.Equal(403, other);
        Assert.EndsWith($": node '{Worker}' cannot read '{Worker2}', only its own Node object", status!["message"]!.ToString());
        var (all, allStatus) = await worker.SendAsync(HttpMethod.Get, "/api/v1/nodes");
        Assert.Equal(403, all);
        Assert.EndsWith($": node '{Worker}' cannot read all nodes, only its own Node object", allStatus!["message"]!.ToString());
    }

    [Fact]
    public async Task Pods_with_configmap_and_secret_volumes_env_and_projected_tokens_run_under_the_node_authorizer()
    {
        var ns = await f.NewNamespaceAsync();
        Assert.Equal(201, (await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"cfg"},"data":{"a":"1"}}""")).Status);
        Assert.Equal(201, (await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/secrets", """{"metadata":{"name":"pw"},"stringData":{"p":"x"}}""")).Status);
        // Scheduled by the scheduler (no nodeName): the kubelet learns of it through its own filtered watch.
        var (created, pod) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods", """
            {"metadata":{"name":"web"},"spec":{
              "volumes":[{"name":"cfg","configMap":{"name":"cfg"}},{"name":"pw","secret":{"secretName":"pw"}},
                         {"name":"tok","projected":{"sources":[{"serviceAccountToken":{"path":"t","audience":"vault"}}]}}],
              "containers":[{"name":"c","image":"busybox:1.36","command":["sleep","3600"],
                "env":[{"name":"A","valueFrom":{"configMapKeyRef":{"name":"cfg","key":"a"}}},{"name":"P","valueFrom":{"secretKeyRef":{"name":"pw","key":"p"}}}],
                "volumeMounts":[{"name":"cfg","mountPath":"/cfg"},{"name":"pw","mountPath":"/pw"},{"name":"tok","mountPath":"/tok"}]}]}}
            """);
        Assert.True(created == 201, pod?.ToJsonString());
        JsonObject? current = null;
        for (var i = 0; i < 600; i++)
        {
            (_, current) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods/web");
            if (current?["status"]?["phase"]?.ToString() == "Running") break;
            await Task.Delay(100);
        }
        Assert.True(current?["status"]?["phase"]?.ToString() == "Running", current?["status"]?.ToJsonString());
        // The fixture appends --kubeconfig last, where sh -c takes it as $0.
        var exec = await f.KubectlAsync("exec", "-n", ns, "web", "--kubeconfig=" + f.KubeconfigPath, "--", "sh", "-c", "cat /cfg/a /pw/p; echo; echo $A$P; test -s /tok/t && echo token");
        Assert.True(exec.ExitCode == 0, exec.ToString());
        Assert.Equal(["1x", "1x", "token"], exec.Lines);
    }

    [Fact]
    public async Task SubjectAccessReview_and_kubectl_auth_can_i_answer_for_a_node_as_on_kind()
    {
        var ns = await NamespaceWithSecretsAsync();
        var node = "system:node:" + Worker;
        var mounted = await ReviewAsync(node, "get", "secrets", ns, "mounted");
        Assert.True(mounted["allowed"]!.GetValue<bool>(), mounted.ToJsonString());
        var other = await ReviewAsync(node, "get", "secrets", ns, "other");
        Assert.False(other["allowed"]!.GetValue<bool>());
        Assert.Equal($"no relationship found between node '{Worker}' and this object", other["reason"]!.ToString());
        // Without the group the user is no node: RBAC alone answers (and grants nothing).
        var noGroup = await ReviewAsync(node, "get", "secrets", ns, "mounted", groups: []);
        Assert.False(noGroup["allowed"]!.GetValue<bool>());

        var yes = await f.KubectlAsync("auth", "can-i", "get", "secrets/mounted", "-n", ns, $"--as={node}", "--as-group=system:nodes");
        Assert.Equal("yes", yes.Stdout.Trim());
        var no = await f.KubectlAsync("auth", "can-i", "get", "secrets/other", "-n", ns, $"--as={node}", "--as-group=system:nodes");
        Assert.Equal($"no - no relationship found between node '{Worker}' and this object", no.Stdout.Trim());
        var events = await f.KubectlAsync("auth", "can-i", "create", "events", "-n", ns, $"--as={node}", "--as-group=system:nodes");
        Assert.Equal("yes", events.Stdout.Trim());
    }

    [Fact]
    public async Task A_nodes_rules_review_is_incomplete_because_relationships_decide()
    {
        using var worker = For(f, Worker);
        var (code, review) = await worker.SendAsync(HttpMethod.Post, "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"default"}}""");
        Assert.True(code == 201, review?.ToJsonString());
        Assert.True(review!["status"]!["incomplete"]!.GetValue<bool>());
        Assert.Equal("node authorizer does not support user rule resolution", review["status"]!["evaluationError"]!.ToString());
    }

    private async Task<JsonObject> ReviewAsync(string user, string verb, string resource, string ns, string name, string[]? groups = null)
    {
        var review = new JsonObject
        {
            ["apiVersion"] = "authorization.k8s.io/v1", ["kind"] = "SubjectAccessReview",
            ["spec"] = new JsonObject
            {
                ["user"] = user, ["groups"] = new JsonArray((groups ?? ["system:nodes", "system:authenticated"]).Select(g => (JsonNode?)g).ToArray()),
                ["resourceAttributes"] = new JsonObject { ["verb"] = verb, ["resource"] = resource, ["namespace"] = ns, ["name"] = name },
            },
        };
        var (status, body) = await f.SendAsync(HttpMethod.Post, "/apis/authorization.k8s.io/v1/subjectaccessreviews", review.ToJsonString());
        Assert.True(status == 201, body?.ToJsonString());
        return (JsonObject)body!["status"]!;
    }
}
