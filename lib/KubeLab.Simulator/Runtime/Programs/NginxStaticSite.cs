using System.Globalization;
using System.Text;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Runtime.Images;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// nginx's static module for a <c>location / { root …; index …; }</c>: GET/HEAD of files under the root (read through the
/// container's files, so a mounted volume's content is what is served), the index file for a directory URI ending in "/",
/// 301 to "uri/" for a directory without the slash, 403 for a directory without an index (autoindex off), 404, 405 for other
/// methods. Each request writes one access-log line in the "main" format of nginx.conf and failures an [error] line.
/// </summary>
public sealed class NginxStaticSite(ProcessContext process, string version, NginxLogFile accessLog, NginxLogFile errorLog, string workerPid)
{
    private long connections;

    public async Task<HttpResponseMessageModel> HandleAsync(NginxServer server, HttpRequestMessageModel request, CancellationToken ct)
    {
        var connection = Interlocked.Increment(ref connections);
        var host = request.Host.Length > 0 ? request.Host : process.Sandbox.Ip ?? "localhost";
        var requestLine = $"{request.Method} {request.PathAndQuery} HTTP/1.1";
        var (response, error) = Serve(server, request, host);
        if (error is not null)
            await errorLog.WriteLineAsync($"{NginxProgram.Stamp(process)} [error] {workerPid}: *{connection} {error}, client: {request.RemoteIp}, " +
                $"server: {server.ServerName}, request: \"{requestLine}\", host: \"{host}\"", ct).ConfigureAwait(false);

        var sent = request.Method == "HEAD" ? 0 : response.Body.Length;
        // log_format main: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" '
        //                  '"$http_user_agent" "$http_x_forwarded_for"'
        var time = process.Time.GetUtcNow().UtcDateTime.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture);
        await accessLog.WriteLineAsync($"{request.RemoteIp} - - [{time}] \"{requestLine}\" {response.StatusCode} {sent} " +
            $"\"{Header(request, "Referer")}\" \"{Header(request, "User-Agent")}\" \"{Header(request, "X-Forwarded-For")}\"", ct).ConfigureAwait(false);
        return request.Method == "HEAD" ? response with { Body = [] } : response;
    }

    private static string Header(HttpRequestMessageModel request, string name) =>
        request.Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } v ? v : "-";

    private (HttpResponseMessageModel Response, string? Error) Serve(NginxServer server, HttpRequestMessageModel request, string host)
    {
        string uri;
        try { uri = Uri.UnescapeDataString(request.Path); }
        catch (UriFormatException) { return (Page(400), null); }
        if (!uri.StartsWith('/') || EscapesRoot(uri)) return (Page(400), null);
        if (request.Method is not ("GET" or "HEAD")) return (Page(405), null);

        var root = server.Root.StartsWith('/') ? server.Root : "/etc/nginx/" + server.Root;
        var path = ContainerFileSystem.Normalize(root + "/" + uri);
        FileNode? node;
        try { node = process.Files.Find(path); }
        catch (FileSystemException) { node = null; }

        switch (node)
        {
            case RegularFile file:
                return (File(file, path), null);
            case DirectoryNode when !uri.EndsWith('/'):
                var location = $"http://{host}{uri}/";
                var moved = Page(301);
                return (moved with { Headers = With(moved.Headers, "Location", location) }, null);
            case DirectoryNode:
                foreach (var index in server.Index)
                {
                    var candidate = path.TrimEnd('/') + "/" + index;
                    try
                    {
                        if (process.Files.Find(candidate) is RegularFile indexFile) return (File(indexFile, candidate), null);
                    }
                    catch (FileSystemException) { }
                }
                return (Page(403), $"directory index of \"{path.TrimEnd('/')}/\" is forbidden");
            default:
                return (Page(404), $"open() \"{path}\" failed (2: No such file or directory)");
        }
    }

    /// <summary>ngx_http_parse_complex_uri rejects a "/.." that climbs above "/" with 400.</summary>
    private static bool EscapesRoot(string uri)
    {
        var depth = 0;
        foreach (var part in uri.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..") { if (--depth < 0) return true; }
            else if (part != ".") depth++;
        }
        return false;
    }

    private HttpResponseMessageModel File(RegularFile file, string path)
    {
        var ext = System.IO.Path.GetExtension(path).TrimStart('.');
        var type = NginxImageFiles.MimeTypes.GetValueOrDefault(ext, "application/octet-stream");
        var body = file.Read();
        var modified = file.ModifiedAt == default ? process.Time.GetUtcNow() : file.ModifiedAt;
        var headers = BaseHeaders(body.Length);
        headers["Last-Modified"] = modified.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
        headers["ETag"] = $"\"{modified.ToUnixTimeSeconds():x}-{body.Length:x}\"";
        headers["Accept-Ranges"] = "bytes";
        return new HttpResponseMessageModel(200, body, type) { Headers = headers };
    }

    private HttpResponseMessageModel Page(int status)
    {
        var body = Encoding.UTF8.GetBytes(NginxPages.Page(status, version));
        return new HttpResponseMessageModel(status, body, "text/html") { Headers = BaseHeaders(body.Length) };
    }

    private Dictionary<string, string> BaseHeaders(int length) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Server"] = $"nginx/{version}",
        ["Date"] = process.Time.GetUtcNow().UtcDateTime.ToString("r", CultureInfo.InvariantCulture),
        ["Content-Length"] = length.ToString(CultureInfo.InvariantCulture),
    };

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> headers, string name, string value) =>
        new(headers, StringComparer.OrdinalIgnoreCase) { [name] = value };
}
