using System.Net;
using k8s.Models;

namespace KubeLab.Simulator.Network.Dns;

/// <summary>
/// The A records CoreDNS's kubernetes plugin serves for the zone <c>cluster.local</c> (the Kubernetes DNS specification,
/// github.com/kubernetes/dns docs/specification.md, and coredns plugin/kubernetes), computed from Services and Pods:
/// <list type="bullet">
/// <item><c>&lt;svc&gt;.&lt;ns&gt;.svc.cluster.local</c>: a ClusterIP Service → its cluster IP; a headless Service
/// (<c>clusterIP: None</c>) → one A per ready endpoint (NXDOMAIN when there is none);</item>
/// <item><c>&lt;hostname&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.cluster.local</c>: an endpoint of a headless Service whose pod sets
/// <c>spec.hostname</c> and <c>spec.subdomain</c> = the Service's name (the EndpointSlice controller copies the hostname only
/// then; StatefulSet pods get both from their controller); other endpoints by their dashed IP (<c>10-244-1-5.svc.ns.svc…</c>);</item>
/// <item><c>&lt;a-b-c-d&gt;.&lt;ns&gt;.pod.cluster.local</c> → a.b.c.d (kind's Corefile has <c>pods insecure</c>: not checked);</item>
/// <item>anything else: NXDOMAIN (names outside the zone are forwarded upstream by CoreDNS; the simulator has no internet).</item>
/// </list>
/// Endpoints: this simulator has no EndpointSlice controller yet (Services, EndpointSlices and kube-proxy arrive with the
/// Services chapter), so they are computed here the way that controller would: the Service's selector over the Pods of its
/// namespace, pods with an IP and not Succeeded/Failed (endpointslice ShouldPodBeInEndpoints); ready = Ready condition and not
/// terminating, or any such pod when <c>publishNotReadyAddresses</c> is set. CoreDNS publishes only ready endpoints.
/// Not modelled: SRV, PTR, AAAA, ExternalName CNAMEs, selectorless Services with hand-made EndpointSlices.
/// </summary>
public static class ClusterDnsRecords
{
    public const string Zone = "cluster.local";

    /// <summary>The A records for a fully qualified name (no trailing dot needed), or null for NXDOMAIN.</summary>
    public static IReadOnlyList<string>? Lookup(string fqdn, Func<string, V1Service?> service, Func<string, IEnumerable<V1Pod>> podsIn)
    {
        var name = fqdn.TrimEnd('.').ToLowerInvariant();
        if (!name.EndsWith("." + Zone, StringComparison.Ordinal)) return null;
        var labels = name[..^(Zone.Length + 1)].Split('.');
        // <a-b-c-d>.<ns>.pod
        if (labels is [var dashed, _, "pod"])
            return IPAddress.TryParse(dashed.Replace('-', '.'), out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                ? [ip.ToString()] : null;
        if (labels is [var svcName, var ns, "svc"])
        {
            var svc = service($"{ns}/{svcName}");
            if (svc?.Spec is null || svc.Spec.Type == "ExternalName") return null;
            if (svc.Spec.ClusterIP is { Length: > 0 } cip && cip != "None") return [cip];
            var ips = ReadyEndpoints(svc, podsIn(ns)).Select(p => p.Status.PodIP).ToList();
            return ips.Count > 0 ? ips : null;
        }
        if (labels is [var host, var svcName2, var ns2, "svc"])
        {
            var svc = service($"{ns2}/{svcName2}");
            if (svc?.Spec is null || svc.Spec.ClusterIP != "None") return null; // per-endpoint names exist for headless Services only
            var match = ReadyEndpoints(svc, podsIn(ns2)).Where(p => EndpointHostname(p, svc) == host).Select(p => p.Status.PodIP).ToList();
            return match.Count > 0 ? match : null;
        }
        return null;
    }

    /// <summary>The pods a Service's EndpointSlice would list as ready, ordered by name (CoreDNS's loadbalance plugin shuffles them).</summary>
    public static IEnumerable<V1Pod> ReadyEndpoints(V1Service svc, IEnumerable<V1Pod> podsInNamespace)
    {
        var selector = svc.Spec?.Selector;
        if (selector is null || selector.Count == 0) return [];
        var publishNotReady = svc.Spec!.PublishNotReadyAddresses == true;
        return podsInNamespace
            .Where(p => p.Metadata.Labels is { } l && selector.All(kv => l.TryGetValue(kv.Key, out var v) && v == kv.Value))
            .Where(p => !string.IsNullOrEmpty(p.Status?.PodIP) && p.Status.Phase is not ("Succeeded" or "Failed"))
            .Where(p => publishNotReady || (p.Metadata.DeletionTimestamp is null && p.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true))
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal);
    }

    /// <summary>The endpoint's DNS label: spec.hostname when spec.subdomain names this Service (endpointslice utils), else the dashed IP.</summary>
    public static string EndpointHostname(V1Pod pod, V1Service svc) =>
        !string.IsNullOrEmpty(pod.Spec?.Hostname) && pod.Spec.Subdomain == svc.Metadata.Name
            ? pod.Spec.Hostname.ToLowerInvariant()
            : pod.Status.PodIP.Replace('.', '-');
}
