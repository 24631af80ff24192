namespace KubeLab.Simulator.Network.Dns;

/// <summary>
/// How a pod's libc resolver (glibc/musl getaddrinfo, what wget and most programs use) turns a name into queries with the
/// kubelet-written resolv.conf (<c>search &lt;ns&gt;.svc.cluster.local svc.cluster.local cluster.local</c>, <c>options ndots:5</c>):
/// a name with a trailing dot is absolute; one with at least ndots dots is tried as given first, then with each search
/// domain; a shorter one (<c>web-0.web</c>, <c>web</c>) is tried with each search domain first, then as given (resolv.conf(5)).
/// </summary>
public static class ResolverSearch
{
    public const int KubeletNdots = 5;

    /// <summary>The search list the kubelet writes for a ClusterFirst pod (pkg/kubelet/network/dns GetPodDNS).</summary>
    public static IReadOnlyList<string> ClusterFirstSearch(string ns) =>
        [$"{ns}.svc.{ClusterDnsRecords.Zone}", $"svc.{ClusterDnsRecords.Zone}", ClusterDnsRecords.Zone];

    public static IEnumerable<string> Candidates(string name, IReadOnlyList<string> search, int ndots = KubeletNdots)
    {
        if (name.EndsWith('.')) { yield return name.TrimEnd('.'); yield break; }
        var dots = name.Count(c => c == '.');
        if (dots >= ndots) yield return name;
        foreach (var domain in search) yield return $"{name}.{domain}";
        if (dots < ndots) yield return name;
    }
}
