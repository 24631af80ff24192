using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api;

/// <summary>
/// Field selectors (k8s.io/apimachinery/pkg/fields): <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, comma-separated.
/// Each kind supports only certain fields (its GetAttrs/field label conversion); others fail with <c>field label not supported</c>.
/// </summary>
public sealed class FieldSelector
{
    private readonly List<(string Field, bool Equal, string Value)> terms;

    private FieldSelector(List<(string, bool, string)> terms) => this.terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var list = new List<(string, bool, string)>();
        foreach (var part in SplitTerms(text))
        {
            string field, value;
            bool equal;
            var ne = part.IndexOf("!=", StringComparison.Ordinal);
            var eq = part.IndexOf('=');
            if (ne >= 0) { field = part[..ne]; value = part[(ne + 2)..]; equal = false; }
            else if (eq >= 0) { field = part[..eq]; value = part[(eq + 1)..].TrimStart('='); equal = true; }
            else throw ApiError.BadRequest($"invalid field selector: invalid selector: '{text}'; can't understand '{part}'");
            field = field.Trim();
            if (!Supported(type, field)) throw ApiError.BadRequest($"field label not supported: {field}");
            list.Add((field, equal, value.Trim()));
        }
        return new FieldSelector(list);
    }

    private static IEnumerable<string> SplitTerms(string text)
    {
        // Commas may be escaped with a backslash inside values.
        var cur = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length) { cur.Append(text[++i]); continue; }
            if (text[i] == ',') { yield return cur.ToString(); cur.Clear(); continue; }
            cur.Append(text[i]);
        }
        if (cur.Length > 0) yield return cur.ToString();
    }

    private static bool Supported(ResourceType type, string field)
    {
        if (field is "metadata.name" or "metadata.namespace") return true;
        return type.Kind switch
        {
            "Pod" => field is "spec.nodeName" or "status.phase" or "spec.restartPolicy" or "spec.schedulerName" or "spec.serviceAccountName" or "status.podIP" or "status.nominatedNodeName" or "spec.hostNetwork",
            "Event" => field is "involvedObject.kind" or "involvedObject.name" or "involvedObject.namespace" or "involvedObject.uid"
                or "involvedObject.fieldPath" or "involvedObject.apiVersion" or "involvedObject.resourceVersion" or "reason" or "type" or "source" or "reportingComponent",
            "Namespace" => field is "status.phase",
            "Node" => field is "spec.unschedulable",
            "Secret" => field is "type",
            "ReplicaSet" or "ReplicationController" => field is "status.replicas",
            "Job" => field is "status.successful",
            _ => false,
        };
    }

    /// <summary>The value an equality term requires of <paramref name="field"/> (<c>field=value</c>), or null when none does.</summary>
    public string? RequiredValue(string field)
    {
        foreach (var (f, equal, value) in terms)
            if (equal && f == field) return value;
        return null;
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (field, equal, value) in terms)
        {
            var actual = Value(obj, field);
            if ((actual == value) != equal) return false;
        }
        return true;
    }

    private static string Value(JsonObject obj, string field)
    {
        if (field == "source") return obj.Path("source.component")?.ToString() ?? "";
        if (field == "metadata.namespace") return obj.Namespace() ?? "";
        var node = obj.Path(field);
        return node switch
        {
            null => field == "spec.unschedulable" || field == "spec.hostNetwork" ? "false" : "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
            _ => node.ToJsonString(),
        };
    }
}
