using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// apps/v1 Deployment strategy validation (ValidateDeploymentStrategy / ValidateRollingUpdateDeployment in
/// pkg/apis/apps/validation): the type, no rollingUpdate block with Recreate, maxSurge/maxUnavailable as a non-negative
/// integer or a "N%" string, maxUnavailable at most 100 %, and not both 0 – a rollout that may neither add nor remove a pod
/// could never make progress.
/// </summary>
internal static partial class DeploymentStrategyValidation
{
    public static void Validate(JsonObject? strategy, List<FieldError> errors)
    {
        if (strategy is null) return;
        var type = strategy.Str("type");
        if (type is not ("Recreate" or "RollingUpdate"))
        {
            errors.Add(new FieldError("spec.strategy.type", "FieldValueNotSupported", "supported values: \"Recreate\", \"RollingUpdate\"", ObjectValidator.Quote(type ?? "")));
            return;
        }
        var rollingUpdate = strategy["rollingUpdate"] as JsonObject;
        if (type == "Recreate")
        {
            if (rollingUpdate is not null)
                errors.Add(new FieldError("spec.strategy.rollingUpdate", "FieldValueForbidden", "may not be specified when strategy `type` is 'Recreate'"));
            return;
        }
        if (rollingUpdate is null) return;
        var unavailable = CheckIntOrPercent(rollingUpdate["maxUnavailable"], "spec.strategy.rollingUpdate.maxUnavailable", errors);
        var surge = CheckIntOrPercent(rollingUpdate["maxSurge"], "spec.strategy.rollingUpdate.maxSurge", errors);
        if (unavailable is { Percent: true, Value: > 100 })
            errors.Add(FieldError.Invalid("spec.strategy.rollingUpdate.maxUnavailable", GoIntOrString(rollingUpdate["maxUnavailable"]!), "must not be greater than 100%"));
        if (unavailable?.Value == 0 && surge?.Value == 0)
            errors.Add(FieldError.Invalid("spec.strategy.rollingUpdate.maxUnavailable", GoIntOrString(rollingUpdate["maxUnavailable"]!), "may not be 0 when `maxSurge` is 0"));
    }

    /// <summary>Parses an int-or-percent field; null when it is absent or invalid (the error is recorded).</summary>
    private static (int Value, bool Percent)? CheckIntOrPercent(JsonNode? node, string field, List<FieldError> errors)
    {
        if (node is not JsonValue v) return null;
        if (v.TryGetValue<long>(out var n))
        {
            if (n >= 0) return ((int)n, false);
            errors.Add(FieldError.Invalid(field, n.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be greater than or equal to 0"));
            return null;
        }
        if (v.TryGetValue<string>(out var s) && Percent().Match(s) is { Success: true } m && int.TryParse(m.Groups[1].Value, out var p)) return (p, true);
        errors.Add(FieldError.Invalid(field, GoIntOrString(v),
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
        return null;
    }

    /// <summary>How the API server prints an intstr.IntOrString in an "Invalid value" message (Go's %#v).</summary>
    private static string GoIntOrString(JsonNode value) => value is JsonValue v && v.TryGetValue<long>(out var n)
        ? $"intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:\"\"}}"
        : $"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{ObjectValidator.Quote(value.ToString())}}}";

    [GeneratedRegex("^([0-9]+)%$")]
    private static partial Regex Percent();
}
