using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Registry.Service;

/// <summary>
/// What pkg/registry/core/service/storage (storage.go beginCreate/beginUpdate, alloc.go allocateCreate/allocateUpdate) does
/// around a Service write: cluster IPs and node ports are allocated before validation, kept on update
/// (patchAllocatedValues), released when the type no longer needs them (dropTypeDependentFields) and when the Service goes.
/// The allocators' bitmaps are derived from the stored Services, so a delete releases everything without bookkeeping; writes
/// of Services are serialised by <see cref="GateFor"/> so two creates cannot take the same address.
/// </summary>
public static class ServiceAllocations
{
    private static readonly ConditionalWeakTable<ObjectStore, object> Gates = new();

    public static object GateFor(ObjectStore store) => Gates.GetValue(store, _ => new object());

    /// <summary>beginCreate: normalise clusterIP/clusterIPs, then allocate what the type needs; throws 422 Invalid with alloc.go's texts.</summary>
    public static void AllocateCreate(ObjectStore store, JsonObject svc)
    {
        if (svc["spec"] is not JsonObject spec) svc["spec"] = spec = new JsonObject();
        NormalizeClusterIps(spec, null);
        var others = OtherServices(store, svc);
        var errors = new List<FieldError>();
        if (spec.Str("type") != "ExternalName") AllocateClusterIp(spec, others, errors, null);
        AllocateNodePorts(spec, others, errors, null);
        if (errors.Count > 0) throw ApiError.Invalid(ResourceRegistry.ForKind("Service"), svc.Name(), errors);
    }

    /// <summary>beginUpdate: keep what was allocated, drop what the new type does not need, allocate what it newly needs.</summary>
    public static List<FieldError> AllocateUpdate(ObjectStore store, JsonObject old, JsonObject next)
    {
        var oldSpec = old["spec"] as JsonObject ?? new JsonObject();
        if (next["spec"] is not JsonObject spec) next["spec"] = spec = new JsonObject();
        NormalizeClusterIps(spec, oldSpec);
        PatchAllocatedValues(oldSpec, spec);
        DropTypeDependentFields(oldSpec, spec);
        var errors = new List<FieldError>();
        var oldType = oldSpec.Str("type") ?? "ClusterIP";
        var newType = spec.Str("type") ?? "ClusterIP";
        // validateUpgradeDowngradeClusterIPs (pkg/apis/core/validation): an assigned cluster IP never changes, except to or from ExternalName.
        if (oldType != "ExternalName" && newType != "ExternalName")
        {
            var oldIps = Strings(oldSpec["clusterIPs"]);
            var newIps = Strings(spec["clusterIPs"]);
            for (var i = 0; i < oldIps.Count && i < newIps.Count; i++)
                if (oldIps[i] != newIps[i]) errors.Add(FieldError.Invalid($"spec.clusterIPs[{i}]", GoStringSlice(newIps), "may not change once set"));
            if (errors.Count > 0) return errors;
        }
        var others = OtherServices(store, next);
        if (newType != "ExternalName") AllocateClusterIp(spec, others, errors, oldType == "ExternalName" ? null : oldSpec);
        AllocateNodePorts(spec, others, errors, oldSpec);
        return errors;
    }

    public static bool NeedsNodePorts(JsonObject spec) => spec.Str("type") switch
    {
        "NodePort" => true,
        "LoadBalancer" => spec["allocateLoadBalancerNodePorts"] is not JsonValue v || !v.TryGetValue<bool>(out var b) || b,
        _ => false,
    };

    public static bool NeedsHealthCheckNodePort(JsonObject spec) =>
        spec.Str("type") == "LoadBalancer" && spec.Str("externalTrafficPolicy") == "Local";

    private static void NormalizeClusterIps(JsonObject spec, JsonObject? oldSpec)
    {
        var ip = spec.Str("clusterIP") ?? "";
        var ips = Strings(spec["clusterIPs"]);
        // normalizeClusterIPs: a changed clusterIP with unchanged clusterIPs rewrites clusterIPs[0]; either one fills the other.
        if (oldSpec is not null && ip != (oldSpec.Str("clusterIP") ?? "") && ips.SequenceEqual(Strings(oldSpec["clusterIPs"])))
        {
            if (ip.Length == 0) spec.Remove("clusterIPs");
            else { ips = ips.Count == 0 ? [ip] : [ip, .. ips.Skip(1)]; spec["clusterIPs"] = ToArray(ips); }
            return;
        }
        if (ip.Length > 0 && ips.Count == 0) spec["clusterIPs"] = new JsonArray(ip);
        else if (ip.Length == 0 && ips.Count > 0) spec["clusterIP"] = ips[0];
    }

