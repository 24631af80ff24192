using System.Globalization;
using System.Text;
using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Environment;

/// <summary>
/// Values of the downward API's <c>fieldRef</c>. <see cref="Metadata"/> is fieldpath.ExtractFieldPathAsString (what downwardAPI
/// volumes support: metadata.name/namespace/uid/labels/annotations and <c>metadata.labels['key']</c>); <see cref="ForEnv"/> adds
/// what only env vars support (kubelet_pods.go podFieldSelectorRuntimeValue: spec.nodeName, spec.serviceAccountName,
/// status.hostIP(s), status.podIP(s)).
/// </summary>
public static class PodFieldPath
{
    public static string Metadata(V1Pod pod, string fieldPath)
    {
        var meta = pod.Metadata;
        if (Subscript(fieldPath, "metadata.annotations") is { } annotation)
            return meta.Annotations?.TryGetValue(annotation, out var a) == true ? a : "";
        if (Subscript(fieldPath, "metadata.labels") is { } label)
            return meta.Labels?.TryGetValue(label, out var l) == true ? l : "";
        return fieldPath switch
        {
            "metadata.annotations" => FormatMap(meta.Annotations),
            "metadata.labels" => FormatMap(meta.Labels),
            "metadata.name" => meta.Name ?? "",
            "metadata.namespace" => meta.NamespaceProperty ?? "",
            "metadata.uid" => meta.Uid ?? "",
            _ => throw new InvalidOperationException($"unsupported fieldPath: {fieldPath}"),
        };
    }

    public static string ForEnv(V1Pod pod, string fieldPath, IReadOnlyList<string> podIps, IReadOnlyList<string> hostIps) => fieldPath switch
    {
        "spec.nodeName" => pod.Spec?.NodeName ?? "",
        "spec.serviceAccountName" => pod.Spec?.ServiceAccountName ?? "",
        "status.hostIP" => hostIps.FirstOrDefault() ?? "",
        "status.hostIPs" => string.Join(',', hostIps),
        "status.podIP" => podIps.FirstOrDefault() ?? "",
        "status.podIPs" => string.Join(',', podIps),
        _ => Metadata(pod, fieldPath),
    };

    /// <summary>fieldpath.FormatMap: <c>key="value"</c> lines sorted by key, values quoted like Go's %q, no trailing newline.</summary>
    public static string FormatMap(IDictionary<string, string>? map) =>
        string.Join('\n', (map ?? new Dictionary<string, string>()).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={GoQuote(kv.Value ?? "")}"));

    private static string? Subscript(string fieldPath, string prefix) =>
        fieldPath.StartsWith(prefix + "['", StringComparison.Ordinal) && fieldPath.EndsWith("']", StringComparison.Ordinal)
            ? fieldPath[(prefix.Length + 2)..^2] : null;

    /// <summary>strconv.Quote for the characters label and annotation values can hold.</summary>
    public static string GoQuote(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var ch in value)
        {
            sb.Append(ch switch
            {
                '"' => "\\\"", '\\' => "\\\\", '\a' => "\\a", '\b' => "\\b", '\f' => "\\f",
                '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", '\v' => "\\v",
                _ when ch < 0x20 || ch == 0x7f => "\\x" + ((int)ch).ToString("x2", CultureInfo.InvariantCulture),
                _ => ch.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }
}
