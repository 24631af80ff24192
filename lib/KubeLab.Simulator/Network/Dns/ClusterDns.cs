using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Network.Dns;

/// <summary>
/// The cluster DNS server (kind runs CoreDNS as the Deployment <c>coredns</c> behind the Service <c>kube-dns</c>, 10.96.0.10):
/// like CoreDNS's kubernetes plugin it LISTs and WATCHes Services and EndpointSlices through the API and answers from that
/// cache (<see cref="ClusterDnsRecords"/>). <see cref="Resolve"/> is what a pod's libc resolver gets (search list, ndots:5);
/// <see cref="Query"/> / <see cref="Ask"/> are one DNS question, what nslookup sends. Pods are assumed to use dnsPolicy
/// ClusterFirst; the nodes (and so probes run by the kubelet) use Docker's resolver, which knows no cluster names.
/// </summary>
public sealed class ClusterDns : IClusterDnsServer
{
    public const string ServiceIp = "10.96.0.10";
    private const string ServiceNameLabel = "kubernetes.io/service-name";
    private readonly Informer<V1Service, V1ServiceList> services;
    private readonly Informer<V1EndpointSlice, V1EndpointSliceList> slices;

    public ClusterDns(Informer<V1Service, V1ServiceList> services, Informer<V1EndpointSlice, V1EndpointSliceList> slices)
    {
        this.services = services;
        this.slices = slices;
        // CoreDNS indexes slices by their Service; so does this cache.
        slices.AddIndex(ServiceNameLabel, s => s.Metadata.Labels is { } l && l.TryGetValue(ServiceNameLabel, out var svc) ? $"{s.Metadata.NamespaceProperty}/{svc}" : null);
    }

    public IReadOnlyList<string>? Query(string fqdn) => Ask(fqdn, DnsType.A).Addresses;

    public DnsAnswer Ask(string fqdn, DnsType type) =>
        ClusterDnsRecords.Answer(fqdn, type, services.Get, (ns, svc) => slices.ByIndex(ServiceNameLabel, $"{ns}/{svc}"));

    /// <summary>The first address a pod's getaddrinfo would return, or null ("bad address"); null for callers outside pods.</summary>
    public string? Resolve(PodSandbox? from, string name)
    {
        if (from is null) return null;
        foreach (var candidate in ResolverSearch.Candidates(name, ResolverSearch.ClusterFirstSearch(from.Namespace)))
            if (Query(candidate) is [var first, ..]) return first;
        return null;
    }

    /// <summary>Makes <paramref name="network"/> resolve names through this server.</summary>
    public void Attach(ClusterNetwork network)
    {
        network.Dns = this;
        network.Resolver = Resolve;
    }
}

/// <summary>A DNS server: A queries (the addresses, or null for NXDOMAIN) and full answers with CNAME and SRV records.</summary>
public interface IClusterDnsServer
{
    IReadOnlyList<string>? Query(string fqdn);

    DnsAnswer Ask(string fqdn, DnsType type) =>
        type == DnsType.A && Query(fqdn) is { } ips ? new DnsAnswer(ips.Select(ip => new DnsRecord(fqdn, DnsType.A, ip)).ToList(), false) : DnsAnswer.NotFound;
}
