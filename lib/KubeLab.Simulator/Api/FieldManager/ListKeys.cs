using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Patching;

namespace KubeLab.Simulator.Api.FieldManager;

/// <summary>
/// How server-side apply addresses list elements: associative lists (<c>x-kubernetes-list-type: map</c>) by their key fields,
/// set lists (finalizers) by value. The keys are the strategic merge patch's merge keys, except that ports are keyed by
/// port and protocol (<c>+listMapKey=containerPort</c>/<c>port</c> and <c>+listMapKey=protocol</c>), the protocol defaulting to TCP
/// when omitted (kubernetes-sigs/structured-merge-diff#130 made defaulted key fields usable).
/// </summary>
internal static class ListKeys
{
    // Path elements are compared as text, so they are written one way: compact, escaping only what JSON requires.
    private static readonly System.Text.Json.JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly Dictionary<string, JsonNode> KeyDefaults = new() { ["protocol"] = JsonValue.Create("TCP") };

    /// <summary>The key fields of a list, or null when the list is atomic (owned and replaced as a whole).</summary>
    public static IReadOnlyList<string>? For(string field, JsonArray list)
    {
        var key = StrategicMergePatch.MergeKeyFor(field, list);
        if (key is null) return null;
        return field == "ports" ? [key, "protocol"] : [key];
    }

    public static bool IsSet(string field) => StrategicMergePatch.PrimitiveMergeLists.Contains(field);

    /// <summary>The <c>k:{...}</c> path element of an element, or null when it lacks a key field that has no default.</summary>
    public static string? ElementPath(JsonNode? element, IReadOnlyList<string> keys)
    {
        if (element is not JsonObject e) return null;
        var key = new JsonObject();
        foreach (var k in keys.Order(StringComparer.Ordinal))
        {
            var value = e[k] ?? KeyDefaults.GetValueOrDefault(k);
            if (value is null) return null;
            key[k] = value.DeepClone();
        }
        return "k:" + key.ToJsonString(Compact);
    }

    public static string ValuePath(JsonNode? value) => "v:" + (value?.ToJsonString(Compact) ?? "null");

    /// <summary>Whether a list element is the one a <c>k:</c> or <c>v:</c> path element names.</summary>
    public static bool Matches(JsonNode? element, string pathElement)
    {
        if (pathElement.StartsWith("v:", StringComparison.Ordinal))
            return TryParse(pathElement[2..], out var v) && JsonNode.DeepEquals(element, v);
        if (!pathElement.StartsWith("k:", StringComparison.Ordinal) || element is not JsonObject e) return false;
        if (!TryParse(pathElement[2..], out var parsed) || parsed is not JsonObject key) return false;
        return key.All(kv => JsonNode.DeepEquals(e[kv.Key] ?? KeyDefaults.GetValueOrDefault(kv.Key), kv.Value));
    }

    /// <summary>The key fields named by a <c>k:</c> path element (they stay while their element stays).</summary>
    public static bool NamesKeyField(string pathElement, string field)
        => pathElement.StartsWith("k:", StringComparison.Ordinal) && TryParse(pathElement[2..], out var p) && p is JsonObject o && o.ContainsKey(field);

    private static bool TryParse(string json, out JsonNode? node)
    {
        try { node = JsonNode.Parse(json); return true; }
        catch (System.Text.Json.JsonException) { node = null; return false; }
    }
}
