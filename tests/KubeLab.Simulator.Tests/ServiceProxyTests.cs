using k8s;
using System.Text.Json.Nodes;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// The API server's service proxy (<c>/api/v1/namespaces/{ns}/services/{name}:{port}/proxy/{path}</c>) delivering requests to
/// resource-consumer pods, and the CPU that load then shows in metrics.k8s.io.
/// </summary>
public sealed class ServiceProxyTests(FastClockCluster fx) : IClassFixture<FastClockCluster>
{
    [Fact]
    public async Task ConsumeCpu_ThroughTheProxy_AnswersLikeTheImage()
    {
        var ns = await fx.NewNamespaceAsync("proxy");
        await fx.DeployConsumerAsync(ns, "rc", 1);
        await fx.ReadyPodsAsync(ns, "rc", 1);

        Assert.Equal((200, "ConsumeCPU\n100 millicores\n30 durationSec\n"), await fx.ProxyPostAsync(ns, "rc", "ConsumeCPU?millicores=100&durationSec=30"));
        Assert.Equal((400, "not given function argument\n"), await fx.ProxyPostAsync(ns, "rc", "ConsumeCPU?millicores=100"));
        Assert.Equal((404, "unknown function: /Nope\n"), await fx.ProxyPostAsync(ns, "rc", "Nope"));
        using var get = await fx.Http.GetAsync($"/api/v1/namespaces/{ns}/services/rc:8080/proxy/ConsumeCPU?millicores=1&durationSec=1");
        Assert.Equal(400, (int)get.StatusCode);
        Assert.Equal("Bad request. Not a POST request\n", await get.Content.ReadAsStringAsync());

        // Parameters in a form body work too (Go's ParseForm reads both).
        using var form = await fx.Http.PostAsync($"/api/v1/namespaces/{ns}/services/rc:8080/proxy/ConsumeCPU",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["millicores"] = "50", ["durationSec"] = "10" }));
        Assert.Equal("ConsumeCPU\n50 millicores\n10 durationSec\n", await form.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RandomPick_SpreadsRequestsOverReadyPods_AndMetricsShowTheLoad()
    {
        var ns = await fx.NewNamespaceAsync("rr");
        await fx.DeployConsumerAsync(ns, "rr", 2);
        var pods = await fx.ReadyPodsAsync(ns, "rr", 2);
        await ObservedState.Until(async () => (await fx.Client.CoreV1.ReadNamespacedEndpointsAsync("rr", ns)).Subsets?.Sum(s => s.Addresses?.Count ?? 0) ?? 0,
            n => n == 2, "both pods in the Endpoints of rr", 30);
        for (var i = 0; i < 4; i++)
            Assert.Equal(200, (await fx.ProxyPostAsync(ns, "rr", "ConsumeCPU?millicores=100&durationSec=600")).Status);

        // Each request goes to one pod picked at random (storage.go ResourceLocation): 400m in all on top of 2 × 2m idle,
        // once a whole scrape window has passed.
        // metrics-server writes whole millicores as "404m" and anything finer in nanocores ("381550395n", mid-window).
        static long Milli(JsonNode? item) => (long)Math.Round(new ResourceQuantity(item!["containers"]![0]!["usage"]!["cpu"]!.ToString()).ToDecimal() * 1000m);
        var list = await ObservedState.Until(() => fx.GetRawAsync($"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods"),
            l => l["items"]!.AsArray().Count == 2 && l["items"]!.AsArray().Sum(Milli) == 404,
            "404m over both pods", 30, l => l.ToJsonString());
        Assert.Equal(pods.Select(p => p.Metadata.Name).Order(), list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.ToString()).Order());
    }

    [Fact]
    public async Task ServiceWithoutReadyEndpoints_Is503_AndUnknownService404()
    {
        var ns = await fx.NewNamespaceAsync("noep");
        await fx.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "empty" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "nothing" }, Ports = [new V1ServicePort { Port = 8080 }] },
        }, ns);
        await ObservedState.Until(async () => (await fx.Client.CoreV1.ListNamespacedEndpointsAsync(ns)).Items.Count, n => n == 1, "the Endpoints of empty", 30);
        var (status, body) = await fx.ProxyPostAsync(ns, "empty", "ConsumeCPU?millicores=1&durationSec=1", waitForEndpoints: false);
        Assert.Equal(503, status);
        Assert.Equal("no endpoints available for service \"empty\"", JsonNode.Parse(body)!["message"]!.ToString());

        using var wrongPort = await fx.Http.PostAsync($"/api/v1/namespaces/{ns}/services/empty:9999/proxy/x", null);
        Assert.Equal(503, (int)wrongPort.StatusCode);
        Assert.Equal("no service port 9999 found for service \"empty\"", JsonNode.Parse(await wrongPort.Content.ReadAsStringAsync())!["message"]!.ToString());

        var (missing, missingBody) = await fx.ProxyPostAsync(ns, "ghost", "x");
        Assert.Equal(404, missing);
        Assert.Equal("services \"ghost\" not found", JsonNode.Parse(missingBody)!["message"]!.ToString());
    }

    [Fact]
    public async Task PodsThatServeNothingThere_RefuseTheConnection()
    {
        var ns = await fx.NewNamespaceAsync("refused");
        await fx.DeployConsumerAsync(ns, "plain", 1, image: "nginx:1.27");
        var pod = (await fx.ReadyPodsAsync(ns, "plain", 1))[0];
        var (status, body) = await fx.ProxyPostAsync(ns, "plain", "ConsumeCPU?millicores=1&durationSec=1");
        Assert.Equal(503, status);
        Assert.Equal($"error trying to reach service: dial tcp {pod.Status.PodIP}:8080: connect: connection refused", JsonNode.Parse(body)!["message"]!.ToString());
    }
}
