using System.Collections.Concurrent;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Network.KubeProxy;

/// <summary>
/// kube-proxy in iptables mode (kind's default), one rule set shared by every node: built from Services, EndpointSlices and
/// Nodes seen through informers, re-synced at most once per <see cref="MinSyncPeriod"/> on the cluster clock
/// (--iptables-min-sync-period 1s, pkg/proxy/iptables/proxier.go syncProxyRules behind a BoundedFrequencyRunner).
/// Each new connection to a frontend picks an endpoint uniformly at random (the statistic-mode probabilities 1/n, 1/(n-1), …),
/// honours ClientIP affinity (the `recent` module: refreshed on every connection, expires after timeoutSeconds), and the traffic
/// policies; a Service without usable endpoints REJECTs, a Local policy without a local endpoint DROPs.
/// Load-balancer IPs are reached through cloud-provider-kind's proxy, modelled in <see cref="Route"/> as a hop to a random
/// eligible node's node port (control-plane nodes are excluded by node.kubernetes.io/exclude-from-external-load-balancers).
/// </summary>
public sealed class KubeProxyModel : IServiceRouter
{
    public static readonly TimeSpan MinSyncPeriod = TimeSpan.FromSeconds(1);

    private readonly TimeProvider time;
    private readonly Func<ProxyRules> build;
    private readonly SemaphoreSlim changed = new(0, 1);
    private readonly ConcurrentDictionary<(string Rule, string Client), (string Endpoint, DateTimeOffset Last)> affinity = new();
    private volatile ProxyRules rules = ProxyRules.Empty;

    public KubeProxyModel(Informer<V1Service, V1ServiceList> services, Informer<V1EndpointSlice, V1EndpointSliceList> slices,
        Informer<V1Node, V1NodeList> nodes, TimeProvider time)
        : this(() => new ProxyRules(services.List(), slices.List(), nodes.List()), time)
    {
        services.AddHandler(_ => Changed(), (_, _) => Changed(), _ => Changed());
        slices.AddHandler(_ => Changed(), (_, _) => Changed(), _ => Changed());
        nodes.AddHandler(_ => Changed(), (_, _) => Changed(), _ => Changed());
    }

    /// <summary>For tests and benchmarks: rules from a fixed source, synced by <see cref="SyncNow"/>.</summary>
    public KubeProxyModel(Func<ProxyRules> build, TimeProvider time)
    {
        this.build = build;
        this.time = time;
    }

    public ProxyRules Rules => rules;

    public void SyncNow() => rules = build();

    /// <summary>An informer event: Services, EndpointSlices or Nodes changed.</summary>
    internal void Changed()
    {
        if (changed.CurrentCount == 0) try { changed.Release(); } catch (SemaphoreFullException) { }
    }

