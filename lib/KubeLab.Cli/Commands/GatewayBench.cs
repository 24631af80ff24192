using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator;
using KubeLab.Simulator.CloudProvider.Kind.Gateway;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Network.KubeProxy;

namespace KubeLab.Cli.Commands;

/// <summary>
/// Gateway API figures: (1) requests routed by the Envoy model (<see cref="GatewayProxy"/>: host + path precedence over 50
/// routes, a 90/10 weighted pick, the Service's cluster IP through kube-proxy, in-process endpoints); (2) on a started simulator,
/// the Gateway API CRDs and class at start, and an HTTPRoute's create → its Accepted parent status (the Envoy is configured in
/// the same controller pass).
/// </summary>
internal static class GatewayBench
{
    public sealed record Result(int Requests, TimeSpan Elapsed, double WeightedShare, TimeSpan ClassAccepted, TimeSpan RouteAccepted)
    {
        public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
    }

    public static async Task<Result> RunAsync(int requests, CancellationToken ct)
    {
        var (elapsed, share) = await RouteAsync(requests, ct).ConfigureAwait(false);
        var (classAccepted, routeAccepted) = await ControllerAsync(ct).ConfigureAwait(false);
        return new Result(requests, elapsed, share, classAccepted, routeAccepted);
    }

    private static async Task<(TimeSpan, double)> RouteAsync(int requests, CancellationToken ct)
    {
        var network = new ClusterNetwork();
        var services = new List<V1Service>();
        var slices = new List<V1EndpointSlice>();
        foreach (var (name, i) in new[] { ("v1", 1), ("v2", 2) })
        {
            var sandbox = new PodSandbox("bench", name, Guid.NewGuid().ToString(), name, "k8s-course-worker") { Ip = $"10.244.1.{10 + i}" };
            sandbox.Listen(8080, "web", (_, _) => Task.FromResult(HttpResponseMessageModel.Text(200, name)));
            network.Attach(sandbox);
            services.Add(new V1Service { Metadata = new() { Name = name, NamespaceProperty = "bench" }, Spec = new() { Type = "ClusterIP", ClusterIP = $"10.96.100.{i}", Ports = [new V1ServicePort { Port = 80, Protocol = "TCP" }] } });
            slices.Add(new V1EndpointSlice
            {
                Metadata = new() { Name = name + "-x", NamespaceProperty = "bench", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = name } },
                AddressType = "IPv4", Ports = [new Discoveryv1EndpointPort { Name = "", Port = 8080, Protocol = "TCP" }],
                Endpoints = [new V1Endpoint { Addresses = [sandbox.Ip], NodeName = "k8s-course-worker", Conditions = new V1EndpointConditions { Ready = true } }],
            });
        }
        var nodes = new[] { "k8s-course-control-plane", "k8s-course-worker" }.Select((n, i) => new V1Node { Metadata = new() { Name = n }, Status = new() { Addresses = [new V1NodeAddress { Type = "InternalIP", Address = $"172.18.0.{2 + i}" }] } }).ToList();
        var kubeProxy = new KubeProxyModel(() => new ProxyRules(services, slices, nodes), TimeProvider.System);
        kubeProxy.SyncNow();
        network.Services = kubeProxy;

        using var proxy = new GatewayProxy(network, TimeProvider.System, "bench", "gw", "172.18.0.5", new Random(1));
        var entries = Enumerable.Range(0, 50).Select(i => ((IReadOnlyList<string>)[$"host{i}.example.com"],
            new RouteEntry("bench", $"r{i}", DateTimeOffset.UnixEpoch, 0, 0, RouteMatch.Prefix($"/p{i}"), [new WeightedBackend("bench", "v1", 80, 1)]))).ToList();
        entries.Add((["split.example.com"], new RouteEntry("bench", "split", DateTimeOffset.UnixEpoch, 0, 0, RouteMatch.Prefix("/"),
            [new WeightedBackend("bench", "v1", 80, 90), new WeightedBackend("bench", "v2", 80, 10)])));
        proxy.Configure(new Dictionary<int, RouteTable> { [80] = new RouteTable(entries) },
            services.ToDictionary(s => $"bench/{s.Metadata.Name}", s => (s.Spec.ClusterIP, false)));

        var v2 = 0;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            var r = await proxy.HandleAsync(80, HttpRequestMessageModel.Get("/hostname", "split.example.com", "172.18.0.1"), ct).ConfigureAwait(false);
            if (r.BodyText == "v2") v2++;
        }
        sw.Stop();
        return (sw.Elapsed, (double)v2 / requests);
    }

    private static async Task<(TimeSpan, TimeSpan)> ControllerAsync(CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions(), ct).ConfigureAwait(false);
        using var client = cluster.CreateClient();
        const string group = "gateway.networking.k8s.io";
        async Task<JsonNode?> Get(string plural, string? ns, string name)
        {
            try
            {
                return JsonSerializer.SerializeToNode(ns is null
                    ? await client.CustomObjects.GetClusterCustomObjectAsync(group, "v1", plural, name, ct).ConfigureAwait(false)
                    : await client.CustomObjects.GetNamespacedCustomObjectAsync(group, "v1", ns, plural, name, ct).ConfigureAwait(false));
            }
            catch (k8s.Autorest.HttpOperationException) { return null; }
        }
        static bool Accepted(JsonNode? conditions) => (conditions as JsonArray)?.Any(c => (string?)c?["type"] == "Accepted" && (string?)c?["status"] == "True") == true;
        while (!Accepted((await Get("gatewayclasses", null, GatewayController.ClassName).ConfigureAwait(false))?["status"]?["conditions"]))
            await Task.Delay(20, ct).ConfigureAwait(false);
        var classAccepted = sw.Elapsed;

        await client.CustomObjects.CreateNamespacedCustomObjectAsync(new JsonObject
        {
            ["apiVersion"] = $"{group}/v1", ["kind"] = "Gateway", ["metadata"] = new JsonObject { ["name"] = "gw" },
            ["spec"] = new JsonObject { ["gatewayClassName"] = GatewayController.ClassName, ["listeners"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["protocol"] = "HTTP" }) },
        }, group, "v1", "default", "gateways", cancellationToken: ct).ConfigureAwait(false);
        sw.Restart();
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(new JsonObject
        {
            ["apiVersion"] = $"{group}/v1", ["kind"] = "HTTPRoute", ["metadata"] = new JsonObject { ["name"] = "r" },
            ["spec"] = new JsonObject { ["parentRefs"] = new JsonArray(new JsonObject { ["name"] = "gw" }), ["rules"] = new JsonArray(new JsonObject { ["backendRefs"] = new JsonArray(new JsonObject { ["name"] = "kubernetes", ["port"] = 443 }) }) },
        }, group, "v1", "default", "httproutes", cancellationToken: ct).ConfigureAwait(false);
        while (!Accepted((await Get("httproutes", "default", "r").ConfigureAwait(false))?["status"]?["parents"]?[0]?["conditions"]))
            await Task.Delay(20, ct).ConfigureAwait(false);
        return (classAccepted, sw.Elapsed);
    }
}
