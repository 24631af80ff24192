using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Controllers.EndpointSlice;

/// <summary>What one sync of a Service writes: slices to create (generateName), to update (full objects), to delete.</summary>
public sealed record EndpointSlicePlan(IReadOnlyList<V1EndpointSlice> Create, IReadOnlyList<V1EndpointSlice> Update, IReadOnlyList<V1EndpointSlice> Delete)
{
    public bool IsEmpty => Create.Count == 0 && Update.Count == 0 && Delete.Count == 0;
}

/// <summary>
/// The EndpointSlice reconciler (staging/src/k8s.io/endpointslice reconciler.go reconcileByAddressType, utils.go): the pods of
/// the Service become endpoints (podToEndpoint), grouped by their resolved port list (a named targetPort may resolve to other
/// numbers on other pods, so those pods land in other slices; a port a pod cannot resolve is left out of its list). Per group:
/// endpoints that stay keep their slice; slices that lost all endpoints or whose port list no longer exists are deleted; new
/// endpoints first fill slices that are being updated anyway, then new slices of at most maxEndpointsPerSlice, the last chunk
/// going into an unchanged slice with room when there is one. With no endpoints at all one placeholder slice (no ports, no
/// endpoints) remains. Only IPv4 is modelled (kind's default single stack).
/// </summary>
public static class EndpointSlicePlanner
{
    public const string ControllerName = "endpointslice-controller.k8s.io";
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    public const string HeadlessLabel = "service.kubernetes.io/headless";
    public const string TriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time";
    /// <summary>kube-controller-manager's --max-endpoints-per-slice default.</summary>
    public const int DefaultMaxEndpointsPerSlice = 100;

    public static EndpointSlicePlan Plan(V1Service svc, IEnumerable<V1Pod> pods, IReadOnlyList<V1EndpointSlice> existing, int maxPerSlice, DateTime? triggerTime)
    {
        // Desired endpoints by port list; the key is the list's JSON (the upstream "port map key" hashes the same fields).
        var desired = new Dictionary<string, (List<Discoveryv1EndpointPort> Ports, Dictionary<string, V1Endpoint> Endpoints)>();
        foreach (var pod in pods.Where(p => EndpointPodRules.Selects(svc, p) && EndpointPodRules.ShouldPodBeInEndpoints(p, includeTerminating: true))
                     .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var ports = EndpointPorts(svc, pod);
            var key = PortsKey(ports);
            if (!desired.TryGetValue(key, out var group)) desired[key] = group = (ports, new Dictionary<string, V1Endpoint>());
            var ep = PodToEndpoint(pod, svc);
            group.Endpoints.TryAdd(EndpointKey(ep), ep);
        }

        var wantedLabels = SliceLabels(svc);
        var plan = Reconcile(desired, existing, maxPerSlice, wantedLabels, triggerTime, (ports, chunk) => NewSlice(svc, ports, chunk, wantedLabels, triggerTime));

        // No endpoints left anywhere: one placeholder slice stays (reconciler.go "placeholder"), reused if it exists.
        var (create, update, delete) = (plan.Create.ToList(), plan.Update.ToList(), plan.Delete.ToList());
        if (existing.Count == delete.Count && create.Count == 0)
        {
            var placeholder = delete.FirstOrDefault(s => s.Endpoints is not { Count: > 0 } && s.Ports is not { Count: > 0 });
            if (placeholder is not null)
            {
                delete.Remove(placeholder);
                if (!SameLabels(placeholder, wantedLabels)) update.Add(WithEndpoints(placeholder, [], wantedLabels, triggerTime));
            }
            else create.Add(NewSlice(svc, [], [], wantedLabels, triggerTime));
        }
        return new EndpointSlicePlan(create, update, delete);
    }

