using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests.Api.Registry.Service;

/// <summary>
/// pkg/registry/core/service/storage through the real kubectl: cluster IPs and node ports allocated, honoured or refused with
/// alloc.go's texts, kept on update, released on delete and when the type no longer needs them.
/// </summary>
public sealed class ServiceAllocationTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private async Task<KubectlResult> Apply(string ns, string yaml) => await f.KubectlWithInputAsync(yaml, "apply", "-n", ns, "-f", "-");

    private static string Svc(string name, string type = "ClusterIP", string? clusterIp = null, int? nodePort = null, string extra = "") => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
        spec:
          type: {type}
        {(clusterIp is null ? "" : $"  clusterIP: {clusterIp}\n")}  selector:
            app: web
          ports:
          - port: 80
            targetPort: 8080
        {(nodePort is null ? "" : $"    nodePort: {nodePort}\n")}{extra}
        """;

    private async Task<JsonObject> Get(string ns, string name)
    {
        var r = await f.KubectlOkAsync("get", "svc", name, "-n", ns, "-o", "json");
        return JsonNode.Parse(r.Stdout)!.AsObject();
    }

    [Fact]
    public async Task Dynamic_cluster_ips_are_in_the_service_cidr_above_the_static_band()
    {
        var ns = await f.NewNamespaceAsync("svc-ip");
        var ips = new HashSet<string>();
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(0, (await Apply(ns, Svc($"s{i}"))).ExitCode);
            var ip = (await Get(ns, $"s{i}"))["spec"]!["clusterIP"]!.GetValue<string>();
            var offset = KubeLab.Simulator.Api.Registry.Service.ClusterIpRange.OffsetOf(ip);
            Assert.True(offset >= 256, ip);
            Assert.True(ips.Add(ip));
            Assert.Equal(ip, (await Get(ns, $"s{i}"))["spec"]!["clusterIPs"]![0]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_requested_cluster_ip_is_honoured_once_and_then_refused()
    {
        var ns = await f.NewNamespaceAsync("svc-req");
        Assert.Equal(0, (await Apply(ns, Svc("first", clusterIp: "10.96.0.50"))).ExitCode);
        Assert.Equal("10.96.0.50", (await Get(ns, "first"))["spec"]!["clusterIP"]!.GetValue<string>());

        var taken = await Apply(ns, Svc("second", clusterIp: "10.96.0.50"));
        Assert.Contains("The Service \"second\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.50\"}: failed to allocate IP 10.96.0.50: provided IP is already allocated", taken.Stderr);

        var outside = await Apply(ns, Svc("third", clusterIp: "10.97.0.5"));
        Assert.Contains("spec.clusterIPs: Invalid value: []string{\"10.97.0.5\"}: failed to allocate IP 10.97.0.5: the provided IP (10.97.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/16", outside.Stderr);

        // Deleting the Service releases its address.
        await f.KubectlOkAsync("delete", "svc", "first", "-n", ns);
        Assert.Equal(0, (await Apply(ns, Svc("second", clusterIp: "10.96.0.50"))).ExitCode);
    }

    [Fact]
    public async Task Kube_dns_holds_the_tenth_address_as_on_kind()
    {
        var ns = await f.NewNamespaceAsync("svc-dns");
        var row = await f.KubectlOkAsync("get", "svc", "kube-dns", "-n", "kube-system", "--no-headers", "-o", "wide");
        Assert.Matches(@"^kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53/UDP,53/TCP,9153/TCP\s+\S+\s+k8s-app=kube-dns\s*$", row.Stdout);
        var taken = await Apply(ns, Svc("mine", clusterIp: "10.96.0.10"));
        Assert.Contains("failed to allocate IP 10.96.0.10: provided IP is already allocated", taken.Stderr);
    }

    [Fact]
    public async Task The_cluster_ip_is_kept_on_update_and_may_not_change()
    {
        var ns = await f.NewNamespaceAsync("svc-upd");
        Assert.Equal(0, (await Apply(ns, Svc("web"))).ExitCode);
        var ip = (await Get(ns, "web"))["spec"]!["clusterIP"]!.GetValue<string>();
        // A replace without clusterIP keeps the allocated one (patchAllocatedValues).
        var replaced = await f.KubectlWithInputAsync(Svc("web"), "replace", "-n", ns, "-f", "-");
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.Equal(ip, (await Get(ns, "web"))["spec"]!["clusterIP"]!.GetValue<string>());

        var change = await f.KubectlAsync("patch", "svc", "web", "-n", ns, "-p", "{\"spec\":{\"clusterIP\":\"10.96.0.77\"}}");
        Assert.NotEqual(0, change.ExitCode);
        Assert.Contains("The Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.77\"}: may not change once set", change.Stderr);
    }

    [Fact]
    public async Task Headless_and_external_name_services_get_no_cluster_ip()
    {
        var ns = await f.NewNamespaceAsync("svc-none");
        Assert.Equal(0, (await Apply(ns, Svc("headless", clusterIp: "None"))).ExitCode);
        Assert.Equal("None", (await Get(ns, "headless"))["spec"]!["clusterIP"]!.GetValue<string>());
        await f.KubectlOkAsync("create", "service", "externalname", "db", "--external-name", "db.example.com", "-n", ns);
        Assert.Null((await Get(ns, "db"))["spec"]!["clusterIP"]);
    }

    [Fact]
    public async Task Node_ports_are_allocated_per_port_refused_when_taken_and_released_with_the_type()
    {
        var ns = await f.NewNamespaceAsync("svc-np");
        Assert.Equal(0, (await Apply(ns, Svc("auto", type: "NodePort"))).ExitCode);
        var auto = (await Get(ns, "auto"))["spec"]!;
        Assert.InRange(auto["ports"]![0]!["nodePort"]!.GetValue<int>(), 30086, 32767);
        Assert.Equal("Cluster", auto["externalTrafficPolicy"]!.GetValue<string>());

        Assert.Equal(0, (await Apply(ns, Svc("fixed", type: "NodePort", nodePort: 30080))).ExitCode);
        var taken = await Apply(ns, Svc("again", type: "NodePort", nodePort: 30080));
        Assert.Contains("The Service \"again\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated", taken.Stderr);
        var outside = await Apply(ns, Svc("far", type: "NodePort", nodePort: 40000));
        Assert.Contains("spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767", outside.Stderr);

        // Kept on update: a replace without nodePort keeps 30080.
        Assert.Equal(0, (await f.KubectlWithInputAsync(Svc("fixed", type: "NodePort"), "replace", "-n", ns, "-f", "-")).ExitCode);
        Assert.Equal(30080, (await Get(ns, "fixed"))["spec"]!["ports"]![0]!["nodePort"]!.GetValue<int>());

        // Back to ClusterIP: the node port goes (dropTypeDependentFields) and is free for another Service.
        await f.KubectlOkAsync("patch", "svc", "fixed", "-n", ns, "-p", "{\"spec\":{\"type\":\"ClusterIP\"}}");
        var back = (await Get(ns, "fixed"))["spec"]!;
        Assert.Null(back["ports"]![0]!["nodePort"]);
        Assert.Null(back["externalTrafficPolicy"]);
        Assert.Equal(0, (await Apply(ns, Svc("again", type: "NodePort", nodePort: 30080))).ExitCode);
        // And deleting releases it too.
        await f.KubectlOkAsync("delete", "svc", "again", "-n", ns);
        Assert.Equal(0, (await Apply(ns, Svc("third", type: "NodePort", nodePort: 30080))).ExitCode);
    }

    [Fact]
    public async Task Load_balancers_get_node_ports_unless_asked_not_to_and_a_health_check_port_with_policy_local()
    {
        var ns = await f.NewNamespaceAsync("svc-lb");
        Assert.Equal(0, (await Apply(ns, Svc("lb", type: "LoadBalancer", extra: "  externalTrafficPolicy: Local\n"))).ExitCode);
        var lb = (await Get(ns, "lb"))["spec"]!;
        Assert.True(lb["allocateLoadBalancerNodePorts"]!.GetValue<bool>());
        Assert.InRange(lb["ports"]![0]!["nodePort"]!.GetValue<int>(), 30000, 32767);
        Assert.InRange(lb["healthCheckNodePort"]!.GetValue<int>(), 30000, 32767);

        Assert.Equal(0, (await Apply(ns, Svc("lb2", type: "LoadBalancer", extra: "  allocateLoadBalancerNodePorts: false\n"))).ExitCode);
        Assert.Null((await Get(ns, "lb2"))["spec"]!["ports"]![0]!["nodePort"]);
    }

    [Fact]
    public async Task Client_ip_affinity_is_defaulted_to_three_hours()
    {
        var ns = await f.NewNamespaceAsync("svc-aff");
        Assert.Equal(0, (await Apply(ns, Svc("sticky", extra: "  sessionAffinity: ClientIP\n"))).ExitCode);
        Assert.Equal(10800, (await Get(ns, "sticky"))["spec"]!["sessionAffinityConfig"]!["clientIP"]!["timeoutSeconds"]!.GetValue<int>());
    }
}
