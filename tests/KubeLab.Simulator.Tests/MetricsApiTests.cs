using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>A cluster on a 20× clock, so metrics-server's 15 s scrapes and the HPA's windows pass quickly.</summary>
public sealed class FastClockCluster : ClusterFixture
{
    public const double Speed = 20;
    protected override SimulatorOptions Options => new() { ClockSpeed = Speed };

    public DateTimeOffset Now => Cluster.Clock.GetUtcNow();

    /// <summary>A resource-consumer Deployment (requests.cpu as given, port 8080) and a Service in front of it.</summary>
    public async Task DeployConsumerAsync(string ns, string name, int replicas, string? cpuRequest = "200m", string image = "registry.k8s.io/e2e-test-images/resource-consumer:1.13")
    {
        var labels = new Dictionary<string, string> { ["app"] = name };
        await Client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        Containers = [new V1Container
                        {
                            Name = "consumer", Image = image, Ports = [new V1ContainerPort { ContainerPort = 8080 }],
                            Resources = cpuRequest is null ? null : new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuRequest) } },
                        }],
                    },
                },
            },
        }, ns);
        await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1ServiceSpec { Selector = labels, Ports = [new V1ServicePort { Port = 8080, TargetPort = 8080 }] },
        }, ns);
    }

    public async Task<List<V1Pod>> ReadyPodsAsync(string ns, string app, int count) =>
        await ObservedState.Until(async () => (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"app={app}")).Items
                .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true).ToList(),
            pods => pods.Count == count, $"{count} ready pods of {app}", 30, pods => string.Join(",", pods.Select(p => p.Metadata.Name)));

    public async Task<JsonObject> GetRawAsync(string path)
    {
        using var resp = await Http.GetAsync(path);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.IsSuccessStatusCode, $"GET {path}: {(int)resp.StatusCode} {text}");
        return (JsonObject)JsonNode.Parse(text)!;
    }

    /// <summary>POSTs through the API server's service proxy, like a notebook does.</summary>
    public async Task<(int Status, string Body)> ProxyPostAsync(string ns, string service, string pathAndQuery, bool waitForEndpoints = true)
    {
        // The proxy reads the Service's Endpoints object, which the endpoints controller writes a moment after a pod turns
        // ready (or the Service appears): until then it answers 503 "no endpoints available" (404 for no Endpoints at all).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var resp = await Http.PostAsync($"/api/v1/namespaces/{ns}/services/{service}:8080/proxy/{pathAndQuery}", null);
            var body = await resp.Content.ReadAsStringAsync();
            var noEndpointsYet = body.Contains("no endpoints available", StringComparison.Ordinal) || body.Contains("endpoints \\\"", StringComparison.Ordinal);
            if (!waitForEndpoints || !noEndpointsYet || DateTime.UtcNow > deadline) return ((int)resp.StatusCode, body);
            await Task.Delay(50);
        }
    }
}

/// <summary>metrics.k8s.io/v1beta1 as metrics-server serves it: shapes, discovery, selectors, errors, kubectl top.</summary>
public sealed class MetricsApiTests(FastClockCluster fx) : IClassFixture<FastClockCluster>
{
    private async Task<JsonObject> PodMetricsWhenPresentAsync(string ns, int count) =>
        await ObservedState.Until(() => fx.GetRawAsync($"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods"),
            list => (list["items"] as JsonArray)?.Count == count, $"{count} PodMetrics in {ns}", 30, l => l.ToJsonString());

