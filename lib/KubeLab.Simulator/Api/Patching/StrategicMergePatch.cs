using System.Text.Json.Nodes;
using KubeLab.Simulator.Util;

namespace KubeLab.Simulator.Api.Patching;

/// <summary>
/// Strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) for built-in types: lists whose Go struct tag says
/// <c>patchStrategy:"merge"</c> merge element-wise by their <c>patchMergeKey</c>; other lists replace. Supports the
/// <c>$patch</c> (delete/replace/merge), <c>$setElementOrder/…</c>, <c>$deleteFromPrimitiveList/…</c> and <c>$retainKeys</c> directives.
/// The merge key is chosen by field name (and, for ports, by element shape) – a context-free approximation of the schema.
/// </summary>
public static class StrategicMergePatch
{
    private static readonly Dictionary<string, string> MergeKeys = new()
    {
        ["containers"] = "name", ["initContainers"] = "name", ["ephemeralContainers"] = "name",
        ["env"] = "name", ["volumes"] = "name", ["volumeMounts"] = "mountPath", ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name", ["hostAliases"] = "ip", ["conditions"] = "type", ["ownerReferences"] = "uid",
        ["topologySpreadConstraints"] = "topologyKey", ["resourceClaims"] = "name", ["schedulingGates"] = "name",
        ["readinessGates"] = "conditionType", ["taints"] = "key", ["addresses"] = "type",
    };

    /// <summary>Lists of scalars that merge as sets instead of being replaced (server-side apply owns them value by value).</summary>
    internal static readonly HashSet<string> PrimitiveMergeLists = ["finalizers"];

    public static JsonNode? Apply(JsonNode? original, JsonNode? patch)
    {
        if (patch is not JsonObject p) return patch?.DeepClone();
        // One deep copy of the original here; the merge below changes that copy in place (copying again at every level made a
        // pod status patch copy the status three times).
        return MergeMap(original is JsonObject o ? (JsonObject)o.DeepClone() : null, p);
    }

