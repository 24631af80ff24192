using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s.Models;
using KubeLab.Simulator.Api.Patching;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// OpenAPI v3 component schemas generated from KubernetesClient's model classes, so <c>kubectl explain</c> can show the
/// fields of every served kind. List fields carry x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key taken from the
/// server's own strategic-merge table, so kubectl's client-side apply computes patches exactly as this server merges them.
/// </summary>
public static partial class OpenApiSchemas
{
    [GeneratedRegex("^(V\\d+(alpha\\d+|beta\\d+)?|Corev1|Eventsv1|Storagev1|Discoveryv1|Flowcontrolv1|Authenticationv1)(?=[A-Z])")] private static partial Regex VersionPrefix();

    public static JsonObject For(IEnumerable<ResourceType> types)
    {
        var schemas = new JsonObject();
        foreach (var t in types)
        {
            if (Validation.StrictFieldValidation.ModelType(t) is not { } model) continue;
            var name = Add(model, schemas);
            ((JsonObject)schemas[name]!)["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = t.Group, ["kind"] = t.Kind, ["version"] = t.Version });
        }
        return schemas;
    }

    private static string SchemaName(Type type) => "io.k8s.kubelab." + VersionPrefix().Replace(type.Name, "");

    /// <summary>Adds the schema of a KubernetesClient model (and what it references); returns its component name.</summary>
    internal static string Add(Type type, JsonObject schemas)
    {
        var name = SchemaName(type);
        if (schemas.ContainsKey(name)) return name;
        var properties = new JsonObject();
        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (ModelDocumentation.Summary("T:" + type.FullName) is { } typeDoc) schema["description"] = typeDoc;
        schemas[name] = schema;   // registered before recursing: the model graph has cycles (JSONSchemaProps-like types)
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetCustomAttribute<JsonPropertyNameAttribute>() is not { } jsonName) continue;
            var propSchema = Of(p.PropertyType, schemas);
            if (propSchema["type"]?.ToString() == "array")
            {
                var element = ElementType(p.PropertyType);
                var key = StrategicMergePatch.MergeKeyForSchema(jsonName.Name, element == typeof(V1ContainerPort));
                if (key is not null)
                {
                    propSchema["x-kubernetes-patch-strategy"] = "merge";
                    if (key.Length > 0) propSchema["x-kubernetes-patch-merge-key"] = key;
                }
            }
            if (ModelDocumentation.Summary($"P:{type.FullName}.{p.Name}") is { } doc)
            {
                // A $ref wrapper carries the field's own description next to allOf, as Kubernetes' published schemas do.
                propSchema["description"] = doc;
            }
            properties[jsonName.Name] = propSchema;
        }
        return name;
    }

    private static JsonObject Of(Type type, JsonObject schemas)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(ResourceQuantity)) return new JsonObject { ["type"] = "string" };
        if (type == typeof(int)) return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        if (type == typeof(long)) return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        if (type == typeof(bool)) return new JsonObject { ["type"] = "boolean" };
        if (type == typeof(double) || type == typeof(float)) return new JsonObject { ["type"] = "number", ["format"] = "double" };
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset)) return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        if (type == typeof(byte[])) return new JsonObject { ["type"] = "string", ["format"] = "byte" };
        if (type == typeof(IntOrString)) return new JsonObject { ["x-kubernetes-int-or-string"] = true };
        if (type == typeof(object) || type == typeof(System.Text.Json.JsonElement)) return new JsonObject { ["type"] = "object" };
        if (type.IsGenericType && type.GetGenericArguments() is { Length: 2 } kv)
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Of(kv[1], schemas) };
        if (ElementType(type) is { } element)
            return new JsonObject { ["type"] = "array", ["items"] = Of(element, schemas) };
        if (type.IsClass && type.Namespace == typeof(V1Pod).Namespace)
            return new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/schemas/" + Add(type, schemas) }) };
        return new JsonObject { ["type"] = "string" };
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        if (type.IsGenericType && type.GetGenericArguments() is { Length: 1 } args && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)) return args[0];
        return null;
    }
}
