using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// The generated Job selector (pkg/apis/batch/validation validateGeneratedSelector with RequirePrefixedLabels, as 1.32 creates
/// Jobs): unless manualSelector is true, the pod template must carry job-name / batch.kubernetes.io/job-name = the Job's name and
/// controller-uid / batch.kubernetes.io/controller-uid = its uid, and the selector must match exactly those labels – a selector
/// of one's own ("app: x") is rejected with "`selector` not auto-generated". The label names are pkg/apis/batch types.go's
/// LegacyJobNameLabel, JobNameLabel, LegacyControllerUidLabel and ControllerUidLabel.
/// </summary>
public static class JobSelectorValidation
{
    public const string JobNameLabel = "batch.kubernetes.io/job-name";
    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";
    public const string LegacyJobNameLabel = "job-name";
    public const string LegacyControllerUidLabel = "controller-uid";

    public static readonly string[] NameLabels = [LegacyJobNameLabel, JobNameLabel];
    public static readonly string[] UidLabels = [LegacyControllerUidLabel, ControllerUidLabel];

    public static bool IsManual(JsonObject? spec) => spec?["manualSelector"] is JsonValue v && v.TryGetValue<bool>(out var manual) && manual;

    public static void Validate(JsonObject job, List<FieldError> errors)
    {
        var spec = job["spec"] as JsonObject;
        if (IsManual(spec) || spec?["selector"] is not JsonObject selectorNode) return;
        var name = job.Meta().Str("name") ?? "";
        var uid = job.Uid() ?? "";
        var labels = ObjectMeta.StringMap(spec.Path("template.metadata.labels"));
        var expected = new Dictionary<string, string>();
        foreach (var (key, value) in UidLabels.Select(k => (k, uid)).Concat(NameLabels.Select(k => (k, name))))
        {
            expected[key] = value;
            if (!labels.TryGetValue(key, out var actual))
                errors.Add(FieldError.Required($"spec.template.metadata.labels[{key}]", $"must be '{value}'"));
            else if (actual != value)
                errors.Add(FieldError.Invalid($"spec.template.metadata.labels[{key}]", GoMap(labels), $"must be '{value}'"));
        }
        k8s.Models.V1LabelSelector v1;
        LabelSelector selector;
        try
        {
            v1 = k8s.KubernetesJson.Deserialize<k8s.Models.V1LabelSelector>(selectorNode.ToJsonString());
            selector = LabelSelector.FromV1(v1);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException) { return; }   // reported by the selector check
        if (!selector.Matches(expected))
            errors.Add(FieldError.Invalid("spec.selector", GoSelector(v1), "`selector` not auto-generated"));
    }

    /// <summary>A map as Go's %#v prints it (keys sorted).</summary>
    private static string GoMap(IReadOnlyDictionary<string, string>? map) => map is null
        ? "map[string]string(nil)"
        : "map[string]string{" + string.Join(", ", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{Q(kv.Key)}:{Q(kv.Value)}")) + "}";

    private static string GoSelector(k8s.Models.V1LabelSelector s)
    {
        var expressions = s.MatchExpressions is { } es
            ? "[]v1.LabelSelectorRequirement{" + string.Join(", ", es.Select(e =>
                $"v1.LabelSelectorRequirement{{Key:{Q(e.Key)}, Operator:{Q(e.OperatorProperty)}, Values:" +
                (e.Values is { } vs ? "[]string{" + string.Join(", ", vs.Select(Q)) + "}" : "[]string(nil)") + "}")) + "}"
            : "[]v1.LabelSelectorRequirement(nil)";
        var matchLabels = s.MatchLabels is null ? null : new Dictionary<string, string>(s.MatchLabels);
        return $"v1.LabelSelector{{MatchLabels:{GoMap(matchLabels)}, MatchExpressions:{expressions}}}";
    }

    private static string Q(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
