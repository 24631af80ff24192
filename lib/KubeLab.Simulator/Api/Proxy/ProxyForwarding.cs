using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Network;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.Proxy;

/// <summary>
/// One proxied request over the pod network, as the API server's proxy handler passes it on (a reverse proxy:
/// staging/src/k8s.io/apimachinery/pkg/util/proxy/upgradeaware.go): method, the path below <c>/proxy</c> with the query,
/// the headers except hop-by-hop ones and the client's Authorization (the authentication filter removes it), and
/// X-Forwarded-For. The answer's status, headers, content type and body go back unchanged. A refused connection is a 503
/// "error trying to reach service: dial tcp …".
/// </summary>
public static class ProxyForwarding
{
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer",
        "Transfer-Encoding", "Upgrade", "Authorization", "Host", "Content-Length",
    };

    public static async Task ForwardAsync(HttpContext ctx, ClusterNetwork network, string ip, int port, string path, string apiServerIp)
    {
        using var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in ctx.Request.Headers)
            if (!NotForwarded.Contains(name)) headers[name] = values.ToString();
        if (ctx.Connection.RemoteIpAddress is { } client)
            headers["X-Forwarded-For"] = headers.TryGetValue("X-Forwarded-For", out var prior) ? $"{prior}, {client}" : client.ToString();

        var request = new HttpRequestMessageModel(ctx.Request.Method, path + ctx.Request.QueryString.Value, $"{ip}:{port}", headers, body.ToArray(), apiServerIp);
        HttpResponseMessageModel response;
        try { response = await network.SendAsync(null, ip, port, request, ctx.RequestAborted); }
        catch (NetworkException e) { throw new ApiError(503, "ServiceUnavailable", $"error trying to reach service: {e.Message}"); }

        ctx.Response.StatusCode = response.StatusCode;
        foreach (var (name, value) in response.Headers)
            if (!NotForwarded.Contains(name)) ctx.Response.Headers[name] = value;
        if (!string.IsNullOrEmpty(response.ContentType)) ctx.Response.ContentType = response.ContentType;
        await ctx.Response.Body.WriteAsync(response.Body, ctx.RequestAborted);
    }
}
