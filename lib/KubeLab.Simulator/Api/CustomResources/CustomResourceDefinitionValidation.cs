using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Api.Validation.Decoding;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// CRD validation for apiextensions.k8s.io/v1 (staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/
/// validation.go ValidateCustomResourceDefinition / …SpecUpdate, v1.32): the name, group, scope, versions (exactly one storage
/// version, unique DNS-1035 names, a schema each), names, printer columns and the structural schema.
/// </summary>
public static class CustomResourceDefinitionValidation
{
    private static readonly string[] ColumnTypes = ["boolean", "date", "integer", "number", "string"];
    private static readonly string[] ColumnFormats = ["byte", "date", "date-time", "double", "float", "int32", "int64", "password"];

    public static void Validate(JsonObject crd, List<FieldError> errors)
    {
        var spec = crd["spec"] as JsonObject ?? new JsonObject();
        var names = spec["names"] as JsonObject ?? new JsonObject();
        var group = spec.Str("group") ?? "";
        var name = crd.Name();
        if (name.Length > 0 && name != $"{names.Str("plural")}.{group}")
            errors.Add(FieldError.Invalid("metadata.name", GoFormat.Quote(name), "must be spec.names.plural+\".\"+spec.group"));

        if (group.Length == 0) errors.Add(FieldError.Required("spec.group"));
        else if (LabelValidation.Dns1123SubdomainError(group) is { } ge) errors.Add(FieldError.Invalid("spec.group", GoFormat.Quote(group), ge));
        else if (!group.Contains('.')) errors.Add(FieldError.Invalid("spec.group", GoFormat.Quote(group), "should be a domain with at least one dot"));

        switch (spec.Str("scope") ?? "")
        {
            case "": errors.Add(FieldError.Required("spec.scope")); break;
            case "Cluster" or "Namespaced": break;
            case var scope: errors.Add(new FieldError("spec.scope", "FieldValueNotSupported", "supported values: \"Cluster\", \"Namespaced\"", GoFormat.Quote(scope))); break;
        }

        var versions = (spec["versions"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = true;
        for (var i = 0; i < versions.Count; i++)
        {
            var v = versions[i];
            var vName = v.Str("name") ?? "";
            unique &= seen.Add(vName);
            if (LabelValidation.Dns1035LabelError(vName) is { } ve) errors.Add(FieldError.Invalid($"spec.versions[{i}].name", GoFormat.Quote(vName), ve));
            var schema = v.Path("schema.openAPIV3Schema") as JsonObject;
            if (schema is null) errors.Add(FieldError.Required($"spec.versions[{i}].schema.openAPIV3Schema", "schemas are required"));
            else StructuralSchemaValidation.Validate(schema, $"spec.versions[{i}].schema.openAPIV3Schema", errors);
            if (v.Path("subresources.scale") is JsonObject scale) ValidateScale(scale, $"spec.versions[{i}].subresources.scale", errors);
            var columns = (v["additionalPrinterColumns"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            for (var c = 0; c < columns.Count; c++)
            {
                var path = $"spec.versions[{i}].additionalPrinterColumns[{c}]";
                if (columns[c].Str("name") is not { Length: > 0 }) errors.Add(FieldError.Required(path + ".name"));
                // ValidateCustomResourceColumnDefinition: "must be one of" with the sorted sets, joined by commas.
                var type = columns[c].Str("type") ?? "";
                var typeHint = "must be one of " + string.Join(",", ColumnTypes);
                if (type.Length == 0) errors.Add(FieldError.Required(path + ".type", typeHint));
                else if (!ColumnTypes.Contains(type)) errors.Add(FieldError.Invalid(path + ".type", GoFormat.Quote(type), typeHint));
                if (columns[c].Str("format") is { Length: > 0 } format && !ColumnFormats.Contains(format))
                    errors.Add(FieldError.Invalid(path + ".format", GoFormat.Quote(format), "must be one of " + string.Join(",", ColumnFormats)));
                if (columns[c].Str("jsonPath") is not { Length: > 0 }) errors.Add(FieldError.Required(path + ".JSONPath"));
            }
        }
        if (!unique) errors.Add(FieldError.Invalid("spec.versions", GoVersions(versions), "must contain unique version names"));
        if (versions.Count(v => v["storage"] is JsonValue s && s.TryGetValue<bool>(out var b) && b) != 1)
            errors.Add(FieldError.Invalid("spec.versions", GoVersions(versions), "must have exactly one version marked as storage version"));

        foreach (var required in new[] { "plural", "singular", "kind", "listKind" })
            if (names.Str(required) is not { Length: > 0 }) errors.Add(FieldError.Required($"spec.names.{required}"));
        ValidateNames(names, "spec.names", errors);
    }

    /// <summary>ValidateCustomResourceDefinitionSpecUpdate: group and plural never change; scope and kind not once established.</summary>
    public static void ValidateUpdate(JsonObject current, JsonObject next, List<FieldError> errors)
    {
        Immutable("spec.group", current.Path("spec.group"), next.Path("spec.group"), errors);
        Immutable("spec.names.plural", current.Path("spec.names.plural"), next.Path("spec.names.plural"), errors);
        if (CrdConditions.IsTrue(current, "Established"))
        {
            Immutable("spec.scope", current.Path("spec.scope"), next.Path("spec.scope"), errors);
            Immutable("spec.names.kind", current.Path("spec.names.kind"), next.Path("spec.names.kind"), errors);
        }
        var versions = (next.Path("spec.versions") as JsonArray)?.OfType<JsonObject>().Select(v => v.Str("name")).ToHashSet() ?? [];
        var stored = (next.Path("status.storedVersions") as JsonArray)?.Select(v => v?.ToString() ?? "").ToList() ?? [];
        for (var i = 0; i < stored.Count; i++)
            if (!versions.Contains(stored[i])) errors.Add(FieldError.Invalid($"status.storedVersions[{i}]", GoFormat.Quote(stored[i]), "must appear in spec.versions"));
    }

    /// <summary>ValidateCustomResourceDefinitionSubresources: replicas paths under .spec / .status, the selector under .status.</summary>
    private static void ValidateScale(JsonObject scale, string path, List<FieldError> errors)
    {
        void Check(string field, string under, bool required)
        {
            var value = scale.Str(field) ?? "";
            if (value.Length == 0)
            {
                if (required) errors.Add(FieldError.Required($"{path}.{field}"));
                return;
            }
            if (value[0] != '.') errors.Add(FieldError.Invalid($"{path}.{field}", GoFormat.Quote(value), "must be a simple json path starting with ."));
            else if (!value.StartsWith(under + ".", StringComparison.Ordinal))
                errors.Add(FieldError.Invalid($"{path}.{field}", GoFormat.Quote(value), $"should be a json path under {under}"));
        }
        Check("specReplicasPath", ".spec", required: true);
        Check("statusReplicasPath", ".status", required: true);
        Check("labelSelectorPath", ".status", required: false);
    }

    private static void Immutable(string path, JsonNode? before, JsonNode? after, List<FieldError> errors)
    {
        if (!JsonNode.DeepEquals(before, after)) errors.Add(FieldError.Invalid(path, GoFormat.Quote(after?.ToString() ?? ""), "field is immutable"));
    }

    private static void ValidateNames(JsonObject names, string path, List<FieldError> errors)
    {
        void Label(string field, bool lower, string prefix)
        {
            if (names.Str(field) is not { Length: > 0 } value) return;
            if (LabelValidation.Dns1035LabelError(lower ? value.ToLowerInvariant() : value) is { } e) errors.Add(FieldError.Invalid($"{path}.{field}", GoFormat.Quote(value), prefix + e));
        }
        Label("plural", false, "");
        Label("singular", false, "");
        Label("kind", true, "may have mixed case, but should otherwise match: ");
        Label("listKind", true, "may have mixed case, but should otherwise match: ");
        var list = new[] { "shortNames", "categories" };
        foreach (var field in list)
        {
            var items = (names[field] as JsonArray)?.Select(n => n?.ToString() ?? "").ToList() ?? [];
            for (var i = 0; i < items.Count; i++)
                if (LabelValidation.Dns1035LabelError(items[i]) is { } e) errors.Add(FieldError.Invalid($"{path}.{field}[{i}]", GoFormat.Quote(items[i]), e));
        }
        if (names.Str("kind") is { Length: > 0 } kind && kind == names.Str("listKind"))
            errors.Add(FieldError.Invalid($"{path}.listKind", GoFormat.Quote(kind), "kind and listKind may not be the same"));
    }

    /// <summary>The versions as Go's %#v prints the internal []apiextensions.CustomResourceDefinitionVersion (pointers as addresses).</summary>
    private static string GoVersions(List<JsonObject> versions)
    {
        static string Bool(JsonObject v, string f) => v[f] is JsonValue b && b.TryGetValue<bool>(out var x) && x ? "true" : "false";
        static string Ptr(JsonNode? n, string type, int seed) => n is null ? $"(*{type})(nil)" : $"(*{type})(0xc000{(0x1a2b00 + seed * 0x40):x6})";
        var parts = versions.Select((v, i) =>
            $"apiextensions.CustomResourceDefinitionVersion{{Name:{GoFormat.Quote(v.Str("name") ?? "")}, Served:{Bool(v, "served")}, Storage:{Bool(v, "storage")}, " +
            $"Deprecated:{Bool(v, "deprecated")}, DeprecationWarning:{Ptr(v["deprecationWarning"], "string", i * 3)}, " +
            $"Schema:{Ptr(v["schema"], "apiextensions.CustomResourceValidation", i * 3 + 1)}, Subresources:{Ptr(v["subresources"], "apiextensions.CustomResourceSubresources", i * 3 + 2)}, " +
            $"AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition{(v["additionalPrinterColumns"] is JsonArray { Count: > 0 } ? "{…}" : "(nil)")}, " +
            "SelectableFields:[]apiextensions.SelectableField(nil)}");
        return versions.Count == 0 ? "[]apiextensions.CustomResourceDefinitionVersion(nil)"
            : "[]apiextensions.CustomResourceDefinitionVersion{" + string.Join(", ", parts) + "}";
    }
}
