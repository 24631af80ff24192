using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Tests.EndToEnd;

namespace KubeLab.Simulator.Tests.CloudProvider.Ingress;

/// <summary>cloud-provider-kind's Ingress: default class, translation to kind-ingress-gateway + HTTPRoutes, status, kubectl, traffic, validation.</summary>
public sealed class IngressEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private static readonly string Echo = TestPods.NetexecWithService("echo", portName: "http");

    private const string IngressYaml = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
        spec:
          rules:
          - host: foo.example.com
            http:
              paths:
              - path: /hostname
                pathType: Exact
                backend:
                  service:
                    name: echo
                    port:
                      name: http
              - path: /
                pathType: Prefix
                backend:
                  service:
                    name: echo
                    port:
                      number: 80
        """;

    [Fact]
    public async Task An_ingress_becomes_a_gateway_and_routes_and_carries_traffic()
    {
        var ns = await f.NewNamespaceAsync("ing");
        await EndToEndCluster.EventuallyAsync(async () => (await f.KubectlAsync("get", "ingressclass", "cloud-provider-kind")).ExitCode == 0, () => "no IngressClass cloud-provider-kind");
        var classes = await f.KubectlOkAsync("get", "ingressclass");
        Assert.Matches(@"NAME\s+CONTROLLER\s+PARAMETERS\s+AGE", classes.Stdout);
        Assert.Matches(@"cloud-provider-kind\s+kind.sigs.k8s.io/ingress-controller\s+<none>", classes.Stdout);

        await f.ApplyAsync(ns, Echo + TestPods.BusyboxClient + "\n---\n" + IngressYaml);
        // DefaultIngressClass admission fills in the default class.
        var ing = await f.Client.NetworkingV1.ReadNamespacedIngressAsync("web", ns);
        Assert.Equal("cloud-provider-kind", ing.Spec.IngressClassName);

        await EndToEndCluster.EventuallyAsync(async () => (ing = await f.Client.NetworkingV1.ReadNamespacedIngressAsync("web", ns)).Status?.LoadBalancer?.Ingress?.Count > 0,
            () => "the Ingress never got an address");
        var ip = ing.Status.LoadBalancer.Ingress[0].Ip;
        var gw = JsonSerializer.SerializeToNode(await f.Client.CustomObjects.GetNamespacedCustomObjectAsync("gateway.networking.k8s.io", "v1", ns, "gateways", "kind-ingress-gateway"))!;
        Assert.Equal(ip, (string?)gw["status"]?["addresses"]?[0]?["value"]);
        Assert.Equal("cloud-provider-kind", (string?)gw["spec"]!["gatewayClassName"]);

        // One HTTPRoute per host, named <ingress>-<first 10 hex of sha256(host)>, owned by the Ingress; Exact before Prefix.
        var routeName = "web-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("foo.example.com"u8.ToArray()))[..10];
        var route = JsonSerializer.SerializeToNode(await f.Client.CustomObjects.GetNamespacedCustomObjectAsync("gateway.networking.k8s.io", "v1", ns, "httproutes", routeName))!;
        Assert.Equal("Ingress", (string?)route["metadata"]!["ownerReferences"]![0]!["kind"]);
        Assert.Equal("Exact", (string?)route["spec"]!["rules"]![0]!["matches"]![0]!["path"]!["type"]);
        Assert.Equal(80, (int?)route["spec"]!["rules"]![0]!["backendRefs"]![0]!["port"]); // the named port, resolved

        var table = await f.KubectlOkAsync("get", "ingress", "-n", ns);
        Assert.Matches(@"NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE", table.Stdout);
        Assert.Matches($@"web\s+cloud-provider-kind\s+foo.example.com\s+{System.Text.RegularExpressions.Regex.Escape(ip)}\s+80\s", table.Stdout);
        var all = await f.KubectlOkAsync("get", "ingress,ingressclass,gateway,gatewayclass,httproute", "-n", ns);
        Assert.Contains("gateway.gateway.networking.k8s.io/kind-ingress-gateway", all.Stdout);
        Assert.Contains($"httproute.gateway.networking.k8s.io/{routeName}", all.Stdout);
        Assert.Contains("ingressclass.networking.k8s.io/cloud-provider-kind", all.Stdout);
        var describe = await f.KubectlOkAsync("describe", "ingress", "web", "-n", ns);
        Assert.Contains("foo.example.com", describe.Stdout);
        Assert.Contains("/hostname", describe.Stdout);

        await f.WaitForRunningAsync(ns, "echo");
        await f.WaitForRunningAsync(ns, "client");
        var last = "";
        for (var i = 0; i < 60 && last.Trim() != "echo"; i++)
        {
            var r = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", "-T", "3", "--header", "Host: foo.example.com", $"http://{ip}/hostname");
            last = r.Stdout + r.Stderr;
            if (last.Trim() != "echo") await Task.Delay(200);
        }
        Assert.Equal("echo", last.Trim());
    }

    [Theory]
    [InlineData("", "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified")]
    [InlineData("pathType: Foo", "spec.rules[0].http.paths[0].pathType: Unsupported value: \"Foo\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"")]
    public async Task Invalid_paths_are_refused_in_the_api_servers_words(string pathType, string expected)
    {
        var ns = await f.NewNamespaceAsync("ing-bad");
        var yaml = $$"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: bad
            spec:
              rules:
              - http:
                  paths:
                  - path: /
                    {{pathType}}
                    backend:
                      service:
                        name: echo
                        port:
                          number: 80
            """;
        var r = await f.KubectlWithInputAsync(yaml, "apply", "-n", ns, "-f", "-");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Contains("The Ingress \"bad\" is invalid", r.Stderr);
    }
}
