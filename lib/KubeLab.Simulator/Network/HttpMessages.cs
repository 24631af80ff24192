using System.Text;

namespace KubeLab.Simulator.Network;

/// <summary>An HTTP request on the modelled pod network (only HTTP is modelled; raw TCP is a connect + close).</summary>
public sealed record HttpRequestMessageModel(
    string Method,
    string PathAndQuery,
    string Host,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    string RemoteIp)
{
    /// <summary>Sent inside a TLS session the client completed (https); a TLS listener drops a plain request.</summary>
    public bool Tls { get; init; }

    public string Path => PathAndQuery.Split('?', 2)[0];
    public string Query => PathAndQuery.Contains('?') ? PathAndQuery.Split('?', 2)[1] : "";

    /// <summary>Query parameters, first value wins, URL-decoded (Go's r.URL.Query().Get).</summary>
    public string? QueryValue(string name) =>
        Query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(kv => Uri.UnescapeDataString(kv[0].Replace('+', ' ')) == name)
            .Select(kv => kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "")
            .FirstOrDefault();

    public static HttpRequestMessageModel Get(string pathAndQuery, string host, string remoteIp) =>
        new("GET", pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery, host,
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase), [], remoteIp);
}

/// <summary>What a modelled server answers.</summary>
public sealed record HttpResponseMessageModel(int StatusCode, byte[] Body, string ContentType)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public static HttpResponseMessageModel Text(int status, string body, string contentType = "text/plain; charset=utf-8") =>
        new(status, Encoding.UTF8.GetBytes(body), contentType);
}

/// <summary>A server inside a container: one handler per listening port.</summary>
public delegate Task<HttpResponseMessageModel> HttpHandler(HttpRequestMessageModel request, CancellationToken ct);

/// <summary>
/// A connection that could not be made, worded as Go's net package (what wget, the API server's proxy and the kubelet's
/// prober all print): "connect: connection refused", "no route to host", "i/o timeout".
/// </summary>
public sealed class NetworkException(string message) : Exception(message)
{
    public static NetworkException Refused(string ip, int port) => new($"dial tcp {ip}:{port}: connect: connection refused");
    public static NetworkException NoRoute(string ip, int port) => new($"dial tcp {ip}:{port}: connect: no route to host");

    /// <summary>The server closed the connection without a response (e.g. plain HTTP to a TLS port): curl's "Empty reply from server".</summary>
    public static NetworkException Closed(string ip, int port) => new($"read tcp {ip}:{port}: EOF") { EmptyReply = true };

    public bool EmptyReply { get; init; }
}
