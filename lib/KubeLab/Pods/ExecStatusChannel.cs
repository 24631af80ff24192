using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeLab.Pods;

/// <summary>How a remote command ended, as the status channel (3) says: an exit code, or an error that kept it from running.</summary>
internal readonly record struct ExecOutcome(int? ExitCode, string? Error);

/// <summary>
/// Reads the status channel of an exec stream. From protocol v4 on it carries one JSON meta/v1 Status (client-go
/// tools/remotecommand errorDecoderV4; kubelet cri/streaming/remotecommand): <c>{"status":"Success"}</c> for exit code 0;
/// <c>{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}</c> for a
/// non-zero exit; any other Failure (e.g. InternalError) means the command could not be run – its message says why.
/// Nothing at all on the channel also means success (client-go treats an empty error stream as no error).
/// </summary>
internal static class ExecStatusChannel
{
    public static ExecOutcome Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new ExecOutcome(0, null);
        JsonObject? status;
        try { status = JsonNode.Parse(text) as JsonObject; }
        catch (JsonException) { status = null; }
        // Protocols before v4 sent the error as plain text.
        if (status is null) return new ExecOutcome(null, text.Trim());

        var state = Str(status["status"]);
        if (state == "Success") return new ExecOutcome(0, null);
        var message = Str(status["message"]) ?? text.Trim();
        if (Str(status["reason"]) == "NonZeroExitCode")
        {
            var causes = status["details"]?["causes"] as JsonArray ?? [];
            foreach (var cause in causes.OfType<JsonObject>())
                if (Str(cause["reason"]) == "ExitCode" && int.TryParse(Str(cause["message"]), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
                    return new ExecOutcome(code, null);
            return new ExecOutcome(null, $"{message} (the status has no ExitCode cause)");
        }
        return new ExecOutcome(null, message);
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