    private static void PatchAllocatedValues(JsonObject oldSpec, JsonObject spec)
    {
        var oldType = oldSpec.Str("type") ?? "ClusterIP";
        var newType = spec.Str("type") ?? "ClusterIP";
        if (oldType != "ExternalName" && newType != "ExternalName" && string.IsNullOrEmpty(spec.Str("clusterIP")) && Strings(spec["clusterIPs"]).Count == 0)
        {
            if (oldSpec["clusterIP"] is { } c) spec["clusterIP"] = c.DeepClone();
            if (oldSpec["clusterIPs"] is { } cs) spec["clusterIPs"] = cs.DeepClone();
        }
        if (NeedsNodePorts(oldSpec) && NeedsNodePorts(spec))
        {
            // By port name, unless the new object already uses that node port elsewhere.
            var byName = Ports(oldSpec).GroupBy(p => p.Str("name") ?? "").ToDictionary(g => g.Key, g => g.First()["nodePort"].Long() ?? 0);
            var used = Ports(spec).Select(p => p["nodePort"].Long() ?? 0).Where(n => n != 0).ToHashSet();
            foreach (var p in Ports(spec))
                if ((p["nodePort"].Long() ?? 0) == 0 && byName.TryGetValue(p.Str("name") ?? "", out var old) && old != 0 && !used.Contains(old))
                    p["nodePort"] = old;
        }
        if (NeedsHealthCheckNodePort(oldSpec) && NeedsHealthCheckNodePort(spec) && (spec["healthCheckNodePort"].Long() ?? 0) == 0 && oldSpec["healthCheckNodePort"] is { } h)
            spec["healthCheckNodePort"] = h.DeepClone();
    }

    /// <summary>dropTypeDependentFields: values the old type had allocated and the user left unchanged go when the new type does not use them.</summary>
    private static void DropTypeDependentFields(JsonObject oldSpec, JsonObject spec)
    {
        if (spec.Str("type") == "ExternalName" && oldSpec.Str("type") != "ExternalName")
        {
            if (Strings(spec["clusterIPs"]).SequenceEqual(Strings(oldSpec["clusterIPs"]))) { spec.Remove("clusterIP"); spec.Remove("clusterIPs"); }
            spec.Remove("ipFamilies"); spec.Remove("ipFamilyPolicy"); spec.Remove("internalTrafficPolicy");
        }
        if (NeedsNodePorts(oldSpec) && !NeedsNodePorts(spec))
        {
            var oldPorts = Ports(oldSpec).Select(p => p["nodePort"].Long() ?? 0).ToHashSet();
            foreach (var p in Ports(spec))
                if (p["nodePort"].Long() is { } np && oldPorts.Contains(np)) p.Remove("nodePort");
        }
        if (NeedsHealthCheckNodePort(oldSpec) && !NeedsHealthCheckNodePort(spec) && spec["healthCheckNodePort"].Long() == oldSpec["healthCheckNodePort"].Long())
            spec.Remove("healthCheckNodePort");
        if (spec.Str("type") != "LoadBalancer" && oldSpec.Str("type") == "LoadBalancer"
            && spec["allocateLoadBalancerNodePorts"]?.ToJsonString() == oldSpec["allocateLoadBalancerNodePorts"]?.ToJsonString())
            spec.Remove("allocateLoadBalancerNodePorts");
        if (spec.Str("type") is not ("NodePort" or "LoadBalancer") && oldSpec.Str("type") is "NodePort" or "LoadBalancer"
            && spec.Str("externalTrafficPolicy") == oldSpec.Str("externalTrafficPolicy"))
            spec.Remove("externalTrafficPolicy");
    }