    [Fact]
    public async Task Discovery_ListsTheMetricsGroup_ReadOnly()
    {
        var groups = await fx.GetRawAsync("/apis");
        Assert.Contains(groups["groups"]!.AsArray(), g => g!["name"]!.ToString() == "metrics.k8s.io");
        var resources = await fx.GetRawAsync("/apis/metrics.k8s.io/v1beta1");
        var pods = resources["resources"]!.AsArray().Single(r => r!["name"]!.ToString() == "pods")!;
        Assert.Equal("PodMetrics", pods["kind"]!.ToString());
        Assert.Equal(["get", "list"], pods["verbs"]!.AsArray().Select(v => v!.ToString()));
        var nodes = resources["resources"]!.AsArray().Single(r => r!["name"]!.ToString() == "nodes")!;
        Assert.False(nodes["namespaced"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PodMetrics_HaveTheMetricsServerShape_AndAppearAfterTwoScrapes()
    {
        var ns = await fx.NewNamespaceAsync("pm");
        await fx.DeployConsumerAsync(ns, "idle", 2);
        var ready = await fx.ReadyPodsAsync(ns, "idle", 2);
        var readyAt = fx.Now;

        var list = await PodMetricsWhenPresentAsync(ns, 2);
        // A container needs two scrapes (15 s apart) before it has a rate.
        Assert.True(fx.Now - readyAt >= TimeSpan.FromSeconds(10), $"metrics appeared after only {fx.Now - readyAt}");
        Assert.Equal("PodMetricsList", list["kind"]!.ToString());
        Assert.Equal("metrics.k8s.io/v1beta1", list["apiVersion"]!.ToString());
        var item = list["items"]![0]!.AsObject();
        Assert.Equal("PodMetrics", item["kind"]!.ToString());
        Assert.Contains(item["metadata"]!["name"]!.ToString(), ready.Select(p => p.Metadata.Name));
        Assert.Equal("idle", item["metadata"]!["labels"]!["app"]!.ToString());
        Assert.Equal("15s", item["window"]!.ToString());
        var timestamp = DateTimeOffset.Parse(item["timestamp"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, timestamp.Second % 15); // scrapes are 15 s apart
        var container = item["containers"]![0]!;
        Assert.Equal("consumer", container["name"]!.ToString());
        Assert.Equal("2m", container["usage"]!["cpu"]!.ToString());
        Assert.Equal("8Mi", container["usage"]!["memory"]!.ToString());

        // GET one by name; the same through KubernetesClient's generic API.
        var one = await fx.GetRawAsync($"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods/{ready[0].Metadata.Name}");
        Assert.Equal(ready[0].Metadata.Name, one["metadata"]!["name"]!.ToString());
        var viaClient = await fx.Client.CustomObjects.ListNamespacedCustomObjectAsync("metrics.k8s.io", "v1beta1", ns, "pods", labelSelector: "app=idle");
        Assert.Equal(2, JsonNode.Parse(KubernetesJson.Serialize(viaClient))!["items"]!.AsArray().Count);
        var none = await fx.Client.CustomObjects.ListNamespacedCustomObjectAsync("metrics.k8s.io", "v1beta1", ns, "pods", labelSelector: "app=other");
        Assert.Empty(JsonNode.Parse(KubernetesJson.Serialize(none))!["items"]!.AsArray());
    }

    [Fact]
    public async Task NodeMetrics_SumThePodsOnTheNode_PlusSystemOverhead()
    {
        var list = await fx.GetRawAsync("/apis/metrics.k8s.io/v1beta1/nodes");
        Assert.Equal("NodeMetricsList", list["kind"]!.ToString());
        var nodes = await fx.Client.CoreV1.ListNodeAsync();
        Assert.Equal(nodes.Items.Select(n => n.Metadata.Name).Order(), list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.ToString()).Order());
        foreach (var item in list["items"]!.AsArray())
        {
            Assert.Equal("NodeMetrics", item!["kind"]!.ToString());
            Assert.True(new ResourceQuantity(item["usage"]!["cpu"]!.ToString()).ToDecimal() > 0);
            Assert.True(new ResourceQuantity(item["usage"]!["memory"]!.ToString()).ToDecimal() > 0);
        }
    }

    [Fact]
    public async Task UnknownPod_Is404_AndWritesAreRejected()
    {
        var ns = await fx.NewNamespaceAsync("pm404");
        using var get = await fx.Http.GetAsync($"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods/nope");
        Assert.Equal(404, (int)get.StatusCode);
        var status = JsonNode.Parse(await get.Content.ReadAsStringAsync())!;
        Assert.Equal("podmetrics.metrics.k8s.io \"nope\" not found", status["message"]!.ToString());
        using var post = await fx.Http.PostAsync($"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(405, (int)post.StatusCode);
        Assert.Equal("Status", JsonNode.Parse(await post.Content.ReadAsStringAsync())!["kind"]!.ToString());
    }

    [Fact]
    public async Task KubectlTop_WorksAgainstTheSimulator()
    {
        var ns = await fx.NewNamespaceAsync("top");
        await fx.DeployConsumerAsync(ns, "web", 1);
        await fx.ReadyPodsAsync(ns, "web", 1);
        await PodMetricsWhenPresentAsync(ns, 1);
        var pods = await Kubectl("top", "pods", "-n", ns);
        Assert.True(pods.ExitCode == 0, pods.ToString());
        Assert.Matches(@"NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)", pods.Stdout);
        Assert.Matches(@"web-\S+\s+2m\s+8Mi", pods.Stdout);
        var nodes = await Kubectl("top", "nodes");
        Assert.True(nodes.ExitCode == 0, nodes.ToString());
        Assert.Contains("CPU(cores)", nodes.Stdout);
    }

    private async Task<KubectlResult> Kubectl(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--kubeconfig=" + fx.KubeconfigPath);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return new KubectlResult(p.ExitCode, await stdout, await stderr);
    }
}
