using System.Globalization;
using System.Net;
using k8s.Models;

namespace KubeLab.Simulator.Network.Dns;

/// <summary>
/// The records CoreDNS's kubernetes plugin serves for the zone <c>cluster.local</c> (the Kubernetes DNS specification,
/// github.com/kubernetes/dns docs/specification.md; coredns plugin/kubernetes kubernetes.go, object/endpoint.go), computed from
/// Services and EndpointSlices (CoreDNS watches slices with the <c>kubernetes.io/service-name</c> label, whoever manages them):
/// <list type="bullet">
/// <item><c>&lt;svc&gt;.&lt;ns&gt;.svc.cluster.local</c> A: a ClusterIP Service → its cluster IP; a headless Service → one A per
/// ready endpoint address (an endpoint whose <c>conditions.ready</c> is unset counts as ready; NXDOMAIN when there is none);</item>
/// <item><c>&lt;hostname&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.cluster.local</c>: a ready endpoint of a headless Service, named by its
/// <c>hostname</c> (set by the EndpointSlice controller when the pod's subdomain is the Service) or else its dashed IP;</item>
/// <item><c>_&lt;port&gt;._&lt;proto&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.cluster.local</c> SRV per named port: a ClusterIP Service →
/// <c>0 100 &lt;port&gt; &lt;svc&gt;.&lt;ns&gt;.svc.cluster.local</c>; a headless one → one record per ready endpoint
/// (target its endpoint name, weight ⌊100/n⌋ as backend_lookup.go computes it);</item>
/// <item>an ExternalName Service → a CNAME to <c>spec.externalName</c>; the target is looked up in turn (CoreDNS resolves it
/// through its upstream): inside the zone it adds that name's records, outside it the simulator has no internet → NXDOMAIN;</item>
/// <item><c>&lt;a-b-c-d&gt;.&lt;ns&gt;.pod.cluster.local</c> → a.b.c.d (kind's Corefile has <c>pods insecure</c>: not checked);</item>
/// <item>anything else: NXDOMAIN.</item>
/// </list>
/// Not modelled: PTR, AAAA records (kind is IPv4 only: empty answers), SRV for pods, the loadbalance plugin's shuffling.
/// </summary>
public static class ClusterDnsRecords
{
    public const string Zone = "cluster.local";
    private const int MaxCnameChain = 8;

    /// <summary>The A records for a fully qualified name (no trailing dot needed), following CNAMEs, or null for NXDOMAIN.</summary>
    public static IReadOnlyList<string>? Lookup(string fqdn, Func<string, V1Service?> service, Func<string, string, IEnumerable<V1EndpointSlice>> slicesOf) =>
        Answer(fqdn, DnsType.A, service, slicesOf).Addresses;

    /// <summary>The reply to one question: A (CNAMEs followed) or SRV; <paramref name="slicesOf"/>(namespace, service) gives the Service's slices.</summary>
    public static DnsAnswer Answer(string fqdn, DnsType type, Func<string, V1Service?> service, Func<string, string, IEnumerable<V1EndpointSlice>> slicesOf)
    {
        var records = new List<DnsRecord>();
        var name = fqdn.TrimEnd('.').ToLowerInvariant();
        for (var hop = 0; hop < MaxCnameChain; hop++)
        {
            if (!name.EndsWith("." + Zone, StringComparison.Ordinal)) return new(records, true); // no upstream in the simulator
            var labels = name[..^(Zone.Length + 1)].Split('.');
            if (labels is [_, _, "svc"] && service($"{labels[1]}/{labels[0]}") is { Spec.Type: "ExternalName" } external)
            {
                var target = (external.Spec.ExternalName ?? "").TrimEnd('.').ToLowerInvariant();
                records.Add(new DnsRecord(name, DnsType.Cname, target));
                name = target;
                continue;
            }
            var found = type == DnsType.Srv ? Srv(labels, service, slicesOf) : A(labels, service, slicesOf);
            if (found is null) return new(records, true);
            records.AddRange(found.Select(d => new DnsRecord(name, type, d)));
            return new(records, false);
        }
        return new(records, true);
    }

