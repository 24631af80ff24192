using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// What the registry does with a custom object (apiextensions-apiserver pkg/registry/customresource/strategy.go and the
/// crdHandler's decoding): status reset on create when the status subresource is on, unknown fields pruned, defaults applied
/// (on writes and on reads), then the structural schema validated.
/// </summary>
public static class CustomResourceStrategy
{
    public static void PrepareForCreate(CustomResource custom, JsonObject obj)
    {
        if (custom.StatusSubresource) obj.Remove("status");
    }

    /// <summary>Prune, then default (the decoder's order); the object is changed in place.</summary>
    public static void Default(CustomResource custom, JsonObject obj)
    {
        if (custom.Schema is not { } schema) return;
        SchemaPruning.Prune(obj, schema);
        SchemaDefaulting.Default(obj, schema);
    }

    public static void Validate(CustomResource custom, JsonObject obj, List<FieldError> errors)
    {
        if (custom.Schema is { } schema) errors.AddRange(SchemaValidation.Validate(obj, schema));
    }

    /// <summary>
    /// fieldValidation=Strict: the fields pruning would drop are refused, worded as the apiserver's strict decoder words them
    /// (<c>Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.foo"</c>).
    /// </summary>
    public static void CheckStrict(ResourceType t, JsonObject body, string? mode)
    {
        if (mode is not "Strict" || t.Custom?.Schema is not { } schema) return;
        var unknown = SchemaPruning.Prune(body.CloneObject(), schema);
        if (unknown.Count == 0) return;
        var fields = string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""));
        throw ApiError.BadRequest($"{t.Kind} in version \"{t.Version}\" cannot be handled as a {t.Kind}: strict decoding error: {fields}");
    }

    /// <summary>PrepareForUpdate: any change outside metadata (and status, with the status subresource) bumps metadata.generation.</summary>
    public static bool GenerationChanges(CustomResource custom, JsonObject current, JsonObject next)
    {
        bool Counts(string key) => key != "metadata" && !(custom.StatusSubresource && key == "status");
        var keys = current.Select(kv => kv.Key).Concat(next.Select(kv => kv.Key)).Where(Counts).Distinct();
        return keys.Any(k => !JsonNode.DeepEquals(current[k], next[k]));
    }

    /// <summary>Objects are defaulted when read from storage too, so a default added to the schema later shows up.</summary>
    public static void DefaultOnRead(CustomResource custom, JsonObject obj)
    {
        if (custom.Schema is { } schema) SchemaDefaulting.Default(obj, schema);
    }
}
