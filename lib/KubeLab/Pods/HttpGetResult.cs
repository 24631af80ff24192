using System.Text;

namespace KubeLab;

/// <summary>
/// The answer to a GET sent to a container's port through the API server's pod proxy. <see cref="StatusCode"/> and
/// <see cref="Body"/> are the container's answer when it was reached; when the API server could not reach it (nothing listens,
/// the pod does not exist, …) they are the API server's answer and <see cref="ProxyError"/> holds its message, e.g.
/// "error trying to reach service: dial tcp 10.244.1.7:8080: connect: connection refused" (503).
/// </summary>
public sealed record HttpGetResult(string Pod, int Port, string Path, int StatusCode, string Body, string? ProxyError) : IHtmlDisplayable
{
    /// <summary>2xx from the container itself.</summary>
    public bool IsSuccess => ProxyError is null && StatusCode is >= 200 and < 300;

    /// <summary>True when the answer came from the container (whatever its status), false when the API server answered instead.</summary>
    public bool ReachedContainer => ProxyError is null;

    private string Target => $"GET {Pod}:{Port}{Path}";

    public override string ToString()
    {
        var sb = new StringBuilder($"{Target} → {StatusCode}");
        sb.Append(ProxyError is null ? "\n" + Body.TrimEnd() : $" from the API server (the container was not reached): {ProxyError}");
        return sb.ToString();
    }

    public string ToHtml()
    {
        var color = IsSuccess ? "#2a7" : "#b00";
        var sb = new StringBuilder("<div class=\"kubelab-http\" style=\"font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px\">");
        sb.Append("<div><b>").Append(Html.Escape(Target)).Append("</b> → <span style=\"color:").Append(color).Append("\">")
          .Append(StatusCode).Append("</span>").Append(ProxyError is null ? "" : " from the API server (the container was not reached)").Append("</div>");
        sb.Append("<pre style=\"margin:2px 0;max-height:20em;overflow:auto\">").Append(Html.Escape(ProxyError ?? Body)).Append("</pre>");
        return sb.Append("</div>").ToString();
    }
}
