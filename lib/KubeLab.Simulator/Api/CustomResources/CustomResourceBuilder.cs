using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// Turns a stored CRD into the ResourceTypes it serves (customresource_handler.go getOrCreateServingInfoFor): one per served
/// version, named by <c>status.acceptedNames</c>, ordered by version priority as discovery lists them.
/// </summary>
public static class CustomResourceBuilder
{
    public static IEnumerable<ResourceType> ServedVersions(JsonObject crd, ResourceType storageKey, string specHash)
    {
        if (!CrdConditions.IsTrue(crd, "Established")) yield break;
        var spec = crd["spec"] as JsonObject;
        var names = crd.Path("status.acceptedNames") is JsonObject accepted && accepted.Str("plural") is { Length: > 0 } ? accepted : spec?["names"] as JsonObject;
        if (spec is null || names is null) yield break;
        var kind = names.Str("kind") ?? "";
        var versions = (spec["versions"] as JsonArray)?.OfType<JsonObject>().Where(v => v["served"]?.GetValue<bool>() == true)
            .OrderBy(v => v.Str("name") ?? "", VersionPriority.Comparer).ToList() ?? [];
        foreach (var v in versions)
        {
            var schema = v.Path("schema.openAPIV3Schema") as JsonObject;
            var custom = new CustomResource
            {
                Singular = names.Str("singular") is { Length: > 0 } s ? s : kind.ToLowerInvariant(),
                ListKind = names.Str("listKind") is { Length: > 0 } lk ? lk : kind + "List",
                Schema = schema,
                Printer = CustomResourcePrinter.For(v["additionalPrinterColumns"] as JsonArray),
                StatusSubresource = v.Path("subresources.status") is JsonObject,
                Scale = v.Path("subresources.scale") is JsonObject scale
                    ? new ScaleSubresource(scale.Str("specReplicasPath") ?? ".spec.replicas", scale.Str("statusReplicasPath") ?? ".status.replicas", scale.Str("labelSelectorPath"))
                    : null,
                Terminating = CrdConditions.IsTrue(crd, "Terminating"),
                StorageKey = storageKey,
                SpecHash = specHash,
            };
            yield return new ResourceType(spec.Str("group") ?? "", v.Str("name") ?? "", kind, names.Str("plural") ?? "", spec.Str("scope") != "Cluster",
                Strings(names["shortNames"]), Strings(names["categories"]), HasStatus: custom.StatusSubresource, HasScale: custom.Scale is not null)
            { Custom = custom };
        }
    }

    private static string[] Strings(JsonNode? node) => (node as JsonArray)?.Select(n => n?.ToString() ?? "").ToArray() ?? [];
}

/// <summary>Condition helpers for a CRD's status.conditions (apiextensions helpers.go).</summary>
public static class CrdConditions
{
    public static JsonObject? Find(JsonObject crd, string type)
        => (crd.Path("status.conditions") as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == type);

    public static bool IsTrue(JsonObject crd, string type) => Find(crd, type)?.Str("status") == "True";

    /// <summary>SetCRDCondition: replaces the condition of that type; the transition time moves only when the status changes.</summary>
    public static void Set(JsonObject crd, string type, string status, string reason, string message, string now)
    {
        if (crd["status"] is not JsonObject st) crd["status"] = st = new JsonObject();
        if (st["conditions"] is not JsonArray list) st["conditions"] = list = new JsonArray();
        var existing = list.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == type);
        var since = existing is not null && existing.Str("status") == status ? existing.Str("lastTransitionTime") ?? now : now;
        var condition = new JsonObject { ["type"] = type, ["status"] = status, ["lastTransitionTime"] = since, ["reason"] = reason, ["message"] = message };
        if (existing is null) list.Add(condition);
        else list[list.IndexOf(existing)] = condition;
    }
}

/// <summary>apimachinery's version.CompareKubeAwareVersionStrings: GA before beta before alpha, higher numbers first, others last by name.</summary>
public static class VersionPriority
{
    public static IComparer<string> Comparer { get; } = Comparer<string>.Create(Compare);

    private static (int Major, int Stage, int Minor)? Parse(string v)
    {
        var m = System.Text.RegularExpressions.Regex.Match(v, "^v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?$");
        if (!m.Success) return null;
        var stage = m.Groups[2].Value switch { "alpha" => 0, "beta" => 1, _ => 2 };
        return (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), stage,
            m.Groups[3].Success ? int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0);
    }

    /// <summary>Negative when <paramref name="a"/> has the higher priority.</summary>
    public static int Compare(string a, string b)
    {
        var (pa, pb) = (Parse(a), Parse(b));
        if (pa is null && pb is null) return string.CompareOrdinal(a, b);
        if (pa is null) return 1;
        if (pb is null) return -1;
        if (pa.Value.Stage != pb.Value.Stage) return pb.Value.Stage.CompareTo(pa.Value.Stage);
        if (pa.Value.Major != pb.Value.Major) return pb.Value.Major.CompareTo(pa.Value.Major);
        return pb.Value.Minor.CompareTo(pa.Value.Minor);
    }
}
