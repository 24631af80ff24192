using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Tests.EndToEnd;

namespace KubeLab.Simulator.Tests.CloudProvider.Gateway;

/// <summary>Route status reasons (NotAllowedByListeners, RefNotPermitted → ReferenceGrant), GRPCRoute, weights and Envoy's answers through the model.</summary>
public sealed class GatewayRoutingTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private const string Group = GatewayTestObjects.Group;

    private static string Gateway(string from) => GatewayTestObjects.Gateway(from);

    private static string Route(string name, string gwNs, string backend, string? backendNs = null, int weight = 1, string extra = "") => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: {name}
        spec:
          parentRefs:
          - name: gw
            namespace: {gwNs}
          rules:
          - backendRefs:
            - name: {backend}
              port: 80
              weight: {weight}
              {(backendNs is null ? "" : "namespace: " + backendNs)}
            {extra}
        ---

        """;

    private Task<JsonObject> WaitAsync(string plural, string ns, string name, Func<JsonObject, bool> done, string what) =>
        f.WaitForGatewayObjectAsync(plural, ns, name, done, what);

    private static string? Reason(JsonObject route, string type) =>
        GatewayTestObjects.Condition(route["status"]?["parents"]?[0]?["conditions"], type, "reason");

    [Fact]
    public async Task Listeners_and_reference_grants_decide_what_attaches_and_resolves()
    {
        var gwNs = await f.NewNamespaceAsync("gw-infra");
        var appNs = await f.NewNamespaceAsync("gw-app");
        await f.ApplyAsync(gwNs, Gateway("Same") + TestPods.NetexecWithService("web"));
        // A route in another namespace: the listener allows only its own namespace.
        await f.ApplyAsync(appNs, Route("foreign", gwNs, "web", backendNs: gwNs));
        var foreign = await WaitAsync("httproutes", appNs, "foreign", r => Reason(r, "Accepted") is not null, "got status");
        Assert.Equal("NotAllowedByListeners", Reason(foreign, "Accepted"));
        Assert.Equal("RefNotPermitted", Reason(foreign, "ResolvedRefs"));

        await f.KubectlWithInputAsync(Gateway("All"), "apply", "-n", gwNs, "-f", "-");
        await WaitAsync("httproutes", appNs, "foreign", r => Reason(r, "Accepted") == "Accepted", "accepted once the listener allows All");
        await f.ApplyAsync(gwNs, $"""
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata:
              name: from-app
            spec:
              from:
              - group: gateway.networking.k8s.io
                kind: HTTPRoute
                namespace: {appNs}
              to:
              - group: ""
                kind: Service
            """);
        await WaitAsync("httproutes", appNs, "foreign", r => Reason(r, "ResolvedRefs") == "ResolvedRefs", "resolved once the grant exists");
        var rows = await f.KubectlOkAsync("get", "referencegrant,gateway", "-n", gwNs);
        Assert.Contains("from-app", rows.Stdout);
        Assert.Matches(@"gw\s+cloud-provider-kind\s+172\.18\.0\.\d+\s+True", rows.Stdout);
    }

    [Fact]
    public async Task Weights_split_traffic_and_grpc_methods_route_by_path()
    {
        var ns = await f.NewNamespaceAsync("gw-weights");
        await f.ApplyAsync(ns, Gateway("Same") + TestPods.NetexecWithService("v1") + TestPods.NetexecWithService("v2") + $"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: split
            spec:
              parentRefs:
              - name: gw
              hostnames: ["split.example.com"]
              rules:
              - backendRefs:
                - name: v1
                  port: 80
                  weight: 90
                - name: v2
                  port: 80
                  weight: 10
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata:
              name: grpc
            spec:
              parentRefs:
              - name: gw
              hostnames: ["grpc.example.com"]
              rules:
              - matches:
                - method:
                    service: echo.Echo
                    method: Hostname
                backendRefs:
                - name: v2
                  port: 80
            """);
        var grpc = await WaitAsync("grpcroutes", ns, "grpc", r => Reason(r, "Accepted") == "Accepted", "accepted");
        Assert.Equal("ResolvedRefs", Reason(grpc, "ResolvedRefs"));
        await WaitAsync("gateways", ns, "gw", g => g["status"]?["listeners"]?[0]?["attachedRoutes"]?.GetValue<int>() == 2, "has both routes");
        await f.WaitForRunningAsync(ns, "v1");
        await f.WaitForRunningAsync(ns, "v2");
        var proxy = f.Cluster.DataPlane.Gateways!.Proxies[$"{ns}/gw"];

        async Task<HttpResponseMessageModel> Send(string host, string path)
        {
            var r = HttpRequestMessageModel.Get(path, host, "172.18.0.1");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await proxy.HandleAsync(80, r, cts.Token);
        }
        // Endpoints and kube-proxy rules catch up first.
        await EndToEndCluster.EventuallyAsync(async () => (await Send("split.example.com", "/hostname")).StatusCode == 200
            && (await Send("grpc.example.com", "/echo.Echo/Hostname")).StatusCode != 503, () => "backends never answered");
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 2000; i++)
        {
            var body = (await Send("split.example.com", "/hostname")).BodyText.Trim();
            counts[body] = counts.GetValueOrDefault(body) + 1;
        }
        // 10 % of 2,000: mean 200, σ ≈ 13.4; ±5σ.
        Assert.InRange(counts.GetValueOrDefault("v2"), 133, 267);
        Assert.Equal(2000, counts.GetValueOrDefault("v1") + counts.GetValueOrDefault("v2"));

        // gRPC's path /service/method: only the listed method of the service routes; anything else is Envoy's 404.
        Assert.NotEqual(404, (await Send("grpc.example.com", "/echo.Echo/Hostname")).StatusCode);
        var miss = await Send("grpc.example.com", "/echo.Echo/Other");
        Assert.Equal(404, miss.StatusCode);
        Assert.Equal("", miss.BodyText);
        Assert.Equal("envoy", miss.Headers["server"]);
    }

    [Fact]
    public async Task A_service_without_endpoints_gets_envoys_503()
    {
        var ns = await f.NewNamespaceAsync("gw-503");
        await f.ApplyAsync(ns, Gateway("Same") + """
            apiVersion: v1
            kind: Service
            metadata:
              name: empty
            spec:
              selector:
                app: nothing
              ports:
              - port: 80
            ---

            """ + Route("to-empty", ns, "empty"));
        await WaitAsync("httproutes", ns, "to-empty", r => Reason(r, "ResolvedRefs") == "ResolvedRefs", "resolved");
        var proxy = f.Cluster.DataPlane.Gateways!.Proxies[$"{ns}/gw"];
        HttpResponseMessageModel? r = null;
        await EndToEndCluster.EventuallyAsync(async () =>
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            r = await proxy.HandleAsync(80, HttpRequestMessageModel.Get("/", "x", "172.18.0.1"), cts.Token);
            return r.StatusCode == 503;
        }, () => $"never 503: {r?.StatusCode} {r?.BodyText}");
        // The ClusterIP has no endpoints: kube-proxy rejects, Envoy reports the refused upstream connection.
        Assert.StartsWith("upstream connect error or disconnect/reset before headers.", r!.BodyText);
    }

    [Fact]
    public async Task Gateways_and_load_balancers_share_the_kind_network_without_sharing_an_address()
    {
        var ns = await f.NewNamespaceAsync("gw-addr");
        await f.Client.CoreV1.CreateNamespacedServiceAsync(Kind.KindLoadBalancerControllerTests.LoadBalancer("lb"), ns);
        await f.ApplyAsync(ns, Gateway("Same"));
        var lb = await Kind.KindLoadBalancerControllerTests.WaitAsync(f.Client, ns, "lb", s => s?.Status?.LoadBalancer?.Ingress?.Count > 0, "got an address");
        var gw = await WaitAsync("gateways", ns, "gw", g => g["status"]?["addresses"] is JsonArray { Count: 1 }, "got an address");
        var gwIp = (string)gw["status"]!["addresses"]![0]!["value"]!;
        Assert.NotEqual(lb.Status.LoadBalancer.Ingress[0].Ip, gwIp);
        Assert.Equal(gwIp, f.Cluster.DataPlane.Gateways!.Proxies[$"{ns}/gw"].Address);

        // Deleting the Gateway stops its Envoy: the address no longer answers.
        await f.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, "v1", ns, "gateways", "gw");
        await EndToEndCluster.EventuallyAsync(() => Task.FromResult(!f.Cluster.DataPlane.Gateways!.Proxies.ContainsKey($"{ns}/gw")), () => "the Envoy never stopped");
        Assert.Null(f.Cluster.DataPlane.Network.SandboxOf(gwIp));
    }
}
