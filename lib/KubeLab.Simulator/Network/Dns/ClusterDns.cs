using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Network.Dns;

/// <summary>
/// The cluster DNS server (kind runs CoreDNS as the Deployment <c>coredns</c> behind the Service <c>kube-dns</c>, 10.96.0.10):
/// like CoreDNS's kubernetes plugin it LISTs and WATCHes Services and Pods through the API and answers from that cache
/// (<see cref="ClusterDnsRecords"/>). <see cref="Resolve"/> is what a pod's libc resolver gets (search list, ndots:5);
/// <see cref="Query"/> is one DNS question, what nslookup sends. Pods are assumed to use dnsPolicy ClusterFirst; the nodes
/// (and so probes run by the kubelet) use Docker's resolver, which knows no cluster names.
/// A ClusterIP Service's name resolves to its cluster IP, but nothing answers there until kube-proxy is modelled.
/// </summary>
public sealed class ClusterDns(Informer<V1Service, V1ServiceList> services, Informer<V1Pod, V1PodList> pods) : IClusterDnsServer
{
    public const string ServiceIp = "10.96.0.10";

    public IReadOnlyList<string>? Query(string fqdn) =>
        ClusterDnsRecords.Lookup(fqdn, services.Get, ns => pods.List(ns));

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

/// <summary>A DNS server answering A queries: the addresses, or null for NXDOMAIN.</summary>
public interface IClusterDnsServer
{
    IReadOnlyList<string>? Query(string fqdn);
}
