using KubeLab.Simulator.Network.KubeProxy;
using static KubeLab.Simulator.Tests.Network.KubeProxy.ProxyFixtures;

namespace KubeLab.Simulator.Tests.Network.KubeProxy;

/// <summary>pkg/proxy/iptables proxier semantics: random endpoint per connection, affinity, traffic policies, REJECT and DROP.</summary>
public sealed class KubeProxyModelTests
{
    private static readonly Ep[] Ten = Enumerable.Range(1, 10).Select(i => new Ep($"10.244.{1 + i % 2}.{i + 10}", i % 2 == 0 ? Worker2 : Worker)).ToArray();

    [Fact]
    public void Cluster_ip_connections_spread_uniformly_over_ready_endpoints()
    {
        var proxy = Proxy(new ManualTime(), [Service("web", "10.96.10.10")], Slice("web", 8080, Ten));
        const int n = 20_000;
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < n; i++)
        {
            var d = proxy.Route("10.244.1.5", Worker, "10.96.10.10", 80);
            Assert.Equal(RouteOutcome.Forward, d.Outcome);
            Assert.Equal(8080, d.Port);
            counts[d.Ip] = counts.GetValueOrDefault(d.Ip) + 1;
        }
        Assert.Equal(10, counts.Count);
        // Chi-square with 9 degrees of freedom: the p = 0.001 critical value is 27.88.
        var expected = n / 10.0;
        var chi = counts.Values.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chi < 27.88, $"chi-square {chi:0.00} over {string.Join(",", counts.Values)}");
    }

    [Fact]
    public void Not_ready_endpoints_get_no_traffic_while_a_ready_one_exists()
    {
        var proxy = Proxy(new ManualTime(), [Service("web", "10.96.10.10")],
            Slice("web", 80, new Ep("10.244.1.2", Worker), new Ep("10.244.1.3", Worker, Ready: false, Serving: false)));
        for (var i = 0; i < 200; i++) Assert.Equal("10.244.1.2", proxy.Route("10.244.2.9", Worker2, "10.96.10.10", 80).Ip);
    }

    [Fact]
    public void Serving_terminating_endpoints_are_used_only_when_none_is_ready()
    {
        var proxy = Proxy(new ManualTime(), [Service("web", "10.96.10.10")],
            Slice("web", 80, new Ep("10.244.1.2", Worker, Ready: false, Serving: true, Terminating: true),
                new Ep("10.244.1.3", Worker, Ready: false, Serving: false, Terminating: true)));
        for (var i = 0; i < 100; i++) Assert.Equal("10.244.1.2", proxy.Route("10.244.2.9", Worker2, "10.96.10.10", 80).Ip);
    }

    [Fact]
    public void A_service_without_usable_endpoints_refuses_and_an_unknown_port_is_dropped()
    {
        var proxy = Proxy(new ManualTime(), [Service("web", "10.96.10.10")], Slice("web", 80, new Ep("10.244.1.3", Worker, Ready: false, Serving: false)));
        Assert.Equal(RouteOutcome.Refused, proxy.Route("10.244.2.9", Worker2, "10.96.10.10", 80).Outcome);
        Assert.Equal(RouteOutcome.Dropped, proxy.Route("10.244.2.9", Worker2, "10.96.10.10", 81).Outcome);
        Assert.Equal(RouteOutcome.NotAService, proxy.Route("10.244.2.9", Worker2, "10.96.99.99", 80).Outcome);
    }

    [Fact]
    public void Client_ip_affinity_sticks_until_the_timeout_passes_on_the_cluster_clock()
    {
        var time = new ManualTime();
        var proxy = Proxy(time, [Service("web", "10.96.10.10", affinity: "ClientIP", affinityTimeout: 60)], Slice("web", 80, Ten));
        var first = proxy.Route("10.244.1.5", Worker, "10.96.10.10", 80).Ip;
        for (var i = 0; i < 100; i++)
        {
            time.Now += TimeSpan.FromSeconds(30); // each connection refreshes the entry (the `recent` module's --set)
            Assert.Equal(first, proxy.Route("10.244.1.5", Worker, "10.96.10.10", 80).Ip);
        }
        // Another client is not bound to it; after the timeout without connections the choice is random again.
        var others = Enumerable.Range(0, 200).Select(i => proxy.Route($"10.244.2.{i}", Worker2, "10.96.10.10", 80).Ip).ToHashSet();
        Assert.True(others.Count > 1);
        var changed = false;
        for (var i = 0; i < 50 && !changed; i++)
        {
            time.Now += TimeSpan.FromSeconds(61);
            changed = proxy.Route("10.244.1.5", Worker, "10.96.10.10", 80).Ip != first;
        }
        Assert.True(changed, "affinity outlived its timeout");
    }

    [Fact]
    public void Internal_traffic_policy_local_uses_only_the_clients_node_and_drops_without_one()
    {
        var proxy = Proxy(new ManualTime(), [Service("web", "10.96.10.10", itp: "Local")],
            Slice("web", 80, new Ep("10.244.1.2", Worker), new Ep("10.244.1.3", Worker)));
        for (var i = 0; i < 100; i++) Assert.StartsWith("10.244.1.", proxy.Route("10.244.1.9", Worker, "10.96.10.10", 80).Ip);
        Assert.Equal(RouteOutcome.Dropped, proxy.Route("10.244.2.9", Worker2, "10.96.10.10", 80).Outcome);
    }

    [Fact]
    public void Node_port_reaches_the_service_on_every_node_ip_and_masquerades_with_policy_cluster()
    {
        var proxy = Proxy(new ManualTime(), [Service("web", "10.96.10.10", type: "NodePort", nodePort: 30080, etp: "Cluster")],
            Slice("web", 80, new Ep("10.244.2.2", Worker2)));
        foreach (var nodeIp in new[] { "172.18.0.2", "172.18.0.3", "172.18.0.4" })
        {
            var d = proxy.Route("172.18.0.1", ControlPlane, nodeIp, 30080);
            Assert.Equal(RouteOutcome.Forward, d.Outcome);
            Assert.Equal(("10.244.2.2", 80), (d.Ip, d.Port));
            Assert.Equal(nodeIp, d.ClientIp); // SNAT to the receiving node
        }
        Assert.Equal(RouteOutcome.Refused, proxy.Route("172.18.0.1", ControlPlane, "172.18.0.3", 30081).Outcome);
    }

    [Fact]
    public void External_traffic_policy_local_keeps_the_client_ip_and_drops_on_nodes_without_an_endpoint()
    {
        var proxy = Proxy(new ManualTime(), [Service("web", "10.96.10.10", type: "NodePort", nodePort: 30080, etp: "Local")],
            Slice("web", 80, new Ep("10.244.2.2", Worker2)));
        var local = proxy.Route("172.18.0.1", ControlPlane, "172.18.0.4", 30080);
        Assert.Equal(("10.244.2.2", "172.18.0.1"), (local.Ip, local.ClientIp));
        Assert.Equal(RouteOutcome.Dropped, proxy.Route("172.18.0.1", ControlPlane, "172.18.0.3", 30080).Outcome);
        // Cluster IP traffic is internal: the external policy does not apply.
        Assert.Equal(RouteOutcome.Forward, proxy.Route("10.244.1.9", Worker, "10.96.10.10", 80).Outcome);
        // From a pod (source in the cluster CIDR) to the node port of a node without an endpoint: "pod traffic for … external
        // destinations" jumps to the cluster chain (pkg/proxy/iptables/proxier.go), so it is served, not dropped.
        Assert.Equal(("10.244.2.2", RouteOutcome.Forward), (proxy.Route("10.244.1.9", Worker, "172.18.0.3", 30080).Ip, proxy.Route("10.244.1.9", Worker, "172.18.0.3", 30080).Outcome));
    }

    [Fact]
    public void Load_balancer_ip_goes_through_worker_nodes_only()
    {
        var proxy = Proxy(new ManualTime(), [Service("web", "10.96.10.10", type: "LoadBalancer", nodePort: 30080, etp: "Cluster", lbIp: "172.18.0.5")],
            Slice("web", 80, new Ep("10.244.1.2", Worker)));
        var seen = Enumerable.Range(0, 300).Select(_ => proxy.Route("172.18.0.1", ControlPlane, "172.18.0.5", 80)).ToList();
        Assert.All(seen, d => Assert.Equal("10.244.1.2", d.Ip));
        // The endpoint sees the receiving node's address: only workers, never the excluded control plane.
        Assert.Equal(["172.18.0.3", "172.18.0.4"], seen.Select(d => d.ClientIp).Distinct().Order().ToArray());
        Assert.Equal(RouteOutcome.Refused, proxy.Route("172.18.0.1", ControlPlane, "172.18.0.5", 81).Outcome);
    }

    [Fact]
    public void Load_balancer_with_policy_local_sends_only_to_nodes_with_an_endpoint_and_keeps_the_proxy_address()
    {
        var proxy = Proxy(new ManualTime(), [Service("web", "10.96.10.10", type: "LoadBalancer", nodePort: 30080, etp: "Local", lbIp: "172.18.0.5")],
            Slice("web", 80, new Ep("10.244.2.2", Worker2)));
        for (var i = 0; i < 200; i++)
        {
            var d = proxy.Route("172.18.0.1", ControlPlane, "172.18.0.5", 80);
            Assert.Equal(RouteOutcome.Forward, d.Outcome); // never dropped: the health check keeps k8s-course-worker out
            Assert.Equal(("10.244.2.2", "172.18.0.5"), (d.Ip, d.ClientIp));
        }
    }

    [Fact]
    public async Task Changes_are_applied_at_most_once_per_min_sync_period_on_the_cluster_clock()
    {
        var clock = new KubeLab.Simulator.Clock.SimulatedClock(20, TimeProvider.System);
        var syncs = new List<DateTimeOffset>();
        var proxy = new KubeProxyModel(() => { lock (syncs) syncs.Add(clock.GetUtcNow()); return ProxyRules.Empty; }, clock);
        using var stop = new CancellationTokenSource();
        var run = proxy.RunAsync(stop.Token);
        for (var i = 0; i < 6; i++)
        {
            proxy.Changed();
            await Task.Delay(30);
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && syncs.Count < 2) await Task.Delay(10);
        await stop.CancelAsync();
        try { await run; } catch (OperationCanceledException) { }
        lock (syncs)
        {
            Assert.True(syncs.Count >= 2, $"{syncs.Count} syncs");
            // A burst of changes: the first applied at once, the rest coalesced at least 1 s (cluster time) later.
            for (var i = 1; i < syncs.Count; i++) Assert.True(syncs[i] - syncs[i - 1] >= KubeProxyModel.MinSyncPeriod, $"{syncs[i] - syncs[i - 1]}");
        }
    }
}
