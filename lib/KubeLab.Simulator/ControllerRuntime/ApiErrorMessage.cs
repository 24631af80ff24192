using k8s.Autorest;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>What components print about a failed request: the Status message the API server sent (e.g. <c>pods "web-1" not found</c>),
/// the way client-go's errors read, or the exception's own text when the body is not a Status.</summary>
internal static class ApiErrorMessage
{
    public static string Of(HttpOperationException e)
    {
        try { return (System.Text.Json.Nodes.JsonNode.Parse(e.Response.Content ?? "") as System.Text.Json.Nodes.JsonObject)?["message"]?.ToString() ?? e.Message; }
        catch (System.Text.Json.JsonException) { return e.Message; }
    }
}
