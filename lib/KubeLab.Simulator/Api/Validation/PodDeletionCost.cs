using System.Globalization;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// The <c>controller.kubernetes.io/pod-deletion-cost</c> annotation: parsed as <c>pkg/apis/core/helper
/// GetDeletionCostFromPodAnnotations</c> does (an int32 in canonical form: no '+', no leading zeros) and refused on Pods and
/// pod templates as <c>ValidatePodSpecificAnnotations</c> does ("must be a 32bit integer").
/// </summary>
public static class PodDeletionCost
{
    public const string Annotation = "controller.kubernetes.io/pod-deletion-cost";

    public static bool TryParse(string value, out int cost)
    {
        cost = 0;
        var validFirst = value.Length > 0 && (value[0] == '-' || value == "0" || value[0] is >= '1' and <= '9');
        return validFirst && int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out cost);
    }

    /// <summary>Adds the upstream error when <paramref name="meta"/> carries an unparsable cost; <paramref name="path"/> is
    /// "metadata" for a Pod and the template's own path for a pod template (ValidatePodTemplateSpec uses <c>spec.template.annotations</c>).</summary>
    public static void Validate(JsonObject? meta, string path, List<FieldError> errors)
    {
        if (meta?["annotations"] is not JsonObject annotations || annotations[Annotation] is not JsonValue v) return;
        var value = v.ToString();
        if (!TryParse(value, out _))
            errors.Add(FieldError.Invalid($"{path}.annotations[{Annotation}]", ObjectValidator.Quote(value), "must be a 32bit integer"));
    }
}
