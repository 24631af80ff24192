using k8s.Models;

namespace KubeLab.Simulator.Network.KubeProxy;

/// <summary>One endpoint of a Service port as the EndpointSlice lists it (discovery.k8s.io/v1 conditions; nil ready/serving count as true).</summary>
public sealed record ProxyEndpoint(string Ip, int Port, string? NodeName, bool Ready, bool Serving, bool Terminating)
{
    public string Key => $"{Ip}:{Port}";
}

/// <summary>One Service port with everything its chains need (pkg/proxy ServicePortInfo + its endpoints).</summary>
public sealed record ServicePortRule(
    string ServiceKey, string PortName, int Port, int NodePort, string ClusterIp,
    int AffinitySeconds, bool InternalLocal, bool ExternalLocal, IReadOnlyList<ProxyEndpoint> Endpoints)
{
    public string Key => $"{ServiceKey}:{PortName}";
}

public sealed record ProxyNode(string Name, string Ip, bool ExcludedFromLoadBalancers);

/// <summary>
/// The rule set kube-proxy's iptables proxier writes on every node (KUBE-SERVICES, KUBE-NODEPORTS, KUBE-EXT/KUBE-SVC/KUBE-SEP
/// chains), as one immutable snapshot: frontends (cluster IP, external IP, node port, load-balancer IP) → Service port.
/// </summary>
public sealed class ProxyRules
{
    public static readonly ProxyRules Empty = new([], [], []);

    public Dictionary<(string Ip, int Port), ServicePortRule> ClusterIps { get; } = new();
    public HashSet<string> ClusterIpAddresses { get; } = new(StringComparer.Ordinal);
    public Dictionary<(string Ip, int Port), ServicePortRule> ExternalIps { get; } = new();
    public Dictionary<int, ServicePortRule> NodePorts { get; } = new();
    public Dictionary<(string Ip, int Port), ServicePortRule> LoadBalancers { get; } = new();
    public HashSet<string> LoadBalancerAddresses { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ProxyNode> NodesByIp { get; } = new(StringComparer.Ordinal);
    public IReadOnlyList<ProxyNode> Nodes { get; }

    public ProxyRules(IEnumerable<V1Service> services, IEnumerable<V1EndpointSlice> slices, IEnumerable<V1Node> nodes)
    {
        Nodes = nodes.Select(n => new ProxyNode(n.Metadata.Name,
                n.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address ?? "",
                n.Metadata.Labels?.ContainsKey("node.kubernetes.io/exclude-from-external-load-balancers") == true))
            .Where(n => n.Ip.Length > 0).ToList();
        foreach (var n in Nodes) NodesByIp[n.Ip] = n;

        // Slices belong to a Service through the kubernetes.io/service-name label, in the Service's namespace.
        var slicesByService = slices
            .Where(s => s.Metadata.Labels?.TryGetValue("kubernetes.io/service-name", out _) == true)
            .GroupBy(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Labels!["kubernetes.io/service-name"]}")
            .ToDictionary(g => g.Key, g => g.ToList());

        foreach (var svc in services)
        {
            var spec = svc.Spec;
            if (spec is null || spec.Type == "ExternalName") continue;
            var clusterIp = spec.ClusterIP;
            if (string.IsNullOrEmpty(clusterIp) || clusterIp == "None") continue; // headless: no proxying
            var key = $"{svc.Metadata.NamespaceProperty}/{svc.Metadata.Name}";
            var mySlices = slicesByService.GetValueOrDefault(key) ?? [];
            var affinity = spec.SessionAffinity == "ClientIP" ? spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds ?? 10800 : 0;
            var external = spec.Type is "NodePort" or "LoadBalancer";
            ClusterIpAddresses.Add(clusterIp);
            foreach (var port in spec.Ports ?? [])
            {
                var protocol = port.Protocol ?? "TCP";
                if (protocol != "TCP") continue; // only TCP is carried by the modelled network
                var endpoints = EndpointsFor(mySlices, port.Name ?? "", protocol);
                var rule = new ServicePortRule(key, port.Name ?? "", port.Port, port.NodePort ?? 0, clusterIp, affinity,
                    spec.InternalTrafficPolicy == "Local", spec.ExternalTrafficPolicy == "Local", endpoints);
                ClusterIps[(clusterIp, port.Port)] = rule;
                foreach (var ip in spec.ExternalIPs ?? []) ExternalIps[(ip, port.Port)] = rule;
                if (external && port.NodePort is > 0) NodePorts[port.NodePort.Value] = rule;
                if (spec.Type == "LoadBalancer")
                    foreach (var ingress in svc.Status?.LoadBalancer?.Ingress ?? [])
                        if (!string.IsNullOrEmpty(ingress.Ip))
                        {
                            LoadBalancers[(ingress.Ip, port.Port)] = rule;
                            LoadBalancerAddresses.Add(ingress.Ip);
                        }
            }
        }
    }

    /// <summary>Endpoints of one Service port: every slice's addresses with the slice port of the same name and protocol, de-duplicated.</summary>
    private static List<ProxyEndpoint> EndpointsFor(List<V1EndpointSlice> slices, string portName, string protocol)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ProxyEndpoint>();
        foreach (var slice in slices)
        {
            if (slice.AddressType is not (null or "IPv4")) continue;
            var sp = slice.Ports?.FirstOrDefault(p => (p.Name ?? "") == portName && (p.Protocol ?? "TCP") == protocol);
            if (sp?.Port is not { } port) continue;
            foreach (var e in slice.Endpoints ?? [])
            {
                var ip = e.Addresses?.FirstOrDefault();
                if (ip is null) continue;
                var ready = e.Conditions?.Ready ?? true;
                var ep = new ProxyEndpoint(ip, port, e.NodeName, ready, e.Conditions?.Serving ?? ready, e.Conditions?.Terminating ?? false);
                if (seen.Add(ep.Key)) result.Add(ep);
            }
        }
        return result;
    }
}
