using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeLab.Pods;

/// <summary>
/// Failed API requests answer with a meta/v1 Status object ({"kind":"Status","status":"Failure","message":…,"reason":…,"code":…});
/// a few paths (a container's own HTTP answer through the proxy, old kubelets) answer with plain text. This reads either.
/// </summary>
internal static class ApiStatusText
{
    /// <summary>The Status' message (and reason) when the body is a Status object, else null.</summary>
    public static (string Message, string? Reason)? TryParse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{') return null;
        try
        {
            if (JsonNode.Parse(body) is JsonObject o && o["kind"]?.GetValue<string>() == "Status")
                return (o["message"]?.GetValue<string>() ?? "", o["reason"]?.GetValue<string>());
        }
        catch (JsonException) { }
        catch (InvalidOperationException) { } // a field of another JSON type
        return null;
    }

    /// <summary>The Status' message, else the trimmed body.</summary>
    public static string MessageOf(string? body) => TryParse(body)?.Message ?? (body ?? "").Trim();
}
