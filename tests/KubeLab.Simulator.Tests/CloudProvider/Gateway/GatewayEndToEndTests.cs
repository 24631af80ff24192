using k8s;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Tests.EndToEnd;

namespace KubeLab.Simulator.Tests.CloudProvider.Gateway;

/// <summary>
/// cloud-provider-kind's Gateway API in the simulator, with the real kubectl: the CRDs and the class at start, a Gateway's
/// address and conditions, route status reasons, and traffic from a busybox pod through the Envoy model.
/// </summary>
public sealed class GatewayEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private const string Group = GatewayTestObjects.Group;
    private static readonly string GatewayYaml = GatewayTestObjects.Gateway();

    private Task<JsonObject> GetAsync(string plural, string ns, string name) => f.GetAsync(plural, ns, name);

    private Task<JsonObject> WaitAsync(string plural, string ns, string name, Func<JsonObject, bool> done, string what) =>
        f.WaitForGatewayObjectAsync(plural, ns, name, done, what);

    private static string? Condition(JsonNode? conditions, string type, string field = "status") => GatewayTestObjects.Condition(conditions, type, field);

    [Fact]
    public async Task The_class_is_created_and_accepted_and_the_crds_show_in_kubectl()
    {
        var ns = await f.NewNamespaceAsync("gwc");
        await EndToEndCluster.EventuallyAsync(async () => (await f.KubectlAsync("get", "gatewayclass", "cloud-provider-kind", "--no-headers")).Stdout.Contains("True"),
            () => "GatewayClass cloud-provider-kind never accepted");
        var row = await f.KubectlOkAsync("get", "gc", "cloud-provider-kind");
        Assert.Matches(@"NAME\s+CONTROLLER\s+ACCEPTED\s+AGE", row.Stdout);
        Assert.Contains("kind.sigs.k8s.io/gateway-controller", row.Stdout);
        var resources = await f.KubectlOkAsync("api-resources", "--api-group", Group, "--no-headers");
        foreach (var r in new[] { "gatewayclasses", "gateways", "httproutes", "grpcroutes", "referencegrants" }) Assert.Contains(r, resources.Stdout);
        var explain = await f.KubectlOkAsync("explain", "httproute.spec.rules.matches.path");
        Assert.Contains("PathPrefix", explain.Stdout);
        var spec = await f.KubectlOkAsync("explain", "httproute.spec");
        Assert.Contains("parentRefs", spec.Stdout);
        Assert.Contains("hostnames", spec.Stdout);
        Assert.Contains("GROUP:      gateway.networking.k8s.io", spec.Stdout);

        // A Gateway of a class nobody implements keeps the CRD's defaulted "Pending" status.
        await f.ApplyAsync(ns, GatewayTestObjects.Gateway(className: "someone-else"));
        await Task.Delay(1500);
        var gw = await GetAsync("gateways", ns, "gw");
        Assert.Equal("Pending", Condition(gw["status"]?["conditions"], "Programmed", "reason"));
        Assert.Null(gw["status"]?["addresses"]);
        Assert.Matches(@"gw\s+someone-else\s+Unknown", (await f.KubectlOkAsync("get", "gateway", "gw", "-n", ns, "--no-headers")).Stdout);
    }

    [Fact]
    public async Task A_gateway_routes_by_host_and_path_with_route_status_and_envoy_answers()
    {
        var ns = await f.NewNamespaceAsync("gw");
        await f.ApplyAsync(ns, TestPods.NetexecWithService("echo-a") + TestPods.NetexecWithService("echo-b") + TestPods.BusyboxClient);
        await f.ApplyAsync(ns, GatewayYaml + """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: by-host
            spec:
              parentRefs:
              - name: gw
              hostnames: ["a.example.com"]
              rules:
              - backendRefs:
                - name: echo-a
                  port: 80
              - matches:
                - headers:
                  - name: X-Backend
                    value: b
                filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier:
                    set:
                    - name: X-Route
                      value: b
                backendRefs:
                - name: echo-b
                  port: 80
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: missing
            spec:
              parentRefs:
              - name: gw
              hostnames: ["missing.example.com"]
              rules:
              - backendRefs:
                - name: nope
                  port: 80
            """);
        var gw = await WaitAsync("gateways", ns, "gw", g => Condition(g["status"]?["conditions"], "Programmed") == "True"
            && g["status"]?["listeners"]?[0]?["attachedRoutes"]?.GetValue<int>() == 2, "programmed with 2 routes");
        var ip = (string)gw["status"]!["addresses"]![0]!["value"]!;
        Assert.StartsWith("172.18.0.", ip);
        Assert.Equal("Accepted", Condition(gw["status"]!["conditions"], "Accepted", "reason"));
        Assert.Equal("True", Condition(gw["status"]!["listeners"]![0]!["conditions"], "ResolvedRefs"));
        Assert.Contains("HTTPRoute", gw["status"]!["listeners"]![0]!["supportedKinds"]!.ToJsonString());

        var route = await WaitAsync("httproutes", ns, "by-host", r => r["status"]?["parents"] is JsonArray { Count: 1 }, "got parent status");
        var parent = route["status"]!["parents"]![0]!;
        Assert.Equal("kind.sigs.k8s.io/gateway-controller", (string?)parent["controllerName"]);
        Assert.Equal("True", Condition(parent["conditions"], "Accepted"));
        Assert.Equal("ResolvedRefs", Condition(parent["conditions"], "ResolvedRefs", "reason"));
        var missing = await WaitAsync("httproutes", ns, "missing", r => r["status"]?["parents"] is JsonArray { Count: 1 }, "got parent status");
        Assert.Equal("BackendNotFound", Condition(missing["status"]!["parents"]![0]!["conditions"], "ResolvedRefs", "reason"));

        var table = await f.KubectlOkAsync("get", "gateway,httproute", "-n", ns);
        Assert.Matches(@"NAME\s+CLASS\s+ADDRESS\s+PROGRAMMED\s+AGE", table.Stdout);
        Assert.Contains(ip, table.Stdout);
        Assert.Matches(@"NAME\s+HOSTNAMES\s+AGE", table.Stdout);
        var describe = await f.KubectlOkAsync("describe", "gateway", "gw", "-n", ns);
        Assert.Contains(ip, describe.Stdout);
        Assert.Contains("Attached Routes:  2", describe.Stdout);
        var shortName = await f.KubectlOkAsync("get", "gtw", "-n", ns, "--no-headers");
        Assert.Matches(@"gw\s+cloud-provider-kind\s+172\.18\.0\.\d+\s+True", shortName.Stdout);

        await f.WaitForRunningAsync(ns, "echo-a");
        await f.WaitForRunningAsync(ns, "echo-b");
        await f.WaitForRunningAsync(ns, "client");
        async Task<string> Wget(string host, string path, string extra = "X-None: 1")
        {
            var last = "";
            for (var i = 0; i < 60; i++)
            {
                var r = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", "-T", "3", "--header", $"Host: {host}", "--header", extra, $"http://{ip}{path}");
                last = r.Stdout + r.Stderr;
                if (r.ExitCode == 0 || last.Contains("404") || last.Contains("500")) return last;
                await Task.Delay(200); // endpoints and kube-proxy rules catch up
            }
            return last;
        }
        Assert.Equal("echo-a", (await Wget("a.example.com", "/hostname")).Trim());
        Assert.Equal("echo-b", (await Wget("a.example.com", "/hostname", "X-Backend: b")).Trim());
        // No route for the host: Envoy's 404; a rule whose backend is missing: the spec's 500.
        Assert.Contains("server returned error: HTTP/1.1 404 Not Found", await Wget("other.example.com", "/hostname"));
        Assert.Contains("server returned error: HTTP/1.1 500 Internal Server Error", await Wget("missing.example.com", "/"));
    }
}