    /// <summary>
    /// The placement shared with the mirroring controller: existing slices keep the endpoints that stay, lose the others (and
    /// go when empty or when their port list is no longer wanted); new endpoints fill slices being updated, then new ones.
    /// </summary>
    internal static EndpointSlicePlan Reconcile(Dictionary<string, (List<Discoveryv1EndpointPort> Ports, Dictionary<string, V1Endpoint> Endpoints)> desired,
        IReadOnlyList<V1EndpointSlice> existing, int maxPerSlice, Dictionary<string, string> wantedLabels, DateTime? triggerTime,
        Func<List<Discoveryv1EndpointPort>, List<V1Endpoint>, V1EndpointSlice> newSlice)
    {
        var create = new List<V1EndpointSlice>();
        var update = new List<V1EndpointSlice>();
        var delete = new List<V1EndpointSlice>();
        foreach (var slice in existing.Where(s => !desired.ContainsKey(PortsKey(s.Ports))))
            delete.Add(slice);
        foreach (var (key, (ports, wanted)) in desired)
        {
            var toUpdate = new List<V1EndpointSlice>();
            var unchanged = new List<V1EndpointSlice>();
            foreach (var slice in existing.Where(s => PortsKey(s.Ports) == key))
            {
                var kept = new List<V1Endpoint>();
                var changed = false;
                foreach (var ep in slice.Endpoints ?? [])
                {
                    if (wanted.Remove(EndpointKey(ep), out var want))
                    {
                        kept.Add(want);
                        changed |= !SameJson(ep, want);
                    }
                    else changed = true;
                }
                if (kept.Count == 0) delete.Add(slice);
                else if (changed || !SameLabels(slice, wantedLabels)) toUpdate.Add(WithEndpoints(slice, kept, wantedLabels, triggerTime));
                else unchanged.Add(slice);
            }
            var remaining = new Queue<V1Endpoint>(wanted.Values);
            // New endpoints go into slices that are written anyway, fullest first.
            foreach (var slice in toUpdate.OrderByDescending(s => s.Endpoints.Count))
                while (remaining.Count > 0 && slice.Endpoints.Count < maxPerSlice) slice.Endpoints.Add(remaining.Dequeue());
            while (remaining.Count > 0)
            {
                var chunk = new List<V1Endpoint>();
                while (remaining.Count > 0 && chunk.Count < maxPerSlice) chunk.Add(remaining.Dequeue());
                // The last chunk may fit into an unchanged slice (fullest first) instead of a new one.
                var roomy = remaining.Count == 0 ? unchanged.OrderByDescending(s => s.Endpoints.Count).FirstOrDefault(s => s.Endpoints.Count + chunk.Count <= maxPerSlice) : null;
                if (roomy is not null)
                {
                    unchanged.Remove(roomy);
                    toUpdate.Add(WithEndpoints(roomy, [.. roomy.Endpoints, .. chunk], wantedLabels, triggerTime));
                }
                else create.Add(newSlice(ports, chunk));
            }
            update.AddRange(toUpdate);
        }
        return new EndpointSlicePlan(create, update, delete);
    }

    /// <summary>podToEndpoint: serving = Ready, terminating = deletionTimestamp set, ready = serving and not terminating – or always
    /// with publishNotReadyAddresses.</summary>
    public static V1Endpoint PodToEndpoint(V1Pod pod, V1Service svc)
    {
        var serving = EndpointPodRules.IsReady(pod);
        var terminating = pod.Metadata.DeletionTimestamp is not null;
        var ready = svc.Spec?.PublishNotReadyAddresses == true || (serving && !terminating);
        return new V1Endpoint
        {
            Addresses = [EndpointPodRules.PodIPv4(pod)!],
            Conditions = new V1EndpointConditions { Ready = ready, Serving = serving, Terminating = terminating },
            Hostname = EndpointPodRules.ShouldSetHostname(pod, svc) ? pod.Spec.Hostname : null,
            NodeName = string.IsNullOrEmpty(pod.Spec?.NodeName) ? null : pod.Spec.NodeName,
            TargetRef = new V1ObjectReference { Kind = "Pod", NamespaceProperty = pod.Metadata.NamespaceProperty, Name = pod.Metadata.Name, Uid = pod.Metadata.Uid },
        };
    }

