using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>422 Invalid responses with Kubernetes' field paths and wording.</summary>
public class ValidationTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static List<(string Field, string Reason, string Message)> Causes(JsonObject status)
        => status["details"]!["causes"]!.AsArray().Select(c => (c!["field"]!.GetValue<string>(), c["reason"]!.GetValue<string>(), c["message"]!.GetValue<string>())).ToList();

    [Fact]
    public async Task Pod_without_containers_is_invalid()
    {
        var pod = new V1Pod { Metadata = new() { Name = "empty" }, Spec = new() { Containers = [] } };
        var e = await Objects.Fails(() => f.Client.CoreV1.CreateNamespacedPodAsync(pod, "default"));
        Assert.Equal(422, (int)e.Response.StatusCode);
        var s = e.StatusBody();
        Assert.Equal("Invalid", s["reason"]!.GetValue<string>());
        Assert.Equal("Pod \"empty\" is invalid: spec.containers: Required value", s["message"]!.GetValue<string>());
        Assert.Equal([("spec.containers", "FieldValueRequired", "Required value")], Causes(s));
        Assert.Equal("Pod", s["details"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Container_without_image_is_invalid()
    {
        var pod = Objects.Pod("noimage", image: "");
        var e = await Objects.Fails(() => f.Client.CoreV1.CreateNamespacedPodAsync(pod, "default"));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.Contains(("spec.containers[0].image", "FieldValueRequired", "Required value"), Causes(e.StatusBody()));
    }

    [Fact]
    public async Task ReplicaSet_selector_must_match_template_labels()
    {
        var rs = CrudTests.ReplicaSet("mismatch");
        rs.Spec.Template.Metadata.Labels = new Dictionary<string, string> { ["app"] = "other" };
        var e = await Objects.Fails(() => f.Client.AppsV1.CreateNamespacedReplicaSetAsync(rs, "default"));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.Equal("ReplicaSet.apps \"mismatch\" is invalid: spec.template.metadata.labels: Invalid value: map[app:other]: `selector` does not match template `labels`",
            e.StatusBody()["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Apps_v1_requires_a_selector()
    {
        var rs = CrudTests.ReplicaSet("nosel");
        rs.Spec.Selector = null;
        var e = await Objects.Fails(() => f.Client.AppsV1.CreateNamespacedReplicaSetAsync(rs, "default"));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.Contains(("spec.selector", "FieldValueRequired", "Required value"), Causes(e.StatusBody()));
    }

    [Theory]
    [InlineData("Bad_Name")]
    [InlineData("-leading")]
    [InlineData("UPPER")]
    public async Task Object_names_must_be_DNS_1123_subdomains(string name)
    {
        var e = await Objects.Fails(() => f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap(name), "default"));
        Assert.Equal(422, (int)e.Response.StatusCode);
        var cause = Assert.Single(Causes(e.StatusBody()));
        Assert.Equal("metadata.name", cause.Field);
        Assert.StartsWith($"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain", cause.Message);
    }

    [Fact]
    public async Task Namespace_names_must_be_DNS_1123_labels()
    {
        var e = await Objects.Fails(() => f.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new() { Name = "has.dot" } }));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.Contains("a lowercase RFC 1123 label", e.StatusBody()["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Service_names_must_be_DNS_1035_labels()
    {
        var svc = new V1Service { Metadata = new() { Name = "1web" }, Spec = new() { Ports = [new() { Port = 80 }] } };
        var e = await Objects.Fails(() => f.Client.CoreV1.CreateNamespacedServiceAsync(svc, "default"));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.Contains("a DNS-1035 label must consist of lower case alphanumeric characters", e.StatusBody()["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Negative_replicas_are_invalid()
    {
        var rs = CrudTests.ReplicaSet("neg");
        rs.Spec.Replicas = -1;
        var e = await Objects.Fails(() => f.Client.AppsV1.CreateNamespacedReplicaSetAsync(rs, "default"));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.Equal("ReplicaSet.apps \"neg\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", e.StatusBody()["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Missing_name_is_required()
    {
        var e = await Objects.Fails(() => f.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() }, "default"));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.Contains(("metadata.name", "FieldValueRequired", "Required value: name or generateName is required"), Causes(e.StatusBody()));
    }

    private static string Deployment(string name, string strategy, string restartPolicy = "") =>
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\"}," +
        "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},\"strategy\":" + strategy + "," +
        "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},\"spec\":{" + restartPolicy +
        "\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.27\"}]}}}}";

    private async Task<string> RejectedMessageAsync(string path, string body)
    {
        var (status, answer) = await f.SendAsync(HttpMethod.Post, path, body);
        Assert.Equal(422, status);
        return answer!["message"]!.GetValue<string>();
    }

    // ValidateRollingUpdateDeployment: a rollout allowed neither to add nor to remove a pod could never progress.
    [Fact]
    public async Task Deployment_with_maxSurge_and_maxUnavailable_both_0_is_invalid()
    {
        var message = await RejectedMessageAsync("/apis/apps/v1/namespaces/default/deployments",
            Deployment("stuck", """{"type":"RollingUpdate","rollingUpdate":{"maxSurge":0,"maxUnavailable":"0%"}}"""));
        Assert.Equal("Deployment.apps \"stuck\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: " +
                     "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may not be 0 when `maxSurge` is 0", message);
    }

    [Fact]
    public async Task Recreate_strategy_with_a_rollingUpdate_block_is_forbidden()
    {
        var message = await RejectedMessageAsync("/apis/apps/v1/namespaces/default/deployments",
            Deployment("both", """{"type":"Recreate","rollingUpdate":{"maxSurge":1}}"""));
        Assert.Equal("Deployment.apps \"both\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'", message);
    }

    [Fact]
    public async Task Surge_and_unavailable_are_integers_or_percent_strings_and_unavailable_is_at_most_100_percent()
    {
        var message = await RejectedMessageAsync("/apis/apps/v1/namespaces/default/deployments",
            Deployment("odd", """{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"1","maxUnavailable":"150%"}}"""));
        Assert.Contains("spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"1\"}: " +
                        "a valid percent string must be a numeric string followed by an ending '%'", message);
        Assert.Contains("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%", message);
    }

    [Fact]
    public async Task Deployment_pods_must_use_restartPolicy_Always()
    {
        var message = await RejectedMessageAsync("/apis/apps/v1/namespaces/default/deployments",
            Deployment("oneshot", """{"type":"RollingUpdate"}""", restartPolicy: "\"restartPolicy\":\"Never\","));
        Assert.Equal("Deployment.apps \"oneshot\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"", message);
    }

    // A pod template defaults restartPolicy to Always, which a Job refuses: the classic first-Job mistake.
    [Fact]
    public async Task Job_without_restartPolicy_is_rejected_for_the_defaulted_Always()
    {
        var message = await RejectedMessageAsync("/apis/batch/v1/namespaces/default/jobs", """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"forgot"},
             "spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox:1.36","command":["true"]}]}}}}
            """);
        Assert.Equal("Job.batch \"forgot\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"", message);
    }
}
