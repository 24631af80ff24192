using System.Globalization;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// core/v1 PodLogOptions from the query of <c>GET pods/{name}/log</c>. <c>pretty</c> and <c>insecureSkipTLSVerifyBackend</c>
/// are accepted and change nothing here (plain text; no TLS between the simulated API server and kubelets).
/// </summary>
public sealed record PodLogRequest(
    string? Container, bool Follow, bool Previous, long? TailLines, long? SinceSeconds, DateTimeOffset? SinceTime,
    bool Timestamps, long? LimitBytes)
{
    public static PodLogRequest Parse(HttpRequest q) => new(
        QueryParameters.String(q, "container"),
        QueryParameters.Bool(q, "follow"),
        QueryParameters.Bool(q, "previous"),
        QueryParameters.Int64(q, "tailLines"),
        QueryParameters.Int64(q, "sinceSeconds"),
        QueryParameters.Time(q, "sinceTime"),
        QueryParameters.Bool(q, "timestamps"),
        QueryParameters.Int64(q, "limitBytes"));

    /// <summary>ValidatePodLogOptions (pkg/apis/core/validation): a 422 <c>PodLogOptions "web" is invalid: …</c>.</summary>
    public void Validate(string podName)
    {
        var errors = new List<FieldError>();
        string N(long v) => v.ToString(CultureInfo.InvariantCulture);
        if (TailLines is < 0) errors.Add(FieldError.Invalid("tailLines", N(TailLines.Value), "must be greater than or equal to 0"));
        if (LimitBytes is < 1) errors.Add(FieldError.Invalid("limitBytes", N(LimitBytes.Value), "must be greater than 0"));
        if (SinceSeconds is not null && SinceTime is not null)
            errors.Add(new FieldError("", "FieldValueForbidden", "at most one of `sinceTime` or `sinceSeconds` may be specified"));
        else if (SinceSeconds is < 1)
            errors.Add(FieldError.Invalid("sinceSeconds", N(SinceSeconds.Value), "must be greater than 0"));
        if (errors.Count == 0) return;

        var text = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        var causes = new JsonArray();
        foreach (var e in errors) causes.Add(new JsonObject { ["reason"] = e.Type, ["message"] = e.Message, ["field"] = e.Field });
        throw new ApiError(422, "Invalid", $"PodLogOptions \"{podName}\" is invalid: {text}",
            new JsonObject { ["name"] = podName, ["group"] = "", ["kind"] = "PodLogOptions", ["causes"] = causes });
    }

    /// <summary>The kubelet's cut-off: sinceSeconds before now, or sinceTime if later (kuberuntime/logs NewLogOptions).</summary>
    public DateTimeOffset? Since(DateTimeOffset now)
    {
        DateTimeOffset? since = SinceSeconds is { } s ? now.AddSeconds(-s) : null;
        if (SinceTime is { } t && (since is null || t > since)) since = t;
        return since;
    }
}