    private static void AllocateClusterIp(JsonObject spec, List<JsonObject> others, List<FieldError> errors, JsonObject? oldSpec)
    {
        var ip = spec.Str("clusterIP") ?? "";
        if (ip == "None") return;
        if (oldSpec is not null && ip.Length > 0 && ip == oldSpec.Str("clusterIP")) return; // already ours
        var used = others.Select(s => s.Path("spec.clusterIP")?.ToString()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (ip.Length == 0)
        {
            var next = ClusterIpRange.AllocateNext(used, Random.Shared);
            if (next is null) { errors.Add(FieldError.Invalid("spec.clusterIPs", "[]string{}", "failed to allocate a serviceIP: range is full")); return; }
            spec["clusterIP"] = next;
            spec["clusterIPs"] = new JsonArray(next);
            return;
        }
        if (!ClusterIpRange.TryParseV4(ip, out _)) return; // ValidateService reports the malformed address
        var ips = Strings(spec["clusterIPs"]);
        if (ClusterIpRange.OffsetOf(ip) is null)
            errors.Add(FieldError.Invalid("spec.clusterIPs", GoStringSlice(ips), $"failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is {ClusterIpRange.Cidr}"));
        else if (used.Contains(ip))
            errors.Add(FieldError.Invalid("spec.clusterIPs", GoStringSlice(ips), $"failed to allocate IP {ip}: provided IP is already allocated"));
    }

    private static void AllocateNodePorts(JsonObject spec, List<JsonObject> others, List<FieldError> errors, JsonObject? oldSpec)
    {
        var used = others.SelectMany(UsedNodePorts).ToHashSet();
        var mine = oldSpec is null ? [] : UsedNodePorts(oldSpec).ToHashSet();
        if (NeedsNodePorts(spec))
        {
            var ports = Ports(spec).ToList();
            var taken = new HashSet<int>();
            for (var i = 0; i < ports.Count; i++)
            {
                var np = ports[i]["nodePort"].Long() ?? 0;
                if (np == 0) continue;
                if (!mine.Contains((int)np)) CheckStatic($"spec.ports[{i}].nodePort", np, used, taken, errors);
                taken.Add((int)np);
            }
            foreach (var p in ports.Where(p => (p["nodePort"].Long() ?? 0) == 0))
            {
                // One node port per service port; the same port number with another protocol shares it (alloc.go txnAllocNodePorts).
                var twin = ports.FirstOrDefault(o => o != p && o["port"].Long() == p["port"].Long() && (o["nodePort"].Long() ?? 0) != 0);
                if (twin is not null) { p["nodePort"] = twin["nodePort"]!.DeepClone(); continue; }
                var next = NodePortRange.AllocateNext(used.Union(taken).ToHashSet(), Random.Shared);
                if (next is null) { errors.Add(FieldError.Invalid("spec.ports[0].nodePort", "0", "failed to allocate a nodePort: range is full")); return; }
                p["nodePort"] = next.Value;
                taken.Add(next.Value);
            }
        }
        if (NeedsHealthCheckNodePort(spec))
        {
            var hc = spec["healthCheckNodePort"].Long() ?? 0;
            if (hc != 0) { if (!mine.Contains((int)hc)) CheckStatic("spec.healthCheckNodePort", hc, used, [], errors); }
            else if (NodePortRange.AllocateNext(used.Union(Ports(spec).Select(p => (int)(p["nodePort"].Long() ?? 0))).ToHashSet(), Random.Shared) is { } port)
                spec["healthCheckNodePort"] = port;
        }
    }

    private static void CheckStatic(string field, long port, HashSet<int> used, HashSet<int> taken, List<FieldError> errors)
    {
        var value = port.ToString(CultureInfo.InvariantCulture);
        if (!NodePortRange.Contains(port))
            errors.Add(FieldError.Invalid(field, value, $"provided port is not in the valid range. The range of valid ports is {NodePortRange.Text}"));
        else if (used.Contains((int)port))
            errors.Add(FieldError.Invalid(field, value, "provided port is already allocated"));
    }

    private static IEnumerable<int> UsedNodePorts(JsonObject svcOrSpec)
    {
        var spec = svcOrSpec["spec"] as JsonObject ?? svcOrSpec;
        foreach (var p in Ports(spec))
            if (p["nodePort"].Long() is { } np and not 0) yield return (int)np;
        if (spec["healthCheckNodePort"].Long() is { } hc and not 0) yield return (int)hc;
    }

    private static List<JsonObject> OtherServices(ObjectStore store, JsonObject svc)
    {
        var t = ResourceRegistry.Types.First(x => x.Kind == "Service");
        return store.List(t, null).Items.Where(s => !(s.Namespace() == svc.Namespace() && s.Name() == svc.Name())).ToList();
    }

    private static IEnumerable<JsonObject> Ports(JsonObject spec) => (spec["ports"] as JsonArray)?.OfType<JsonObject>() ?? [];

    private static List<string> Strings(JsonNode? node) =>
        (node as JsonArray)?.Select(x => x?.ToString() ?? "").ToList() ?? [];

    private static JsonArray ToArray(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    /// <summary>Go's %#v of a []string, as field.Invalid prints it.</summary>
    public static string GoStringSlice(IEnumerable<string> values) => "[]string{" + string.Join(", ", values.Select(v => $"\"{v}\"")) + "}";
}
