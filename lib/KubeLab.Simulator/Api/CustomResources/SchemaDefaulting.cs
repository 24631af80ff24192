using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// Structural defaulting (apiextensions-apiserver pkg/apiserver/schema/defaulting/algorithm.go): a missing property with a
/// <c>default</c> gets it, and so does a null one that is not <c>nullable</c>; other non-nullable nulls are dropped
/// (PruneNonNullableNullsWithoutDefaults). Applied on create, on update and when objects are read.
/// </summary>
public static class SchemaDefaulting
{
    public static void Default(JsonNode? node, JsonObject? schema)
    {
        if (schema is null) return;
        switch (node)
        {
            case JsonObject o:
            {
                if (schema["properties"] is JsonObject properties)
                {
                    foreach (var (name, ps) in properties)
                    {
                        if (ps is not JsonObject propSchema) continue;
                        var present = o.TryGetPropertyValue(name, out var value);
                        if (present && value is null && !IsTrue(propSchema, "nullable"))
                        {
                            if (propSchema["default"] is { } d) o[name] = d.DeepClone();
                            else o.Remove(name);
                        }
                        else if (!present && propSchema["default"] is { } d) o[name] = d.DeepClone();
                    }
                    foreach (var (name, ps) in properties)
                        if (ps is JsonObject propSchema && o[name] is { } child) Default(child, propSchema);
                }
                if (schema["additionalProperties"] is JsonObject additional)
                    foreach (var (_, value) in o.ToList()) Default(value, additional);
                break;
            }
            case JsonArray a when schema["items"] is JsonObject items:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is null && items["default"] is { } d && !IsTrue(items, "nullable")) a[i] = d.DeepClone();
                    Default(a[i], items);
                }
                break;
        }
    }

    internal static bool IsTrue(JsonObject schema, string flag) => schema[flag] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
}
