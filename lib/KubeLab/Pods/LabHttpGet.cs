using System.Globalization;
using KubeLab.Pods;

namespace KubeLab;

/// <summary>HTTP to a container's port without port-forward or a Service: the API server's pod proxy (pods/proxy subresource).</summary>
public sealed partial class Lab
{
    /// <summary>
    /// GET <c>http://&lt;pod IP&gt;:<paramref name="port"/><paramref name="path"/></c> through the API server
    /// (<c>/api/v1/namespaces/{ns}/pods/{pod}:{port}/proxy/{path}</c> – what <c>kubectl get --raw</c> on that path does). Never throws
    /// for an HTTP answer: a 500 from the container, or a 503 because nothing listens there, is a result to look at.
    /// </summary>
    public async Task<HttpGetResult> HttpGetAsync(string pod, int port, string path = "/", CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pod);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        path = "/" + (path ?? "").TrimStart('/');
        var url = $"api/v1/namespaces/{Namespace}/pods/{pod}:{port.ToString(CultureInfo.InvariantCulture)}/proxy{path}";
        var (status, body) = await _client.SendAsync(HttpMethod.Get, url, ct: ct, accept: "*/*").ConfigureAwait(false);
        // The API server's own failures are Status objects; the container's answers are whatever it serves.
        var proxyError = (int)status >= 400 && ApiStatusText.TryParse(body) is { } s ? s.Message : null;
        return new HttpGetResult(pod, port, path, (int)status, body, proxyError);
    }
}
