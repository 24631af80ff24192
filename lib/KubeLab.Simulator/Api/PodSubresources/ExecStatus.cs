using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Runtime;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// The metav1.Status written on channel 3 when an exec ends, as Go's json.Marshal writes it (no kind/apiVersion, empty
/// metadata). client-go's errorDecoderV4 turns NonZeroExitCode into "command terminated with exit code N" (kubectl exits
/// with N) and any other Failure into its message (kubectl prints "error: …" and exits 1).
/// Wording follows where each piece comes from in a kind cluster (containerd's CRI streaming server behind the kubelet;
/// for v5 also the API server's stream translator, staging/src/k8s.io/apiserver/pkg/util/proxy/streamtranslator.go,
/// which wraps what it gets from the kubelet once more).
/// </summary>
public static class ExecStatus
{
    public static JsonObject Success() => new() { ["metadata"] = new JsonObject(), ["status"] = "Success" };

    /// <summary>
    /// containerd reports <c>error executing command [argv], exit code N</c>; the v5 translator re-wraps client-go's
    /// <c>command terminated with exit code N</c> instead (codeExitToStatusError).
    /// </summary>
    public static JsonObject NonZeroExit(string protocol, IReadOnlyList<string> command, int exitCode)
    {
        var code = (exitCode & 0xFF).ToString(CultureInfo.InvariantCulture);
        var inner = protocol == StreamProtocol.V5
            ? $"command terminated with exit code {code}"
            : $"error executing command [{string.Join(' ', command)}], exit code {code}";
        return new JsonObject
        {
            ["metadata"] = new JsonObject(), ["status"] = "Failure",
            ["message"] = $"command terminated with non-zero exit code: {inner}",
            ["reason"] = "NonZeroExitCode",
            ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = code }) },
        };
    }

    /// <summary>apierrors.NewInternalError(err): "Internal error occurred: " + err, the bare error as the one cause.</summary>
    public static JsonObject Internal(string error) => new()
    {
        ["metadata"] = new JsonObject(), ["status"] = "Failure",
        ["message"] = $"Internal error occurred: {error}",
        ["reason"] = "InternalError",
        ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = error }) },
        ["code"] = 500,
    };

    /// <summary>
    /// argv[0] not in the image: runc fails the exec, containerd answers with an internal error naming the exec id; through
    /// the v5 translator that arrives as a plain error and is wrapped again (hence "Internal error occurred:" twice).
    /// </summary>
    public static JsonObject StartFailed(string protocol, ProcessStartException e)
    {
        var execId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return RuntimeFailed(protocol, $"failed to exec in container: failed to start exec \"{execId}\": " +
                                       $"OCI runtime exec failed: exec failed: unable to start container process: {e.Message}: unknown");
    }

    /// <summary>Any other failure of the exec in the runtime (the streaming server's "error executing command in container: …").</summary>
    public static JsonObject RuntimeFailed(string protocol, string error)
    {
        var runtime = $"error executing command in container: {error}";
        return protocol == StreamProtocol.V5 ? Internal($"Internal error occurred: {runtime}") : Internal(runtime);
    }

    /// <summary>The kubelet refused the stream (e.g. <c>container not found ("c")</c>): the translator's SPDY upgrade failed.</summary>
    public static JsonObject UpgradeFailed(string kubeletMessage) => Internal($"unable to upgrade connection: {kubeletMessage}");

    /// <summary>Nothing answered on the node's kubelet port.</summary>
    public static JsonObject DialFailed(string dialError) => Internal($"error dialing backend: {dialError}");
}