    private static List<string>? A(string[] labels, Func<string, V1Service?> service, Func<string, string, IEnumerable<V1EndpointSlice>> slicesOf)
    {
        // <a-b-c-d>.<ns>.pod
        if (labels is [var dashed, _, "pod"])
            return IPAddress.TryParse(dashed.Replace('-', '.'), out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                ? [ip.ToString()] : null;
        if (labels is [var svcName, var ns, "svc"])
        {
            var svc = service($"{ns}/{svcName}");
            if (svc?.Spec is null) return null;
            if (svc.Spec.ClusterIP is { Length: > 0 } cip && cip != "None") return [cip];
            var ips = ReadyEndpoints(slicesOf(ns, svcName)).Select(e => e.Address).Distinct().ToList();
            return ips.Count > 0 ? ips : null;
        }
        if (labels is [var host, var svcName2, var ns2, "svc"])
        {
            var svc = service($"{ns2}/{svcName2}");
            if (svc?.Spec is null || svc.Spec.ClusterIP != "None") return null; // per-endpoint names exist for headless Services only
            var match = ReadyEndpoints(slicesOf(ns2, svcName2)).Where(e => e.Hostname == host).Select(e => e.Address).Distinct().ToList();
            return match.Count > 0 ? match : null;
        }
        return null;
    }

    private static List<string>? Srv(string[] labels, Func<string, V1Service?> service, Func<string, string, IEnumerable<V1EndpointSlice>> slicesOf)
    {
        if (labels is not [var portLabel, var protoLabel, var svcName, var ns, "svc"] || !portLabel.StartsWith('_') || !protoLabel.StartsWith('_')) return null;
        var (port, proto) = (portLabel[1..], protoLabel[1..]);
        var svc = service($"{ns}/{svcName}");
        if (svc?.Spec is null) return null;
        var svcFqdn = $"{svcName}.{ns}.svc.{Zone}";
        if (svc.Spec.ClusterIP is { Length: > 0 } cip && cip != "None")
        {
            var list = (svc.Spec.Ports ?? []).Where(p => p.Name?.ToLowerInvariant() == port && (p.Protocol ?? "TCP").ToLowerInvariant() == proto)
                .Select(p => $"0 100 {p.Port.ToString(CultureInfo.InvariantCulture)} {svcFqdn}").ToList();
            return list.Count > 0 ? list : null;
        }
        var targets = new List<(int Port, string Target)>();
        foreach (var slice in slicesOf(ns, svcName))
            foreach (var p in (slice.Ports ?? []).Where(p => p.Name?.ToLowerInvariant() == port && (p.Protocol ?? "TCP").ToLowerInvariant() == proto && p.Port is not null))
                foreach (var ep in ReadyEndpoints([slice]))
                    targets.Add((p.Port!.Value, $"{ep.Hostname}.{svcFqdn}"));
        targets = targets.Distinct().ToList();
        if (targets.Count == 0) return null;
        var weight = (int)Math.Floor(100.0 / targets.Count);
        return targets.Select(t => $"0 {weight.ToString(CultureInfo.InvariantCulture)} {t.Port.ToString(CultureInfo.InvariantCulture)} {t.Target}").ToList();
    }

    /// <summary>
    /// The ready endpoint addresses of a Service's slices with their DNS label: the endpoint's hostname, else the dashed IP
    /// (object/endpoint.go EndpointSliceToEndpoints keeps addresses whose ready condition is unset or true).
    /// </summary>
    public static IEnumerable<(string Address, string Hostname)> ReadyEndpoints(IEnumerable<V1EndpointSlice> slices) =>
        from slice in slices
        where slice.AddressType is null or "IPv4"
        from ep in slice.Endpoints ?? []
        where ep.Conditions?.Ready != false
        from address in ep.Addresses ?? []
        select (address, string.IsNullOrEmpty(ep.Hostname) ? address.Replace('.', '-') : ep.Hostname.ToLowerInvariant());
}
