using k8s;
using k8s.Models;
using static KubeLab.Simulator.Tests.Api.Admission.AdmissionObjects;

namespace KubeLab.Simulator.Tests.Api.Admission;

/// <summary>LimitRanger: defaults filled in at admission, min/max refusals in the plugin's words.</summary>
public class LimitRangerTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private IKubernetes Client => f.Client;

    private async Task<string> NamespaceWithLimitsAsync()
    {
        var ns = await f.NewNamespaceAsync("limits");
        var item = new V1LimitRangeItem
        {
            Type = "Container",
            DefaultProperty = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["memory"] = new("256Mi") },
            DefaultRequest = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") },
            Max = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") },
            Min = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("50m") },
        };
        await Client.CoreV1.CreateNamespacedLimitRangeAsync(new V1LimitRange { Metadata = new() { Name = "defaults" }, Spec = new() { Limits = [item] } }, ns);
        return ns;
    }

    [Fact]
    public async Task A_container_without_resources_gets_the_defaults_and_the_annotation()
    {
        var ns = await NamespaceWithLimitsAsync();
        var pod = await Client.CoreV1.CreateNamespacedPodAsync(PodWith("plain"), ns);
        var resources = pod.Spec.Containers[0].Resources;
        Assert.Equal("500m", resources.Limits["cpu"].ToString());
        Assert.Equal("256Mi", resources.Limits["memory"].ToString());
        Assert.Equal("100m", resources.Requests["cpu"].ToString());
        // defaultRequest for memory was left out: SetDefaults_LimitRangeItem fills it from default.
        Assert.Equal("256Mi", resources.Requests["memory"].ToString());
        Assert.Equal("LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app", pod.Metadata.Annotations["kubernetes.io/limit-ranger"]);
        Assert.Equal("Burstable", pod.Status.QosClass);
    }

    [Fact]
    public async Task A_limit_above_max_and_a_request_below_min_are_refused()
    {
        var ns = await NamespaceWithLimitsAsync();
        var e = await Objects.Fails(() => Client.CoreV1.CreateNamespacedPodAsync(PodWith("big", limits: Cpu("2")), ns));
        Assert.Equal(403, (int)e.Response.StatusCode);
        Assert.Equal("pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2", e.StatusBody()["message"]!.ToString());
        var small = await Objects.Fails(() => Client.CoreV1.CreateNamespacedPodAsync(PodWith("small", Cpu("10m")), ns));
        Assert.Equal("pods \"small\" is forbidden: minimum cpu usage per Container is 50m, but request is 10m", small.StatusBody()["message"]!.ToString());
    }

    [Fact]
    public async Task A_max_alone_becomes_the_default_limit_and_request()
    {
        var ns = await f.NewNamespaceAsync("limits");
        var item = new V1LimitRangeItem { Type = "Container", Max = new Dictionary<string, ResourceQuantity> { ["memory"] = new("512Mi") } };
        var created = await Client.CoreV1.CreateNamespacedLimitRangeAsync(new V1LimitRange { Metadata = new() { Name = "max" }, Spec = new() { Limits = [item] } }, ns);
        Assert.Equal("512Mi", created.Spec.Limits[0].DefaultProperty["memory"].ToString());
        Assert.Equal("512Mi", created.Spec.Limits[0].DefaultRequest["memory"].ToString());
    }
}
