using k8s.Models;
using KubeLab.Simulator.Controllers.EndpointSlice;

namespace KubeLab.Simulator.Controllers.Endpoints;

/// <summary>
/// The legacy core/v1 Endpoints content (pkg/controller/endpoint/endpoints_controller.go syncService, addEndpointSubset,
/// truncateEndpoints; pkg/api/v1/endpoints RepackSubsets): every pod the Service selects that ShouldPodBeInEndpoints
/// (terminating pods only with publishNotReadyAddresses) gives one address per Service port it can resolve – under
/// <c>addresses</c> when Ready (or publishNotReadyAddresses), else <c>notReadyAddresses</c>; a headless Service without ports
/// lists the addresses without ports. Addresses are repacked into one subset per distinct port set, sorted by IP. Past 1000
/// addresses the lists are cut (ready ones kept first, each subset its proportional share) and the object is annotated
/// <c>endpoints.kubernetes.io/over-capacity: truncated</c>.
/// </summary>
public static class EndpointSubsets
{
    public const int MaxCapacity = 1000;
    public const string OverCapacityAnnotation = "endpoints.kubernetes.io/over-capacity";

    public static (List<V1EndpointSubset> Subsets, bool Truncated) Compute(V1Service svc, IEnumerable<V1Pod> pods)
    {
        var publishNotReady = svc.Spec?.PublishNotReadyAddresses == true;
        // port key → (port, address key → (address, ready))
        var byPort = new Dictionary<string, (Corev1EndpointPort? Port, Dictionary<string, (V1EndpointAddress Address, bool Ready)> Addresses)>();
        foreach (var pod in pods.Where(p => EndpointPodRules.Selects(svc, p) && EndpointPodRules.ShouldPodBeInEndpoints(p, includeTerminating: publishNotReady)))
        {
            var address = new V1EndpointAddress
            {
                Ip = EndpointPodRules.PodIPv4(pod)!,
                NodeName = pod.Spec?.NodeName,
                Hostname = EndpointPodRules.ShouldSetHostname(pod, svc) ? pod.Spec!.Hostname : null,
                TargetRef = new V1ObjectReference { Kind = "Pod", NamespaceProperty = pod.Metadata.NamespaceProperty, Name = pod.Metadata.Name, Uid = pod.Metadata.Uid },
            };
            var ready = publishNotReady || EndpointPodRules.IsReady(pod);
            if (svc.Spec?.Ports is not { Count: > 0 })
            {
                if (svc.Spec?.ClusterIP == "None") Add(null, address, ready);
                continue;
            }
            foreach (var sp in svc.Spec.Ports)
                if (EndpointPodRules.FindPort(pod, sp) is { } number)
                    Add(new Corev1EndpointPort { Name = sp.Name, Port = number, Protocol = sp.Protocol ?? "TCP", AppProtocol = sp.AppProtocol }, address, ready);
        }

        // RepackSubsets: an address goes into the subset of exactly the ports it has.
        var portsOf = new Dictionary<string, (V1EndpointAddress Address, bool Ready, List<Corev1EndpointPort?> Ports)>();
        foreach (var (_, (port, addresses)) in byPort.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            foreach (var (key, (address, ready)) in addresses)
            {
                if (!portsOf.TryGetValue(key, out var entry)) portsOf[key] = entry = (address, ready, []);
                entry.Ports.Add(port);
            }
        var subsets = portsOf.Values
            .GroupBy(e => string.Join(";", e.Ports.Select(PortKey)))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new V1EndpointSubset
            {
                Addresses = NullIfEmpty(g.Where(e => e.Ready).Select(e => e.Address).OrderBy(a => a.Ip, StringComparer.Ordinal).ThenBy(a => a.TargetRef?.Uid, StringComparer.Ordinal)),
                NotReadyAddresses = NullIfEmpty(g.Where(e => !e.Ready).Select(e => e.Address).OrderBy(a => a.Ip, StringComparer.Ordinal).ThenBy(a => a.TargetRef?.Uid, StringComparer.Ordinal)),
                Ports = g.First().Ports is var ps && ps.All(p => p is not null) ? ps.Select(p => p!).ToList() : null,
            }).ToList();
        return (subsets, Truncate(subsets));

        void Add(Corev1EndpointPort? port, V1EndpointAddress address, bool ready)
        {
            var key = port is null ? "" : PortKey(port);
            if (!byPort.TryGetValue(key, out var entry)) byPort[key] = entry = (port, new Dictionary<string, (V1EndpointAddress, bool)>());
            entry.Addresses[$"{address.Ip}/{address.TargetRef?.Uid}"] = (address, ready);
        }
    }

    private static string PortKey(Corev1EndpointPort? p) => p is null ? "" : $"{p.Name}/{p.Protocol}/{p.Port}";

    private static List<V1EndpointAddress>? NullIfEmpty(IEnumerable<V1EndpointAddress> list) => list.ToList() is { Count: > 0 } l ? l : null;

    /// <summary>truncateEndpoints: keep at most 1000 addresses; not-ready ones go first, each subset keeps its proportional share (rounded up).</summary>
    public static bool Truncate(List<V1EndpointSubset> subsets)
    {
        var totalReady = subsets.Sum(s => s.Addresses?.Count ?? 0);
        var totalNotReady = subsets.Sum(s => s.NotReadyAddresses?.Count ?? 0);
        if (totalReady + totalNotReady <= MaxCapacity) return false;
        var truncateReady = totalReady > MaxCapacity;
        var max = truncateReady ? MaxCapacity : MaxCapacity - totalReady;
        var numTotal = truncateReady ? totalReady : totalNotReady;
        var canBeAdded = max;
        foreach (var s in subsets)
        {
            var inSubset = truncateReady ? s.Addresses?.Count ?? 0 : s.NotReadyAddresses?.Count ?? 0;
            var toBeAdded = Math.Min((int)Math.Ceiling((double)inSubset / numTotal * max), canBeAdded);
            if (truncateReady)
            {
                s.Addresses = s.Addresses?.Take(toBeAdded).ToList();
                s.NotReadyAddresses = null;
                canBeAdded -= s.Addresses?.Count ?? 0;
            }
            else
            {
                s.NotReadyAddresses = s.NotReadyAddresses?.Take(toBeAdded).ToList();
                canBeAdded -= s.NotReadyAddresses?.Count ?? 0;
            }
        }
        return true;
    }
}
