using System.Text.Json.Nodes;

namespace KubeLab.Simulator.CloudProvider.Kind.GatewayApi;

/// <summary>A few words to write OpenAPI v3 structural schemas as C# data (the Gateway API CRDs in <see cref="GatewayApiCrds"/>).</summary>
internal static class Schema
{
    public static JsonObject Str(string description, int? maxLength = null, string? pattern = null, string[]? oneOf = null, string? @default = null, int? minLength = null)
    {
        var s = new JsonObject { ["type"] = "string", ["description"] = description };
        if (minLength is { } min) s["minLength"] = min;
        if (maxLength is { } max) s["maxLength"] = max;
        if (pattern is not null) s["pattern"] = pattern;
        if (oneOf is not null) s["enum"] = new JsonArray(oneOf.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
        if (@default is not null) s["default"] = @default;
        return s;
    }

    public static JsonObject Int(string description, long? min = null, long? max = null, long? @default = null, string format = "int32")
    {
        var s = new JsonObject { ["type"] = "integer", ["format"] = format, ["description"] = description };
        if (min is { } lo) s["minimum"] = lo;
        if (max is { } hi) s["maximum"] = hi;
        if (@default is { } d) s["default"] = d;
        return s;
    }

    public static JsonObject Obj(string description, params (string Name, JsonObject Schema)[] properties) => ObjReq(description, [], properties);

    public static JsonObject ObjReq(string description, string[] required, params (string Name, JsonObject Schema)[] properties)
    {
        var props = new JsonObject();
        foreach (var (name, schema) in properties) props[name] = schema;
        var s = new JsonObject { ["type"] = "object", ["description"] = description, ["properties"] = props };
        if (required.Length > 0) s["required"] = new JsonArray(required.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray());
        return s;
    }

    public static JsonObject Arr(string description, JsonObject items, int? maxItems = null, int? minItems = null, JsonNode? @default = null)
    {
        var s = new JsonObject { ["type"] = "array", ["description"] = description, ["items"] = items };
        if (minItems is { } min) s["minItems"] = min;
        if (maxItems is { } max) s["maxItems"] = max;
        if (@default is not null) s["default"] = @default;
        return s;
    }

    public static JsonObject Map(string description) =>
        new() { ["type"] = "object", ["description"] = description, ["additionalProperties"] = new JsonObject { ["type"] = "string" } };

    /// <summary>A part this model does not describe field by field: kept as given (x-kubernetes-preserve-unknown-fields).</summary>
    public static JsonObject Opaque(string description) =>
        new() { ["type"] = "object", ["description"] = description, ["x-kubernetes-preserve-unknown-fields"] = true };

    public static JsonObject With(this JsonObject s, string key, JsonNode value)
    {
        s[key] = value;
        return s;
    }
}
