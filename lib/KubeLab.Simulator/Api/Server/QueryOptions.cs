using System.Globalization;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// The query parameters of list/watch/create/update/patch/delete, decoded and validated as kube-apiserver does:
/// malformed numbers are 400 BadRequest with strconv's words (the parameter codec's conversion error), invalid
/// combinations 422 Invalid on <c>ListOptions.meta.k8s.io ""</c> / <c>CreateOptions.meta.k8s.io ""</c> … (apimachinery
/// pkg/apis/meta/internalversion/validation ValidateListOptions, pkg/apis/meta/v1/validation ValidateCreateOptions,
/// ValidateDryRun, ValidateFieldValidation, ValidateDeleteOptions).
/// </summary>
public static class QueryOptions
{
    public sealed record List(long Limit, string? Continue, string? ResourceVersion, string? ResourceVersionMatch, long? TimeoutSeconds);

    /// <summary>runtime.Convert_Slice_string_To_bool: "0" and "false" (any case) are false, every other value true.</summary>
    public static bool Watch(HttpContext ctx)
        => ctx.Request.Query.TryGetValue("watch", out var v) && v.Count > 0 && !(v[0] == "0" || string.Equals(v[0], "false", StringComparison.OrdinalIgnoreCase));

    public static List ParseList(HttpContext ctx, bool watch)
    {
        var limit = Int64(ctx, "limit") ?? 0;
        var timeout = Int64(ctx, "timeoutSeconds");
        var cont = NonEmpty(HttpIO.Query(ctx, "continue"));
        var rv = NonEmpty(HttpIO.Query(ctx, "resourceVersion"));
        var match = NonEmpty(HttpIO.Query(ctx, "resourceVersionMatch"));
        var errors = new List<FieldError>();
        if (watch)
        {
            if (match is not null) errors.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
        }
        else if (match is not null)
        {
            if (rv is null) errors.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
            if (cont is not null) errors.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
            if (match is not ("Exact" or "NotOlderThan"))
                errors.Add(new FieldError("resourceVersionMatch", "FieldValueNotSupported", "supported values: \"Exact\", \"NotOlderThan\", \"\"", Quote(match)));
            if (match == "Exact" && rv == "0") errors.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
        }
        if (errors.Count > 0) throw OptionsInvalid("ListOptions", errors);
        // etcd3 store (ValidateListOptions in apiserver/pkg/storage): a continue token carries its own resourceVersion.
        if (cont is not null && rv is not null && rv != "0") throw ApiError.BadRequest("specifying resource version is not allowed when using continue");
        if (rv is not null && rv != "0" && !long.TryParse(rv, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            throw ApiError.BadRequest($"invalid resource version: {rv}");   // storage.APIObjectVersioner.ParseResourceVersion → "invalid resource version"
        return new List(limit, cont, rv, match, timeout);
    }

    /// <summary>CreateOptions/UpdateOptions/PatchOptions: dryRun only "All", fieldValidation "", Ignore, Warn or Strict, a printable fieldManager.</summary>
    public static void ValidateWrite(HttpContext ctx, string optionsKind)
    {
        var errors = DryRunErrors(ctx);
        if (HttpIO.Query(ctx, "fieldValidation") is { } fv && fv is not ("" or "Ignore" or "Warn" or "Strict"))
            errors.Add(new FieldError("fieldValidation", "FieldValueNotSupported", "supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"", Quote(fv)));
        if (HttpIO.Query(ctx, "fieldManager") is { } fm)
        {
            if (fm.Length > 128) errors.Add(new FieldError("fieldManager", "FieldValueTooLong", "Too long: may not be more than 128 bytes"));
            else if (fm.Any(c => c < ' ' || c == 0x7f)) errors.Add(FieldError.Invalid("fieldManager", Quote(fm), "must only contain printable characters"));
        }
        if (errors.Count > 0) throw OptionsInvalid(optionsKind, errors);
    }

    /// <summary>DeleteOptions (body or query): propagationPolicy one of Foreground/Background/Orphan, not together with orphanDependents.</summary>
    public static void ValidateDelete(string? propagationPolicy, bool orphanDependentsSet, IReadOnlyList<string> bodyDryRun, HttpContext ctx)
    {
        var errors = new List<FieldError>();
        if (orphanDependentsSet && propagationPolicy is not null)
            errors.Add(FieldError.Invalid("propagationPolicy", Quote(propagationPolicy), "orphanDependents and deletionPropagation cannot be both set"));
        if (propagationPolicy is not null and not ("Foreground" or "Background" or "Orphan"))
            errors.Add(new FieldError("propagationPolicy", "FieldValueNotSupported", "supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"", Quote(propagationPolicy)));
        errors.AddRange(bodyDryRun.Count > 0 ? DryRunErrors(bodyDryRun) : DryRunErrors(ctx));
        if (errors.Count > 0) throw OptionsInvalid("DeleteOptions", errors);
    }

    private static List<FieldError> DryRunErrors(HttpContext ctx)
        => DryRunErrors(ctx.Request.Query.TryGetValue("dryRun", out var v) ? v.Select(x => x ?? "").ToList() : []);

    private static List<FieldError> DryRunErrors(IReadOnlyList<string> values)
    {
        if (values.All(x => x == "All")) return [];
        // field.NotSupported with a []string prints it with %#v.
        var shown = "[]string{" + string.Join(", ", values.Select(Quote)) + "}";
        return [new FieldError("dryRun", "FieldValueNotSupported", "supported values: \"All\"", shown)];
    }

    /// <summary>The parameter codec's conversion (runtime.Convert_Slice_string_To_int64): strconv.ParseInt's error as a 400.</summary>
    public static long? Int64(HttpContext ctx, string name)
    {
        if (HttpIO.Query(ctx, name) is not { } text || text.Trim().Length == 0) return null;
        if (long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        var why = text.Trim().TrimStart('-', '+').All(char.IsAsciiDigit) && text.Trim().TrimStart('-', '+').Length > 0 ? "value out of range" : "invalid syntax";
        throw ApiError.BadRequest($"strconv.ParseInt: parsing {Quote(text.Trim())}: {why}");
    }

    private static ApiError OptionsInvalid(string kind, List<FieldError> errors)
    {
        var text = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        var causes = new JsonArray(errors.Select(e => (JsonNode?)new JsonObject { ["reason"] = e.Type, ["message"] = e.Message, ["field"] = e.Field }).ToArray());
        return new ApiError(422, "Invalid", $"{kind}.meta.k8s.io \"\" is invalid: {text}",
            new JsonObject { ["group"] = "meta.k8s.io", ["kind"] = kind, ["causes"] = causes });
    }

    private static FieldError Forbidden(string field, string detail) => new(field, "FieldValueForbidden", detail);
    private static string Quote(string s) => Validation.Decoding.GoFormat.Quote(s);
    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