    /// <summary>getEndpointPorts: every Service port the pod can resolve, with the Service port's name, protocol and appProtocol.</summary>
    public static List<Discoveryv1EndpointPort> EndpointPorts(V1Service svc, V1Pod pod)
    {
        var list = new List<Discoveryv1EndpointPort>();
        foreach (var sp in svc.Spec?.Ports ?? [])
            if (EndpointPodRules.FindPort(pod, sp) is { } number)
                list.Add(new Discoveryv1EndpointPort { Name = sp.Name ?? "", Port = number, Protocol = sp.Protocol ?? "TCP", AppProtocol = sp.AppProtocol });
        return list;
    }

    /// <summary>setEndpointSliceLabels: the Service's labels (minus the two reserved keys), service-name, managed-by, headless.</summary>
    public static Dictionary<string, string> SliceLabels(V1Service svc)
    {
        var labels = new Dictionary<string, string>();
        foreach (var (k, v) in svc.Metadata.Labels ?? new Dictionary<string, string>())
            if (k is not (ServiceNameLabel or ManagedByLabel)) labels[k] = v;
        if (svc.Spec?.ClusterIP == "None") labels[HeadlessLabel] = "";
        labels[ServiceNameLabel] = svc.Metadata.Name;
        labels[ManagedByLabel] = ControllerName;
        return labels;
    }

    private static V1EndpointSlice NewSlice(V1Service svc, List<Discoveryv1EndpointPort> ports, List<V1Endpoint> endpoints, Dictionary<string, string> labels, DateTime? trigger) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta
        {
            GenerateName = Prefix(svc.Metadata.Name),
            NamespaceProperty = svc.Metadata.NamespaceProperty,
            Labels = new Dictionary<string, string>(labels),
            Annotations = trigger is { } t ? new Dictionary<string, string> { [TriggerTimeAnnotation] = FormatTime(t) } : null,
            OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "Service", Name = svc.Metadata.Name, Uid = svc.Metadata.Uid, Controller = true, BlockOwnerDeletion = true }],
        },
        AddressType = "IPv4",
        Endpoints = endpoints,
        Ports = ports,
    };

    /// <summary>getEndpointSlicePrefix: "&lt;service&gt;-", cut so that generateName's 5 random characters still fit 63.</summary>
    internal static string Prefix(string service) => (service.Length > 57 ? service[..57] : service) + "-";

    private static V1EndpointSlice WithEndpoints(V1EndpointSlice slice, List<V1Endpoint> endpoints, Dictionary<string, string> labels, DateTime? trigger)
    {
        var copy = KubernetesJson.Deserialize<V1EndpointSlice>(KubernetesJson.Serialize(slice));
        copy.Endpoints = endpoints;
        copy.Metadata.Labels = new Dictionary<string, string>(labels);
        if (trigger is { } t) (copy.Metadata.Annotations ??= new Dictionary<string, string>())[TriggerTimeAnnotation] = FormatTime(t);
        return copy;
    }

    /// <summary>RFC 3339 with fractional seconds only when non-zero (Go's time.RFC3339Nano).</summary>
    public static string FormatTime(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('.') + "Z";

    private static bool SameLabels(V1EndpointSlice slice, Dictionary<string, string> labels) =>
        slice.Metadata.Labels is { } l && l.Count == labels.Count && labels.All(kv => l.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>An endpoint's identity (the upstream endpoint hash: addresses, hostname, target namespace/name).</summary>
    public static string EndpointKey(V1Endpoint ep) =>
        $"{string.Join(",", ep.Addresses ?? [])}|{ep.Hostname}|{ep.TargetRef?.NamespaceProperty}/{ep.TargetRef?.Name}";

    public static string PortsKey(IEnumerable<Discoveryv1EndpointPort>? ports) =>
        string.Join(";", (ports ?? []).Select(p => $"{p.Name}/{p.Protocol}/{p.Port}/{p.AppProtocol}"));

    private static bool SameJson(object a, object b) => KubernetesJson.Serialize(a) == KubernetesJson.Serialize(b);
}
