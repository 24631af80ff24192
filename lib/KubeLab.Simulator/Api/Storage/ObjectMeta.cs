using System.Globalization;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Storage;

/// <summary>Small accessors for metadata of objects kept as JSON (the store is schema-less like etcd).</summary>
public static class ObjectMeta
{
    public static JsonObject Meta(this JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m) return m;
        m = new JsonObject();
        obj["metadata"] = m;
        return m;
    }

    public static string? Str(this JsonNode? node, string property)
        => node is JsonObject o && o[property] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static string Name(this JsonObject obj) => obj.Meta().Str("name") ?? "";
    public static string? Namespace(this JsonObject obj) => obj.Meta().Str("namespace");
    public static string? Uid(this JsonObject obj) => obj.Meta().Str("uid");
    public static bool IsDeleting(this JsonObject obj) => obj.Meta()["deletionTimestamp"] is not null;

    public static Dictionary<string, string> Labels(this JsonObject obj) => StringMap(obj.Meta()["labels"]);

    public static Dictionary<string, string> StringMap(JsonNode? node)
    {
        var d = new Dictionary<string, string>();
        if (node is JsonObject o)
            foreach (var (k, v) in o)
                d[k] = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? "";
        return d;
    }

    public static List<string> Finalizers(this JsonObject obj)
        => obj.Meta()["finalizers"] is JsonArray a ? a.Select(x => x?.GetValue<string>() ?? "").ToList() : [];

    public static void SetFinalizers(this JsonObject obj, IEnumerable<string> finalizers)
    {
        var list = finalizers.ToList();
        if (list.Count == 0) obj.Meta().Remove("finalizers");
        else obj.Meta()["finalizers"] = new JsonArray(list.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
    }

    public static IEnumerable<JsonObject> OwnerReferences(this JsonObject obj)
        => obj.Meta()["ownerReferences"] is JsonArray a ? a.OfType<JsonObject>() : [];

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(string? s)
        => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    public static long? Long(this JsonNode? node)
    {
        if (node is not JsonValue v) return null;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var d)) return (long)d;
        if (v.TryGetValue<string>(out var s) && long.TryParse(s, out l)) return l;
        return null;
    }

    public static JsonObject CloneObject(this JsonObject obj) => (JsonObject)obj.DeepClone();

    /// <summary>Follow a dotted path like <c>spec.nodeName</c>.</summary>
    public static JsonNode? Path(this JsonNode? node, string dotted)
    {
        foreach (var part in PathParts(dotted))
        {
            if (node is not JsonObject o) return null;
            node = o[part];
        }
        return node;
    }

    // Paths are a handful of literals asked millions of times (selectors on every watch event): split each once.
    private static readonly Util.BoundedCache<string, string[]> SplitPaths = new(4096, StringComparer.Ordinal);

    private static string[] PathParts(string dotted)
    {
        if (SplitPaths.TryGetValue(dotted, out var parts)) return parts;
        parts = dotted.Split('.');
        return SplitPaths.GetOrAdd(dotted, parts);
    }
}
