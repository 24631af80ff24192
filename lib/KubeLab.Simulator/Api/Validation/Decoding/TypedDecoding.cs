using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation.Decoding;

/// <summary>
/// The typed decode every write goes through on kube-apiserver: the body must fit the kind's Go struct before anything is
/// stored. Each write path words a mismatch as upstream does (staging/src/k8s.io/apiserver/pkg/endpoints/handlers):
/// create/update (rest.go transformDecodeError) 400 <c>Deployment in version "v1" cannot be handled as a Deployment: json: …</c>;
/// JSON and merge patches (patch.go jsonPatcher) 422 <c> "" is invalid: patch: Invalid value: "{…}": json: …</c>;
/// strategic merge patches (patch.go applyPatchToObject) 422 with the patch as a Go map and the converter's words;
/// server-side apply: <c>failed to create typed patch object (ns/name; apps/v1, Kind=Deployment): .spec.replicas: …</c>.
/// </summary>
public static class TypedDecoding
{
    private static GoShape? Shape(ResourceType t) => StrictFieldValidation.ModelType(t) is { } m ? GoShape.Of(m) : null;

    /// <summary>POST and PUT bodies (also the status subresource): 400 BadRequest.</summary>
    public static void CheckBody(ResourceType t, JsonObject body)
    {
        if (Shape(t) is not { } shape || TypeWalker.FirstMismatch(body, shape) is not { } miss) return;
        throw CannotBeHandled(body, t.Kind, t.Version, miss);
    }

    /// <summary>autoscaling/v1 Scale bodies (PUT …/scale).</summary>
    public static void CheckScale(JsonObject body)
    {
        if (TypeWalker.FirstMismatch(body, GoShape.Of(typeof(k8s.Models.V1Scale))) is { } miss) throw CannotBeHandled(body, "Scale", "v1", miss);
    }

    private static ApiError CannotBeHandled(JsonObject body, string kind, string version, TypeMismatch miss)
    {
        // The message names the kind and version the body declares (defaulted from the URL), then the type decoded into.
        var bodyKind = body["kind"] is JsonValue k && k.TryGetValue<string>(out var ks) && ks.Length > 0 ? ks : kind;
        var bodyVersion = body["apiVersion"] is JsonValue v && v.TryGetValue<string>(out var vs) && vs.Length > 0 ? vs.Split('/')[^1] : version;
        return ApiError.BadRequest($"{bodyKind} in version \"{bodyVersion}\" cannot be handled as a {kind}: {miss.GoJsonError()}");
    }

    /// <summary>The result of a JSON patch or merge patch (or a strategic merge patch, whose Invalid value is the patch itself).</summary>
    public static void CheckPatched(ResourceType t, string media, JsonNode? patch, JsonObject patched) => CheckPatched(Shape(t), media, patch, patched);

    public static void CheckPatchedScale(string media, JsonNode? patch, JsonObject patched) => CheckPatched(GoShape.Of(typeof(k8s.Models.V1Scale)), media, patch, patched);

    private static void CheckPatched(GoShape? shape, string media, JsonNode? patch, JsonObject patched)
    {
        if (shape is null || TypeWalker.FirstMismatch(patched, shape) is not { } miss) return;
        var (shown, detail) = media == "application/strategic-merge-patch+json"
            ? (GoFormat.Value(patch), miss.ConverterError())
            : (patched.ToJsonString(), miss.GoJsonError());
        // errors.NewInvalid(schema.GroupKind{}, "", field.ErrorList{field.Invalid(field.NewPath("patch"), …)}): no kind, no name.
        var error = new FieldError("patch", "FieldValueInvalid", detail, GoFormat.Quote(shown));
        throw new ApiError(422, "Invalid", $" \"\" is invalid: {error}", new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = error.Type, ["message"] = error.Message, ["field"] = error.Field }),
        });
    }

    /// <summary>
    /// Server-side apply: the configuration is converted to a typed value first. Upstream answers 500 with this text
    /// (managedfields structuredmerge.go); kubernetes/kubernetes#139253 makes it 400 BadRequest, which is modelled here.
    /// </summary>
    public static void CheckApplied(ResourceType t, JsonObject applied, string? ns, string name)
    {
        if (Shape(t) is not { } shape || TypeWalker.FirstMismatch(applied, shape) is not { } miss) return;
        var gvk = $"{t.Group}/{t.Version}, Kind={t.Kind}";   // schema.GroupVersionKind.String()
        throw ApiError.BadRequest($"failed to create typed patch object ({ns}/{name}; {gvk}): {miss.ApplyError()}");
    }
}