    /// <summary>Merges <paramref name="patch"/> into <paramref name="original"/>, a private copy changed in place (or a new map).</summary>
    private static JsonObject? MergeMap(JsonObject? original, JsonObject patch)
    {
        var directive = (patch["$patch"] as JsonValue)?.GetValue<string>();
        if (directive == "delete") return null;
        if (directive == "replace")
        {
            var replaced = (JsonObject)patch.DeepClone();
            replaced.Remove("$patch");
            return replaced;
        }
        var result = original ?? new JsonObject();
        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => k?.GetValue<string>()).ToHashSet();
            foreach (var k in result.Select(kv => kv.Key).ToList())
                if (!keep.Contains(k)) result.Remove(k);
        }
        var orders = new Dictionary<string, JsonArray>();
        foreach (var (key, value) in patch.Members())
        {
            if (key is "$patch" or "$retainKeys") continue;
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                if (value is JsonArray order) orders[key["$setElementOrder/".Length..]] = order;
                continue;
            }
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (result[field] is JsonArray existing && value is JsonArray remove)
                {
                    var drop = remove.Select(v => v?.ToJsonString()).ToHashSet();
                    result[field] = new JsonArray(existing.Where(e => !drop.Contains(e?.ToJsonString())).Select(e => e?.DeepClone()).ToArray());
                }
                continue;
            }
            if (value is null) { result.Remove(key); continue; }
            var current = result[key];
            switch (value)
            {
                case JsonObject vo:
                    var merged = MergeMap(current as JsonObject, vo);
                    if (merged is null) result.Remove(key); else if (!ReferenceEquals(merged, current)) result[key] = merged;
                    break;
                case JsonArray va:
                    var list = MergeList(key, current as JsonArray, va);
                    if (!ReferenceEquals(list, current)) result[key] = list;
                    break;
                default:
                    result[key] = value.DeepClone();
                    break;
            }
        }
        foreach (var (field, order) in orders)
            if (result[field] is JsonArray list) result[field] = Reorder(field, list, order);
        return result;
    }

    /// <summary>
    /// The merge key this server uses for a list field (null = the list is replaced, "" = a merged list of scalars).
    /// Published in OpenAPI as x-kubernetes-patch-merge-key so kubectl computes patches with the same rules.
    /// </summary>
    public static string? MergeKeyForSchema(string field, bool elementHasContainerPort)
    {
        if (PrimitiveMergeLists.Contains(field)) return "";
        if (field == "ports") return elementHasContainerPort ? "containerPort" : "port";
        return MergeKeys.GetValueOrDefault(field);
    }

    /// <summary>The merge key of a list field (null = replaced as a whole); shared with server-side apply's field sets.</summary>
    internal static string? MergeKeyFor(string field, JsonArray list)
    {
        if (field == "ports")
        {
            // Container ports merge by containerPort, service ports by port.
            var sample = list.OfType<JsonObject>().FirstOrDefault();
            if (sample is null) return null;
            return sample.ContainsKey("containerPort") ? "containerPort" : "port";
        }
        return MergeKeys.GetValueOrDefault(field);
    }

    /// <summary>Merges a list; <paramref name="original"/> is a private copy that may be changed in place and returned.</summary>
    private static JsonArray MergeList(string field, JsonArray? original, JsonArray patch)
    {
        if (patch.Count == 1 && patch[0] is JsonObject only && (only["$patch"] as JsonValue)?.GetValue<string>() == "replace")
            return new JsonArray();
        if (PrimitiveMergeLists.Contains(field) && patch.All(e => e is JsonValue))
        {
            var union = original ?? new JsonArray();
            var seen = union.Select(e => e?.ToJsonString()).ToHashSet();
            foreach (var e in patch)
                if (seen.Add(e?.ToJsonString())) union.Add(e?.DeepClone());
            return union;
        }
        var mergeKey = MergeKeyFor(field, patch.Count > 0 ? patch : original ?? patch);
        if (mergeKey is null || original is null || !patch.All(e => e is JsonObject))
        {
            var replaced = new JsonArray();
            foreach (var e in patch)
            {
                if (e is JsonObject eo && eo["$patch"] is not null) continue;
                replaced.Add(e?.DeepClone());
            }
            return replaced;
        }
        var result = original; // the caller's private copy
        foreach (var pe in patch.OfType<JsonObject>())
        {
            var keyValue = pe[mergeKey]?.ToJsonString();
            var index = -1;
            for (var i = 0; i < result.Count; i++)
                if (result[i] is JsonObject ro && ro[mergeKey]?.ToJsonString() == keyValue) { index = i; break; }
            var directive = (pe["$patch"] as JsonValue)?.GetValue<string>();
            if (directive == "delete")
            {
                if (index >= 0) result.RemoveAt(index);
                continue;
            }
            if (index >= 0)
            {
                var merged = MergeMap(result[index] as JsonObject, pe);
                if (!ReferenceEquals(merged, result[index])) result[index] = merged;
            }
            else
            {
                var added = MergeMap(null, pe);
                if (added is not null) result.Add(added);
            }
        }
        return result;
    }

    private static JsonArray Reorder(string field, JsonArray list, JsonArray order)
    {
        var mergeKey = MergeKeyFor(field, list);
        string? KeyOf(JsonNode? n) => mergeKey is null ? n?.ToJsonString() : (n as JsonObject)?[mergeKey]?.ToJsonString();
        var remaining = list.Select(e => e?.DeepClone()).ToList();
        var ordered = new JsonArray();
        foreach (var o in order)
        {
            var k = KeyOf(o);
            var match = remaining.FirstOrDefault(e => KeyOf(e) == k);
            if (match is null) continue;
            remaining.Remove(match);
            ordered.Add(match);
        }
        foreach (var r in remaining) ordered.Add(r);
        return ordered;
    }
}
