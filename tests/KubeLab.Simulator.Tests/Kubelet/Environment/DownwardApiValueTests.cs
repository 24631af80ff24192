using k8s.Models;
using KubeLab.Simulator.Kubelet.Environment;

namespace KubeLab.Simulator.Tests.Kubelet.Environment;

public class DownwardApiValueTests
{
    private static V1Pod Pod() => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "web", NamespaceProperty = "shop", Uid = "1234",
            Labels = new Dictionary<string, string> { ["tier"] = "front", ["app"] = "web" },
            Annotations = new Dictionary<string, string> { ["note"] = "say \"hi\"\nbye" },
        },
        Spec = new V1PodSpec { NodeName = "k8s-course-worker", ServiceAccountName = "builder", Containers = [] },
    };

    [Fact]
    public void Labels_are_sorted_quoted_lines_without_a_trailing_newline() =>
        Assert.Equal("app=\"web\"\ntier=\"front\"", PodFieldPath.Metadata(Pod(), "metadata.labels"));

    [Fact]
    public void Annotation_values_are_quoted_like_go() =>
        Assert.Equal("note=\"say \\\"hi\\\"\\nbye\"", PodFieldPath.Metadata(Pod(), "metadata.annotations"));

    [Theory]
    [InlineData("metadata.name", "web")]
    [InlineData("metadata.namespace", "shop")]
    [InlineData("metadata.uid", "1234")]
    [InlineData("metadata.labels['tier']", "front")]
    [InlineData("metadata.labels['missing']", "")]
    [InlineData("spec.nodeName", "k8s-course-worker")]
    [InlineData("spec.serviceAccountName", "builder")]
    [InlineData("status.podIP", "10.244.1.5")]
    [InlineData("status.podIPs", "10.244.1.5,fd00::5")]
    [InlineData("status.hostIP", "172.18.0.3")]
    public void Env_field_refs(string path, string expected) =>
        Assert.Equal(expected, PodFieldPath.ForEnv(Pod(), path, ["10.244.1.5", "fd00::5"], ["172.18.0.3"]));

    [Fact]
    public void Volumes_do_not_support_spec_fields() =>
        Assert.Equal("unsupported fieldPath: spec.nodeName",
            Assert.Throws<InvalidOperationException>(() => PodFieldPath.Metadata(Pod(), "spec.nodeName")).Message);

    [Theory]
    [InlineData("limits.cpu", null, "1")] // 250m rounds up to 1 core
    [InlineData("limits.cpu", "1m", "250")]
    [InlineData("requests.cpu", "1m", "100")]
    [InlineData("limits.memory", null, "134217728")]
    [InlineData("limits.memory", "1Mi", "128")]
    [InlineData("requests.memory", "1Mi", "0")]
    public void Resource_fields_divide_and_round_up(string resource, string? divisor, string expected)
    {
        var c = new V1Container
        {
            Name = "app",
            Resources = new V1ResourceRequirements
            {
                Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m"), ["memory"] = new("128Mi") },
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") },
            },
        };
        Assert.Equal(expected, ResourceFieldValue.Of(c, resource, divisor is null ? null : new ResourceQuantity(divisor), null));
    }

    [Fact]
    public void A_missing_limit_is_the_nodes_allocatable()
    {
        var allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("8"), ["memory"] = new("16Gi") };
        var c = new V1Container { Name = "app" };
        Assert.Equal("8", ResourceFieldValue.Of(c, "limits.cpu", null, allocatable));
        Assert.Equal("16384", ResourceFieldValue.Of(c, "limits.memory", new ResourceQuantity("1Mi"), allocatable));
    }
}
