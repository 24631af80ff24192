using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>A resource-consumer asked for 1.5 CPU under limits.cpu 1: metrics.k8s.io reports the CFS quota, not the demand.</summary>
public sealed class CpuThrottlingEndToEndTests(FastClockCluster fx) : IClassFixture<FastClockCluster>
{
    [Fact]
    public async Task UsageAboveTheCpuLimit_IsThrottledToTheLimit()
    {
        var ns = await fx.NewNamespaceAsync("throttle");
        var labels = new Dictionary<string, string> { ["app"] = "hot" };
        await fx.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "hot", Labels = labels },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container
                {
                    Name = "consumer", Image = "registry.k8s.io/e2e-test-images/resource-consumer:1.13", Ports = [new V1ContainerPort { ContainerPort = 8080 }],
                    Resources = new V1ResourceRequirements
                    {
                        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m") },
                        Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") },
                    },
                }],
            },
        }, ns);
        await fx.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "hot" },
            Spec = new V1ServiceSpec { Selector = labels, Ports = [new V1ServicePort { Port = 8080, TargetPort = 8080 }] },
        }, ns);
        await fx.ReadyPodsAsync(ns, "hot", 1);

        for (var i = 0; i < 15; i++) Assert.Equal(200, (await fx.ProxyPostAsync(ns, "hot", "ConsumeCPU?millicores=100&durationSec=120")).Status);

        // A whole window under load: exactly the limit (the idle 2m are inside the quota too), never the 1.5 CPU asked.
        static decimal Cpu(System.Text.Json.Nodes.JsonNode list) => list["items"]!.AsArray() is { Count: 1 } items
            ? new ResourceQuantity(items[0]!["containers"]![0]!["usage"]!["cpu"]!.ToString()).ToDecimal() : 0m;
        var metrics = await ObservedState.Until(() => fx.GetRawAsync($"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods"),
            m => Cpu(m) >= 0.999m, "a whole window under load", 30, m => m.ToJsonString());
        Assert.Equal(1m, Cpu(metrics));
        var top = await fx.KubectlOkAsync("top", "pod", "hot", "-n", ns);
        Assert.Matches(@"hot\s+1000m\s+", top.Lines[1]);
    }
}
