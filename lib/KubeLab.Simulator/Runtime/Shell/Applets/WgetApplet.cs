using System.Globalization;
using System.Text;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Shell.Applets;

/// <summary>
/// busybox wget (networking/wget.c) over the modelled pod network: <c>-q</c>, <c>-O FILE</c> (<c>-O-</c>: stdout),
/// <c>-T SEC</c> (default 900), <c>--spider</c>, <c>-U AGENT</c>, <c>--header</c>, <c>--no-check-certificate</c>; follows
/// redirects. Texts as busybox prints them: "Connecting to host (ip:port)", "bad address 'x'", "can't connect to remote host
/// (ip): Connection refused", "server returned error: HTTP/1.1 404 Not Found", "download timed out", "error getting response"
/// (the server closed without answering); any failure exits 1. https with busybox's own TLS client (networking/tls.c): it
/// checks no certificate and says so once, "note: TLS certificate validation not implemented", unless --no-check-certificate.
/// Not modelled: a handshake the server does not complete (a port without TLS, no certificate for the SNI): busybox's tls.c
/// dies with its own diagnostics there.
/// </summary>
public sealed class WgetApplet : Applet
{
    public override string Name => "wget";

    private sealed class Failure(string message) : Exception(message);

    internal override async Task<int> RunAsync(AppletCall call)
    {
        var args = new List<string>();
        var spider = false;
        var noCheckCertificate = false;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["User-Agent"] = "Wget" };
        for (var i = 0; i < call.Args.Count; i++)
        {
            var a = call.Args[i];
            if (a == "--spider") spider = true;
            else if (a == "--no-check-certificate") noCheckCertificate = true;
            else if (a == "--header" && i + 1 < call.Args.Count && call.Args[++i].Split(':', 2) is [var hk, var hv]) headers[hk.Trim()] = hv.Trim();
            else if (a.StartsWith("--header=", StringComparison.Ordinal) && a[9..].Split(':', 2) is [var k, var v]) headers[k.Trim()] = v.Trim();
            else if (a is "--quiet") args.Add("-q");
            else if (a.StartsWith("--output-document=", StringComparison.Ordinal)) { args.Add("-O"); args.Add(a[18..]); }
            else if (a.StartsWith("--timeout=", StringComparison.Ordinal)) { args.Add("-T"); args.Add(a[10..]); }
            else if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                await call.Error($"option {a} is not implemented in the simulator's wget");
                return 1;
            }
            else args.Add(a);
        }
        if (await call.ParseAsync("qcsS", "OTUYtP", args) is not { } o) return 1;
        if (o.Values.TryGetValue('U', out var agent)) headers["User-Agent"] = agent;
        if (o.Operands.Count == 0)
        {
            await call.Process.Stderr.WriteAsync("BusyBox v1.36.1 multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[--no-check-certificate] [-P DIR] [-U AGENT] [-T SEC] URL...\n", call.Kill);
            return 1;
        }
        var timeout = 900;
        if (o.Values.TryGetValue('T', out var t) && !int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out timeout))
        {
            await call.Error($"invalid number '{t}'");
            return 1;
        }
        try
        {
            var noted = noCheckCertificate;
            foreach (var url in o.Operands)
                noted = await DownloadAsync(call, url, o, spider, headers, TimeSpan.FromSeconds(timeout), noted);
            return 0;
        }
        catch (Failure f)
        {
            await call.Error(f.Message);
            return 1;
        }
    }

    /// <returns>Whether the TLS note has been printed (wget.c prints it once per run).</returns>
    private static async Task<bool> DownloadAsync(AppletCall call, string url, Options o, bool spider, Dictionary<string, string> headers, TimeSpan timeout, bool noted)
    {
        var quiet = o.Has('q');
        var (https, host, port, path, explicitPort) = ParseUrl(url);
        var network = call.Process.Network;
        var from = call.Process.Sandbox;
        for (var redirects = 16; ; redirects--)
        {
            var ip = network.Resolve(from, host) ?? throw new Failure($"bad address '{host}'");
            if (!quiet) await call.Process.Stderr.WriteAsync($"Connecting to {host}{(explicitPort ? $":{port}" : "")} ({ip}:{port})\n", call.Kill);
            if (https)
            {
                var (listening, tls) = network.TlsAt(from, ip, port);
                if (listening && (tls is null || tls.SelectCertificate(System.Net.IPAddress.TryParse(host, out _) ? null : host) is null))
                    throw new Failure("a TLS handshake the server does not complete is not modelled by the simulator's wget");
                // spawn_ssl_client: the note comes once the connection is up; the handshake accepts any certificate.
                if (listening && !noted)
                {
                    await call.Error("note: TLS certificate validation not implemented");
                    noted = true;
                }
            }
            var requestHeaders = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase) { ["Connection"] = "close" };
            // busybox sends its own Host line only when --header gave none (wget.c USR_HEADER_HOST).
            if (!headers.ContainsKey("Host")) requestHeaders["Host"] = explicitPort ? $"{host}:{port}" : host;
            var request = new HttpRequestMessageModel("GET", "/" + path, requestHeaders["Host"], requestHeaders, [], ip == "127.0.0.1" ? "127.0.0.1" : from.Ip ?? "") { Tls = https };
            HttpResponseMessageModel response;
            using (var deadline = new CancellationTokenSource(timeout, call.Process.Time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, call.Kill))
            {
                try { response = await network.SendAsync(from, ip, port, request, linked.Token); }
                catch (NetworkException e) when (e.EmptyReply) { throw new Failure("error getting response"); }
                catch (NetworkException e) { throw new Failure(ConnectError(ip, e.Message)); }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !call.Kill.IsCancellationRequested)
                {
                    throw new Failure("download timed out");
                }
            }
            var code = response.StatusCode;
            if (code is 301 or 302 or 303 or 307 or 308 && response.Headers.TryGetValue("Location", out var location))
            {
                if (redirects <= 1) throw new Failure("too many redirections");
                if (location.StartsWith('/')) path = location[1..];
                else (https, host, port, path, explicitPort) = ParseUrl(location);
                continue;
            }
            if (code is not (>= 200 and < 300))
            {
                var reason = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code);
                throw new Failure($"server returned error: HTTP/1.1 {code}{(reason.Length > 0 ? " " + reason : "")}");
            }
            if (spider)
            {
                if (!quiet) await call.Process.Stderr.WriteAsync("remote file exists\n", call.Kill);
                return noted;
            }
            await SaveAsync(call, o, path, response.Body, quiet);
            return noted;
        }
    }

    private static async Task SaveAsync(AppletCall call, Options o, string path, byte[] body, bool quiet)
    {
        var explicitName = o.Values.TryGetValue('O', out var output);
        var name = explicitName ? output! : LastComponent(path);
        var toStdout = name == "-";
        if (!toStdout)
        {
            var file = call.PathOf(name);
            try
            {
                // Without -O busybox opens with O_EXCL: an existing file is not overwritten.
                if (!explicitName && call.Files.Exists(file)) throw new FileSystemException(file, FileSystemException.FileExists);
                call.Files.WriteFile(file, body);
            }
            catch (FileSystemException e) { throw new Failure($"can't open '{name}': {e.Error}"); }
        }
        if (!quiet) await call.Process.Stderr.WriteAsync(toStdout ? "writing to stdout\n" : $"saving to '{name}'\n", call.Kill);
        if (toStdout) await call.Out(Encoding.UTF8.GetString(body));
        if (!quiet)
        {
            // libbb/progress.c, stderr not a terminal: name, percentage, 32-wide bar, size, ETA, newline.
            var meterName = toStdout ? "-" : LastComponent(name);
            var size = body.Length < 100000 ? body.Length.ToString(CultureInfo.InvariantCulture) : $"{body.Length / 1024}k";
            await call.Process.Stderr.WriteAsync($"{(meterName.Length > 20 ? meterName[..20] : meterName),-20} 100% |{new string('*', 32)}| {size,5}  0:00:00 ETA\n", call.Kill);
            await call.Process.Stderr.WriteAsync(toStdout ? "written to stdout\n" : $"'{name}' saved\n", call.Kill);
        }
    }

    private static string LastComponent(string path)
    {
        var p = path.Split('?', '#')[0];
        var last = p.Split('/').LastOrDefault() ?? "";
        return last.Length == 0 ? "index.html" : last;
    }

    /// <summary>wget.c parse_url: "scheme://host[:port]/path"; no scheme means http; https defaults to port 443.</summary>
    private static (bool Https, string Host, int Port, string Path, bool ExplicitPort) ParseUrl(string url)
    {
        var rest = url;
        var https = false;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var name = url[..scheme];
            https = name == "https";
            if (name != "http" && !https) throw new Failure($"not an http or ftp url: {url}");
            rest = url[(scheme + 3)..];
        }
        var slash = rest.IndexOfAny(['/', '?', '#']);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[slash] == '/' ? rest[(slash + 1)..] : rest[slash..];
        path = path.Split('#')[0];
        var port = https ? 443 : 80;
        var colon = authority.LastIndexOf(':');
        var explicitPort = colon >= 0;
        if (colon >= 0)
        {
            if (!int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
                throw new Failure($"bad port spec '{authority[(colon + 1)..]}'");
            authority = authority[..colon];
        }
        return (https, authority, port, path, explicitPort);
    }

    /// <summary>libbb xconnect: "can't connect to remote host (ip): " + strerror of the failed connect.</summary>
    private static string ConnectError(string ip, string goMessage)
    {
        if (goMessage.Contains("i/o timeout", StringComparison.Ordinal)) return "download timed out";
        var reason = goMessage.Contains("connection refused", StringComparison.Ordinal) ? "Connection refused"
            : goMessage.Contains("no route to host", StringComparison.Ordinal) ? "No route to host"
            : goMessage.Contains("unreachable", StringComparison.Ordinal) ? "Network is unreachable"
            : goMessage;
        return $"can't connect to remote host ({ip}): {reason}";
    }
}
