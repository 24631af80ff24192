using System.Text;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// metadata.ownerReferences as apimachinery's ValidateOwnerReferences checks them for every kind: apiVersion with a version,
/// kind, name and uid set, no Event as owner, at most one controller. Paths have no index (upstream passes the list's path).
/// </summary>
internal static class OwnerReferenceValidation
{
    private const string Path = "metadata.ownerReferences";

    public static void Validate(JsonObject obj, List<FieldError> errors)
    {
        if (obj.Meta()["ownerReferences"] is not JsonArray refs) return;
        string? firstController = null;
        foreach (var r in refs.OfType<JsonObject>())
        {
            var apiVersion = r.Str("apiVersion") ?? "";
            var kind = r.Str("kind") ?? "";
            var name = r.Str("name") ?? "";
            var version = apiVersion.Contains('/') ? apiVersion[(apiVersion.IndexOf('/') + 1)..] : apiVersion;
            if (version.Length == 0) errors.Add(FieldError.Invalid($"{Path}.apiVersion", ObjectValidator.Quote(apiVersion), "version must not be empty"));
            if (kind.Length == 0) errors.Add(FieldError.Invalid($"{Path}.kind", ObjectValidator.Quote(kind), "kind must not be empty"));
            if (name.Length == 0) errors.Add(FieldError.Invalid($"{Path}.name", ObjectValidator.Quote(name), "name must not be empty"));
            if (string.IsNullOrEmpty(r.Str("uid"))) errors.Add(FieldError.Invalid($"{Path}.uid", ObjectValidator.Quote(r.Str("uid") ?? ""), "uid must not be empty"));
            // BannedOwners: only core/v1 Event; a GroupVersionKind prints as "<group>/<version>, Kind=<kind>".
            if (apiVersion == "v1" && kind == "Event")
                errors.Add(FieldError.Invalid(Path, GoValue(r), "/v1, Kind=Event is disallowed from being an owner"));
            if (r["controller"] is JsonValue c && c.TryGetValue<bool>(out var isController) && isController)
            {
                var current = $"{kind}/{name}";
                if (firstController is null) firstController = current;
                else errors.Add(FieldError.Invalid(Path, "[" + string.Join(", ", refs.OfType<JsonObject>().Select(GoValue)) + "]",
                    $"Only one reference can have Controller set to true. Found \"true\" in references for {firstController} and {current}"));
            }
        }
    }

    /// <summary>Approximately Go's %v of an OwnerReference struct ({apiVersion kind name uid controller blockOwnerDeletion}).</summary>
    private static string GoValue(JsonObject r)
    {
        var sb = new StringBuilder("{");
        sb.AppendJoin(' ', r.Str("apiVersion") ?? "", r.Str("kind") ?? "", r.Str("name") ?? "", r.Str("uid") ?? "",
            r["controller"]?.ToJsonString() ?? "<nil>", r["blockOwnerDeletion"]?.ToJsonString() ?? "<nil>");
        return sb.Append('}').ToString();
    }
}
