using k8s.Models;
using KubeLab.Simulator.Controllers.EndpointSlice;

namespace KubeLab.Simulator.Controllers.EndpointSliceMirroring;

/// <summary>
/// What the EndpointSliceMirroring controller makes of a hand-written Endpoints object (pkg/controller/endpointslicemirroring
/// reconciler.go, utils.go): each subset's IPv4 addresses become endpoints (ready: true for addresses, false for
/// notReadyAddresses; hostname, nodeName, targetRef copied) under that subset's ports, at most 1000 per subset
/// (--mirroring-max-endpoints-per-subset); labels are the Endpoints' own plus service-name and managed-by
/// <c>endpointslicemirroring-controller.k8s.io</c>; annotations are copied except last-change-trigger-time and
/// kubectl's last-applied-configuration; the slices are owned by the Endpoints object.
/// </summary>
public static class MirroredSlices
{
    public const string ControllerName = "endpointslicemirroring-controller.k8s.io";
    public const string SkipMirrorLabel = "endpointslice.kubernetes.io/skip-mirror";
    public const string LeaderAnnotation = "control-plane.alpha.kubernetes.io/leader";
    public const int MaxEndpointsPerSubset = 1000;

    /// <summary>shouldMirror: not labelled skip-mirror "true" and not a leader-election lock.</summary>
    public static bool ShouldMirror(V1Endpoints endpoints) =>
        EndpointPodRules.Label(endpoints.Metadata.Labels, SkipMirrorLabel) != "true" &&
        EndpointPodRules.Label(endpoints.Metadata.Annotations, LeaderAnnotation) is null;

    public static EndpointSlicePlan Plan(V1Endpoints endpoints, IReadOnlyList<V1EndpointSlice> existing)
    {
        var desired = new Dictionary<string, (List<Discoveryv1EndpointPort> Ports, Dictionary<string, V1Endpoint> Endpoints)>();
        foreach (var subset in endpoints.Subsets ?? [])
        {
            var ports = (subset.Ports ?? []).Select(p => new Discoveryv1EndpointPort { Name = p.Name ?? "", Port = p.Port, Protocol = p.Protocol ?? "TCP", AppProtocol = p.AppProtocol }).ToList();
            var key = EndpointSlicePlanner.PortsKey(ports);
            if (!desired.TryGetValue(key, out var group)) desired[key] = group = (ports, new Dictionary<string, V1Endpoint>());
            var taken = 0;
            foreach (var (address, ready) in (subset.Addresses ?? []).Select(a => (a, true)).Concat((subset.NotReadyAddresses ?? []).Select(a => (a, false))))
            {
                if (taken == MaxEndpointsPerSubset) break;
                if (!System.Net.IPAddress.TryParse(address.Ip, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) continue;
                var ep = new V1Endpoint
                {
                    Addresses = [address.Ip],
                    Conditions = new V1EndpointConditions { Ready = ready },
                    Hostname = string.IsNullOrEmpty(address.Hostname) ? null : address.Hostname,
                    NodeName = address.NodeName,
                    TargetRef = address.TargetRef,
                };
                if (group.Endpoints.TryAdd(EndpointSlicePlanner.EndpointKey(ep), ep)) taken++;
            }
        }
        foreach (var key in desired.Where(kv => kv.Value.Endpoints.Count == 0).Select(kv => kv.Key).ToList()) desired.Remove(key);

        var labels = new Dictionary<string, string>();
        foreach (var (k, v) in endpoints.Metadata.Labels ?? new Dictionary<string, string>())
            if (k is not (EndpointSlicePlanner.ServiceNameLabel or EndpointSlicePlanner.ManagedByLabel)) labels[k] = v;
        labels[EndpointSlicePlanner.ServiceNameLabel] = endpoints.Metadata.Name;
        labels[EndpointSlicePlanner.ManagedByLabel] = ControllerName;
        var annotations = (endpoints.Metadata.Annotations ?? new Dictionary<string, string>())
            .Where(kv => kv.Key is not (EndpointSlicePlanner.TriggerTimeAnnotation or "kubectl.kubernetes.io/last-applied-configuration"))
            .ToDictionary(kv => kv.Key, kv => kv.Value);

        return EndpointSlicePlanner.Reconcile(desired, existing, MaxEndpointsPerSubset, labels, null, (ports, chunk) => new V1EndpointSlice
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSlice",
            Metadata = new V1ObjectMeta
            {
                GenerateName = EndpointSlicePlanner.Prefix(endpoints.Metadata.Name),
                NamespaceProperty = endpoints.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string>(labels),
                Annotations = annotations.Count > 0 ? new Dictionary<string, string>(annotations) : null,
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Endpoints", Name = endpoints.Metadata.Name, Uid = endpoints.Metadata.Uid, Controller = true, BlockOwnerDeletion = true }],
            },
            AddressType = "IPv4",
            Endpoints = chunk,
            Ports = ports,
        });
    }
}
