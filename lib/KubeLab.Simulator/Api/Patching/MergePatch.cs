using System.Text.Json.Nodes;
using KubeLab.Simulator.Util;

namespace KubeLab.Simulator.Api.Patching;

/// <summary>JSON Merge Patch (RFC 7386): objects merge recursively, null deletes, everything else (lists too) replaces.</summary>
public static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p) return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        MergeInto(result, p);
        return result;
    }

    // result is already a private copy: nested objects are merged into it in place rather than copied again at every level.
    private static void MergeInto(JsonObject result, JsonObject patch)
    {
        foreach (var (key, value) in patch.Members())
        {
            if (value is null) result.Remove(key);
            else if (value is JsonObject nested && result[key] is JsonObject existing) MergeInto(existing, nested);
            else if (value is JsonObject fresh)
            {
                var created = new JsonObject();
                MergeInto(created, fresh);
                result[key] = created;
            }
            else result[key] = value.DeepClone();
        }
    }
}
