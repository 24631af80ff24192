using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// The API server decodes a request body into Go structs before anything else, in every fieldValidation mode; a value that
/// is not a JSON string where the struct has a string (YAML's <c>enabled: true</c>, <c>port: 80</c> or <c>n</c> in a
/// ConfigMap's data, a number in a command) fails the decode with 400:
/// <c>ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field
/// ConfigMap.data of type string</c> (encoding/json UnmarshalTypeError: innermost struct, then the field path from the root,
/// without indexes). Only string targets are checked: those are what would otherwise reach a component as a wrong type.
/// </summary>
public static partial class StringFieldDecoding
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, Type>> Properties = new();

    public static void Check(ResourceType t, JsonObject obj)
    {
        if (StrictFieldValidation.ModelType(t) is not { } type) return;
        if (Find(obj, type, GoStructName(type), "") is { } e)
            throw ApiError.BadRequest($"{t.Kind} in version \"{t.Version}\" cannot be handled as a {t.Kind}: json: cannot unmarshal {e.JsonKind} into Go struct field {e.Struct}.{e.Path} of type string");
    }

    private sealed record Mismatch(string JsonKind, string Struct, string Path);

    /// <summary>The first non-string value where <paramref name="type"/> wants a string, depth first in document order.</summary>
    private static Mismatch? Find(JsonNode? node, Type type, string structName, string path)
    {
        if (node is null) return null; // null decodes into anything
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
            return node.GetValueKind() == JsonValueKind.String ? null : new Mismatch(JsonKind(node), structName, path);
        switch (node)
        {
            case JsonObject map when DictionaryValueType(type) is { } valueType:
                return map.Select(kv => Find(kv.Value, valueType, structName, path)).FirstOrDefault(m => m is not null);
            case JsonArray array when ElementType(type) is { } element:
                return array.Select(item => Find(item, element, structName, path)).FirstOrDefault(m => m is not null);
            case JsonObject o when Properties.GetOrAdd(type, PropertiesOf) is { Count: > 0 } props:
                // Inside a struct its own name is the one Go reports.
                var name = GoStructName(type);
                foreach (var (key, value) in o)
                    if (props.TryGetValue(key, out var propType) && Find(value, propType, name, path.Length == 0 ? key : $"{path}.{key}") is { } m)
                        return m;
                return null;
            default:
                return null;
        }
    }

    private static string JsonKind(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Number => "number",
        JsonValueKind.Array => "array",
        _ => "object",
    };

    /// <summary>KubernetesClient's V1ConfigMap, V1EnvVar, Corev1Event … are the Go structs ConfigMap, EnvVar, Event.</summary>
    private static string GoStructName(Type type) => ModelName().Match(type.Name) is { Success: true } m ? m.Groups[1].Value : type.Name;

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:[A-Z][a-z]*)?[vV]\d+(?:(?:alpha|beta)\d+)?([A-Z].*)$")]
    private static partial System.Text.RegularExpressions.Regex ModelName();

    private static Dictionary<string, Type> PropertiesOf(Type type)
    {
        if (type == typeof(object) || type.IsPrimitive || type == typeof(string) || type.IsArray || type.Namespace != typeof(k8s.Models.V1Pod).Namespace)
            return [];
        var result = new Dictionary<string, Type>();
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.GetCustomAttribute<JsonPropertyNameAttribute>() is { } name) result[name.Name] = p.PropertyType;
        return result;
    }

    private static Type? DictionaryValueType(Type type)
    {
        if (!type.IsGenericType) return null;
        var g = type.GetGenericTypeDefinition();
        return g == typeof(IDictionary<,>) || g == typeof(Dictionary<,>) || g == typeof(IReadOnlyDictionary<,>) ? type.GetGenericArguments()[1] : null;
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (type.IsGenericType && type.GetGenericArguments().Length == 1) return type.GetGenericArguments()[0];
        return null;
    }
}
