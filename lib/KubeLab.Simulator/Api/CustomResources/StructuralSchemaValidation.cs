using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Api.Validation.Decoding;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// The structural-schema rules a v1 CRD must meet (apiextensions-apiserver pkg/apiserver/schema/validation.go
/// validateStructuralInvariants / validateStructuralCompleteness, and validation.go's openAPI schema checks): a type on every
/// node (object at the root), <c>items</c> for arrays, metadata limited to name and generateName, preserve-unknown-fields only
/// <c>true</c>, properties and additionalProperties not together, no uniqueItems.
/// </summary>
public static class StructuralSchemaValidation
{
    private static readonly string[] Types = ["array", "boolean", "integer", "number", "object", "string"];
    private static readonly (string Key, string What)[] Unsupported =
        [("id", "id"), ("additionalItems", "additionalItems"), ("patternProperties", "patternProperties"), ("definitions", "definitions"), ("dependencies", "dependencies"), ("$ref", "$ref")];

    public static void Validate(JsonObject schema, string path, List<FieldError> errors)
    {
        var type = schema.Str("type") ?? "";
        if (type.Length == 0) errors.Add(FieldError.Required(path + ".type", "must not be empty at the root"));
        else if (type != "object") errors.Add(FieldError.Invalid(path + ".type", GoFormat.Quote(type), "must be object at the root"));
        if (schema.Path("properties.metadata") is JsonObject metadata &&
            ((metadata["properties"] as JsonObject)?.Any(p => p.Key is not ("name" or "generateName")) == true || metadata.Any(kv => kv.Key is not ("type" or "properties" or "description"))))
            errors.Add(new FieldError(path + ".properties[metadata]", "FieldValueForbidden", "must not specify anything other than name and generateName, but metadata is implicitly specified"));
        Node(schema, path, errors, root: true);
    }

    private static void Node(JsonObject schema, string path, List<FieldError> errors, bool root)
    {
        var type = schema.Str("type") ?? "";
        // specStandardValidatorV3: JSON-schema features a CRD schema may not use.
        foreach (var (key, what) in Unsupported)
            if (schema[key] is not null) errors.Add(new FieldError($"{path}.{key}", "FieldValueForbidden", $"{what} is not supported"));
        if (type == "null") errors.Add(new FieldError(path + ".type", "FieldValueForbidden", "type cannot be set to null"));
        else if (type.Length > 0 && !Types.Contains(type))
            errors.Add(new FieldError(path + ".type", "FieldValueNotSupported", "supported values: " + string.Join(", ", Types.Select(GoFormat.Quote)), GoFormat.Quote(type)));
        if (schema["x-kubernetes-preserve-unknown-fields"] is JsonValue p && p.TryGetValue<bool>(out var keep) && !keep)
            errors.Add(FieldError.Invalid(path + ".x-kubernetes-preserve-unknown-fields", "false", "must be true or undefined"));
        if (schema["uniqueItems"] is JsonValue u && u.TryGetValue<bool>(out var uniq) && uniq)
            errors.Add(new FieldError(path + ".uniqueItems", "FieldValueForbidden", "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        if (schema["properties"] is JsonObject { Count: > 0 } && schema["additionalProperties"] is { } ap && !(ap is JsonValue av && av.TryGetValue<bool>(out var allowed) && allowed))
            errors.Add(new FieldError(path + ".additionalProperties", "FieldValueForbidden", "additionalProperties and properties are mutual exclusive"));
        if (type == "array" && schema["items"] is not JsonObject)
            errors.Add(FieldError.Required(path + ".items", "must be specified"));

        if (schema["properties"] is JsonObject properties)
            foreach (var (name, ps) in properties)
            {
                if (ps is not JsonObject child) continue;
                var childPath = $"{path}.properties[{name}]";
                if (child.Str("type") is not { Length: > 0 } && !SchemaDefaulting.IsTrue(child, "x-kubernetes-int-or-string") && !SchemaDefaulting.IsTrue(child, "x-kubernetes-preserve-unknown-fields"))
                    errors.Add(FieldError.Required(childPath + ".type", "must not be empty for specified object fields"));
                if (root && name == "metadata") continue;
                Node(child, childPath, errors, root: false);
            }
        if (schema["items"] is JsonObject items)
        {
            if (items.Str("type") is not { Length: > 0 } && !SchemaDefaulting.IsTrue(items, "x-kubernetes-int-or-string") && !SchemaDefaulting.IsTrue(items, "x-kubernetes-preserve-unknown-fields"))
                errors.Add(FieldError.Required(path + ".items.type", "must not be empty for specified array items"));
            Node(items, path + ".items", errors, root: false);
        }
        if (schema["additionalProperties"] is JsonObject additional)
        {
            if (additional.Str("type") is not { Length: > 0 } && !SchemaDefaulting.IsTrue(additional, "x-kubernetes-int-or-string") && !SchemaDefaulting.IsTrue(additional, "x-kubernetes-preserve-unknown-fields"))
                errors.Add(FieldError.Required(path + ".additionalProperties.type", "must not be empty for specified object fields"));
            Node(additional, path + ".additionalProperties", errors, root: false);
        }
    }
}
