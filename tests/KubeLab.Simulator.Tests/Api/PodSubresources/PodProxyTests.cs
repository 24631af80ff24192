using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Tests.Api.PodSubresources;

/// <summary><c>pods/{name}:{port}/proxy</c> and <c>services/{name}:{port}/proxy</c> reaching a server on the modelled pod network.</summary>
public sealed class PodProxyTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static int nextIp = 10;

    /// <summary>A pod on a fake node with a Ready status and its own IP, and a sandbox holding that IP on the network.</summary>
    private async Task<(string Ns, string Ip, PodSandbox Sandbox)> ServingPodAsync(string name)
    {
        var (ns, _, node) = await FakeNodes.PodAsync(f, name, ["app"], prefix: "px");
        var ip = $"10.244.250.{Interlocked.Increment(ref nextIp)}";
        await f.Client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(
            $$$"""{"status":{"phase":"Running","podIP":"{{{ip}}}","conditions":[{"type":"Ready","status":"True"}]}}""", V1Patch.PatchType.MergePatch), name, ns);
        var pod = await f.Client.CoreV1.ReadNamespacedPodAsync(name, ns);
        var sandbox = new PodSandbox(ns, name, pod.Metadata.Uid, name, node) { Ip = ip };
        f.Cluster.DataPlane.Network.Attach(sandbox);
        return (ns, ip, sandbox);
    }

    /// <summary>What agnhost netexec answers on /hostname, plus what the server saw of the request.</summary>
    private static HttpHandler Netexec(string hostname, List<HttpRequestMessageModel> seen) => (request, _) =>
    {
        lock (seen) seen.Add(request);
        return Task.FromResult(request.Path switch
        {
            "/hostname" => HttpResponseMessageModel.Text(200, hostname),
            "/echo" => HttpResponseMessageModel.Text(200, request.QueryValue("msg") ?? ""),
            "/json" => new HttpResponseMessageModel(201, Encoding.UTF8.GetBytes("""{"ok":true}"""), "application/json") { Headers = new Dictionary<string, string> { ["X-Served-By"] = hostname } },
            _ => HttpResponseMessageModel.Text(404, "404 page not found\n"),
        });
    };

    [Fact]
    public async Task Kubectl_get_raw_through_the_pod_proxy()
    {
        var (ns, ip, sandbox) = await ServingPodAsync("netexec");
        var seen = new List<HttpRequestMessageModel>();
        using var _ = sandbox.Listen(8080, "app", Netexec("netexec", seen));

        var r = await f.KubectlOkAsync("get", "--raw", $"/api/v1/namespaces/{ns}/pods/netexec:8080/proxy/hostname");
        Assert.Equal("netexec", r.Stdout);
        var request = Assert.Single(seen);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/hostname", request.PathAndQuery);
        Assert.Equal($"{ip}:8080", request.Host);
        Assert.Equal("172.18.0.2", request.RemoteIp);           // the API server, as kind's control-plane node
        Assert.False(request.Headers.ContainsKey("Authorization")); // the client's credentials stop at the API server

        using var echo = await f.Http.GetAsync($"/api/v1/namespaces/{ns}/pods/netexec:8080/proxy/echo?msg=hello%20there");
        Assert.Equal("hello there", await echo.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Status_headers_and_content_type_come_back_unchanged()
    {
        var (ns, _, sandbox) = await ServingPodAsync("json");
        using var _ = sandbox.Listen(8080, "app", Netexec("json", []));
        using var resp = await f.Http.PostAsync($"/api/v1/namespaces/{ns}/pods/json:8080/proxy/json", new StringContent("body"));
        Assert.Equal(201, (int)resp.StatusCode);
        Assert.Equal("application/json", resp.Content.Headers.ContentType!.MediaType);
        Assert.Equal("json", resp.Headers.GetValues("X-Served-By").Single());
        Assert.Equal("""{"ok":true}""", await resp.Content.ReadAsStringAsync());

        using var missing = await f.Http.GetAsync($"/api/v1/namespaces/{ns}/pods/json:8080/proxy/nope");
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal("404 page not found\n", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Service_proxy_goes_to_a_ready_endpoint_over_the_network()
    {
        var (ns, _, sandbox) = await ServingPodAsync("backend");
        var seen = new List<HttpRequestMessageModel>();
        using var _ = sandbox.Listen(9376, "app", Netexec("backend", seen));
        await f.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "hostnames" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "backend" }, Ports = [new V1ServicePort { Port = 80, TargetPort = 9376 }] },
        }, ns);
        // The proxy reads the Endpoints object the endpoints controller writes a moment after the Service appears.
        var r = await ObservedState.Until(() => f.KubectlAsync("get", "--raw", $"/api/v1/namespaces/{ns}/services/hostnames:80/proxy/hostname"),
            x => x.ExitCode == 0, "the service proxy reaching backend", 30, x => x.ToString());
        Assert.Equal("backend", r.Stdout);
        Assert.Equal("/hostname", Assert.Single(seen).PathAndQuery);
    }

    [Fact]
    public async Task Nothing_listening_is_a_refused_connection_and_no_ip_is_not_allowed()
    {
        var (ns, ip, _) = await ServingPodAsync("quiet");
        using var refused = await f.Http.GetAsync($"/api/v1/namespaces/{ns}/pods/quiet:8080/proxy/");
        Assert.Equal(503, (int)refused.StatusCode);
        Assert.Equal($"error trying to reach service: dial tcp {ip}:8080: connect: connection refused",
            JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["message"]!.ToString());

        var pending = Objects.Pod("pending");
        pending.Spec.SchedulerName = "manual-scheduler";
        await f.Client.CoreV1.CreateNamespacedPodAsync(pending, ns);
        var (status, body) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods/pending/proxy/");
        Assert.Equal(400, status);
        Assert.Equal("address not allowed", body!["message"]!.ToString());
    }
}