    /// <summary>The sync loop: a change is applied at once if the last sync is MinSyncPeriod old, else when it becomes so.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await changed.WaitAsync(ct).ConfigureAwait(false);
            SyncNow();
            await Task.Delay(MinSyncPeriod, time, ct).ConfigureAwait(false);
        }
    }

    public bool ServesNodePort(int nodePort) => rules.NodePorts.ContainsKey(nodePort);

    public RouteDecision Route(string clientIp, string clientNode, string dstIp, int dstPort)
    {
        var r = rules;
        if (r.ClusterIps.TryGetValue((dstIp, dstPort), out var rule))
            return Choose(rule, clientIp, clientNode, external: false, receivingNode: clientNode);
        // iptables mode: a cluster IP on a port the Service does not have matches no rule; nothing owns the address, so it is lost.
        if (r.ClusterIpAddresses.Contains(dstIp)) return RouteDecision.Drop;
        if (r.ExternalIps.TryGetValue((dstIp, dstPort), out rule))
            return Choose(rule, clientIp, clientNode, external: true, receivingNode: clientNode);
        if (r.NodesByIp.TryGetValue(dstIp, out var node))
            return r.NodePorts.TryGetValue(dstPort, out rule) ? Choose(rule, clientIp, clientNode, external: true, receivingNode: node.Name) : RouteDecision.Refuse;
        if (r.LoadBalancers.TryGetValue((dstIp, dstPort), out rule)) return ViaLoadBalancer(r, rule, dstIp);
        if (r.LoadBalancerAddresses.Contains(dstIp)) return RouteDecision.Refuse; // the proxy container listens only on the Service's ports
        return RouteDecision.None;
    }

    /// <summary>
    /// cloud-provider-kind's Envoy: a new upstream connection to one eligible node's InternalIP:nodePort. With
    /// externalTrafficPolicy Local its health check (healthCheckNodePort) leaves only nodes with a local endpoint; the endpoint
    /// then sees the proxy's address as client.
    /// </summary>
    private RouteDecision ViaLoadBalancer(ProxyRules r, ServicePortRule rule, string lbIp)
    {
        var eligible = r.Nodes.Where(n => !n.ExcludedFromLoadBalancers).ToList();
        if (rule.ExternalLocal) eligible = eligible.Where(n => EndpointCategories.Usable(rule.Endpoints, n.Name).Count > 0).ToList();
        if (eligible.Count == 0 || rule.NodePort == 0) return RouteDecision.Refuse;
        var node = eligible[Random.Shared.Next(eligible.Count)];
        return Choose(rule, lbIp, node.Name, external: true, receivingNode: node.Name);
    }

    private RouteDecision Choose(ServicePortRule rule, string clientIp, string clientNode, bool external, string receivingNode)
    {
        if (rule.Endpoints.Count == 0 || EndpointCategories.Usable(rule.Endpoints).Count == 0) return RouteDecision.Refuse; // "has no endpoints" → REJECT
        IReadOnlyList<ProxyEndpoint> candidates;
        var seenAs = clientIp;
        if (external && rule.ExternalLocal && !FromPod(clientIp)) candidates = EndpointCategories.Usable(rule.Endpoints, receivingNode);
        else if (!external && rule.InternalLocal) candidates = EndpointCategories.Usable(rule.Endpoints, clientNode);
        else
        {
            candidates = EndpointCategories.Usable(rule.Endpoints);
            // External traffic with policy Cluster is masqueraded: the endpoint sees the receiving node's address.
            if (external) seenAs = rules.Nodes.FirstOrDefault(n => n.Name == receivingNode)?.Ip ?? clientIp;
        }
        if (candidates.Count == 0) return RouteDecision.Drop; // "has no local endpoints" → DROP
        var chosen = Sticky(rule, clientIp, candidates) ?? candidates[Random.Shared.Next(candidates.Count)];
        if (rule.AffinitySeconds > 0) affinity[(rule.Key, clientIp)] = (chosen.Key, time.GetUtcNow());
        return new RouteDecision(RouteOutcome.Forward, chosen.Ip, chosen.Port, seenAs);
    }

    /// <summary>
    /// kind's kube-proxy detects local traffic by --cluster-cidr (the pod subnet, 10.244.0.0/16). Traffic from a pod to an external
    /// destination (node port, externalIP, load-balancer IP) of an externalTrafficPolicy: Local Service skips the policy and takes the
    /// cluster-wide chain ("pod traffic for … external destinations", pkg/proxy/iptables/proxier.go syncProxyRules): as if it had
    /// gone out to the load balancer and come back in.
    /// </summary>
    private static bool FromPod(string clientIp) =>
        System.Net.IPAddress.TryParse(clientIp, out var ip) && ip.GetAddressBytes() is [10, 244, _, _];

    private ProxyEndpoint? Sticky(ServicePortRule rule, string clientIp, IReadOnlyList<ProxyEndpoint> candidates)
    {
        if (rule.AffinitySeconds <= 0 || !affinity.TryGetValue((rule.Key, clientIp), out var seen)) return null;
        if (time.GetUtcNow() - seen.Last > TimeSpan.FromSeconds(rule.AffinitySeconds)) return null;
        return candidates.FirstOrDefault(c => c.Key == seen.Endpoint);
    }
}
