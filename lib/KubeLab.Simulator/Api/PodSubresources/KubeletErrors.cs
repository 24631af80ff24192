using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Kubelet.Server;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// How the API server passes on a kubelet's error answer to a log request (GenericHttpResponseChecker in
/// staging/src/k8s.io/apiserver/pkg/registry/generic/rest/response_checker.go): 400 and 500 keep the kubelet's text,
/// other codes become apimachinery's generic server response text naming <c>pods/log</c>.
/// </summary>
internal static class KubeletErrors
{
    public static ApiError ForLog(KubeletException e, string podName) => e.StatusCode switch
    {
        400 => ApiError.BadRequest(e.Message),
        500 => new ApiError(500, "InternalError", $"Internal error occurred: {e.Message}",
            new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = e.Message }) }),
        404 => Generic(404, "NotFound", "the server could not find the requested resource", podName),
        >= 500 => Generic(e.StatusCode, "InternalError", $"an error on the server ({Go.Quote(e.Message)}) has prevented the request from succeeding", podName),
        _ => Generic(e.StatusCode, "", $"the server responded with the status code {e.StatusCode} but did not return more information", podName),
    };

    // NewGenericServerResponse with an empty verb: "… ( pods/log web)".
    private static ApiError Generic(int code, string reason, string message, string podName) =>
        new(code, reason, $"{message} ( pods/log {podName})", new JsonObject { ["name"] = podName, ["group"] = "", ["kind"] = "pods/log" });
}
