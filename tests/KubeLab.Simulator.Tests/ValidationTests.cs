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
        Assert.Equal("ReplicaSet \"mismatch\" is invalid: spec.template.metadata.labels: Invalid value: map[app:other]: `selector` does not match template `labels`",
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
        Assert.Equal("ReplicaSet \"neg\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", e.StatusBody()["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Missing_name_is_required()
    {
        var e = await Objects.Fails(() => f.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() }, "default"));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.Contains(("metadata.name", "FieldValueRequired", "Required value: name or generateName is required"), Causes(e.StatusBody()));
    }
}
