using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// Pruning of unknown fields (apiextensions-apiserver pkg/apiserver/schema/pruning/algorithm.go): fields a structural schema
/// does not declare are dropped, unless <c>x-kubernetes-preserve-unknown-fields</c> keeps them; apiVersion, kind and metadata
/// at the root (and in <c>x-kubernetes-embedded-resource</c> objects) always stay. The dropped paths are what strict field
/// validation reports as <c>unknown field "spec.foo"</c>.
/// </summary>
public static class SchemaPruning
{
    /// <summary>Removes undeclared fields from <paramref name="obj"/> (in place) and returns their paths.</summary>
    public static List<string> Prune(JsonObject obj, JsonObject schema)
    {
        var pruned = new List<string>();
        PruneObject(obj, schema, "", pruned, root: true);
        return pruned;
    }

    private static void PruneNode(JsonNode? node, JsonObject? schema, string path, List<string> pruned)
    {
        if (schema is null) return;
        switch (node)
        {
            case JsonObject o:
                PruneObject(o, schema, path, pruned, root: false);
                break;
            case JsonArray a when schema["items"] is JsonObject items:
                for (var i = 0; i < a.Count; i++) PruneNode(a[i], items, $"{path}[{i}]", pruned);
                break;
        }
    }

    private static void PruneObject(JsonObject o, JsonObject schema, string path, List<string> pruned, bool root)
    {
        var preserve = schema["x-kubernetes-preserve-unknown-fields"] is JsonValue p && p.TryGetValue<bool>(out var keep) && keep;
        var embedded = schema["x-kubernetes-embedded-resource"] is JsonValue e && e.TryGetValue<bool>(out var emb) && emb;
        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        foreach (var key in o.Select(kv => kv.Key).ToList())
        {
            var child = path.Length == 0 ? key : $"{path}.{key}";
            if ((root || embedded) && key is "apiVersion" or "kind") continue;
            if ((root || embedded) && key == "metadata") continue;   // ObjectMeta is handled by the generic registry
            if (properties?[key] is JsonObject ps) { PruneNode(o[key], ps, child, pruned); continue; }
            if (additional is JsonObject addSchema) { PruneNode(o[key], addSchema, child, pruned); continue; }
            if (additional is JsonValue av && av.TryGetValue<bool>(out var allowed) && allowed) continue;
            if (preserve) continue;
            o.Remove(key);
            pruned.Add(child);
        }
    }
}
