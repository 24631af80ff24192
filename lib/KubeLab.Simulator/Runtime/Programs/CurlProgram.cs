using System.Text;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// A minimal curl (the nginx image installs Debian's curl 7.88.1): <c>curl [-s] [-S] [-f] [-i] [-I] [-o file] [-X method]
/// [-H header] [-d data] [-m secs] URL</c> over the modelled pod network, with curl's error texts and exit codes
/// (6 resolve, 7 connect, 22 with -f on status ≥ 400, 28 timeout). Without -s it prints the progress meter on stderr as curl
/// does when stdout is not a terminal. https only to kube-apiserver (the one TLS server on the modelled network, e.g.
/// https://kubernetes.default.svc): the server certificate is checked against <c>--cacert FILE</c> (or skipped with -k) and the
/// host name against its SANs, with curl's errors 60/77/35; no real TLS bytes are exchanged. Not modelled: redirects (-L), uploads.
/// </summary>
public sealed class CurlProgram(string version = "7.88.1") : IContainerProgram
{
    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        bool silent = false, showErrors = false, fail = false, include = false, head = false, insecure = false;
        string? method = null, output = null, url = null, data = null, caFile = null;
        var timeout = TimeSpan.FromMinutes(5);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < argv.Count; i++)
        {
            var a = argv[i];
            string Next() => i + 1 < argv.Count ? argv[++i] : "";
            switch (a)
            {
                case "-s" or "--silent": silent = true; break;
                case "-S" or "--show-error": showErrors = true; break;
                case "-sS" or "-Ss": silent = showErrors = true; break;
                case "-f" or "--fail": fail = true; break;
                case "-fsS" or "-sSf" or "-fs" or "-sf": fail = true; silent = true; showErrors = a.Contains('S'); break;
                case "-i" or "--include": include = true; break;
                case "-I" or "--head": head = true; break;
                case "-v" or "--verbose" or "-L" or "--location": break;
                case "-k" or "--insecure": insecure = true; break;
                case "--cacert": caFile = Next(); break;
                case "-o" or "--output": output = Next(); break;
                case "-X" or "--request": method = Next(); break;
                case "-H" or "--header":
                    var h = Next().Split(':', 2);
                    if (h.Length == 2) headers[h[0].Trim()] = h[1].Trim();
                    break;
                case "-d" or "--data": data = Next(); break;
                case "-m" or "--max-time":
                    if (double.TryParse(Next(), System.Globalization.CultureInfo.InvariantCulture, out var secs)) timeout = TimeSpan.FromSeconds(secs);
                    break;
                case "--version" or "-V":
                    await process.Stdout.WriteAsync($"curl {version} (x86_64-pc-linux-gnu) libcurl/{version}\nProtocols: http https\n", kill).ConfigureAwait(false);
                    return 0;
                default:
                    if (a.StartsWith('-') && a.Length > 1)
                    {
                        await process.Stderr.WriteAsync($"curl: option {a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n", kill).ConfigureAwait(false);
                        return 2;
                    }
                    url = a;
                    break;
            }
        }
        if (url is null)
        {
            await process.Stderr.WriteAsync("curl: try 'curl --help' or 'curl --manual' for more information\n", kill).ConfigureAwait(false);
            return 2;
        }

        async Task<int> Error(int code, string text)
        {
            if (!silent || showErrors) await process.Stderr.WriteAsync($"curl: ({code}) {text}\n", kill).ConfigureAwait(false);
            return code;
        }

        var rest = url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url;
        var tls = rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (!tls && !rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            return await Error(1, $"Protocol \"{rest.Split("://")[0]}\" not supported or disabled in libcurl");
        rest = rest[(tls ? 8 : 7)..];
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "/" : rest[slash..];
        var colon = authority.LastIndexOf(':');
        var host = colon < 0 ? authority : authority[..colon];
        var port = tls ? 443 : 80;
        if (colon >= 0 && !int.TryParse(authority[(colon + 1)..], out port)) return await Error(3, "URL using bad/illegal format or missing URL");

        var ip = process.Network.Resolve(process.Sandbox, host);
        if (ip is null) return await Error(6, $"Could not resolve host: {host}");
        if (tls && await CheckTlsAsync(process, ip, host, port, insecure, caFile) is { } tlsError) return await Error(tlsError.Code, tlsError.Text);
        var verb = method ?? (head ? "HEAD" : data is not null ? "POST" : "GET");
        headers.TryAdd("Host", authority);
        headers.TryAdd("User-Agent", $"curl/{version}");
        headers.TryAdd("Accept", "*/*");
        if (data is not null) headers.TryAdd("Content-Type", "application/x-www-form-urlencoded");
        var request = new HttpRequestMessageModel(verb, path, authority, headers, data is null ? [] : Encoding.UTF8.GetBytes(data),
            process.Sandbox.Ip ?? "127.0.0.1");

        HttpResponseMessageModel response;
        var started = process.Time.GetUtcNow();
        using var timer = new CancellationTokenSource(timeout, process.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(kill, timer.Token);
        try
        {
            response = await process.Network.SendAsync(process.Sandbox, ip, port, request, linked.Token).ConfigureAwait(false);
        }
        catch (NetworkException)
        {
            var ms = (long)(process.Time.GetUtcNow() - started).TotalMilliseconds;
            return await Error(7, $"Failed to connect to {host} port {port} after {ms} ms: Couldn't connect to server");
        }
        catch (OperationCanceledException) when (!kill.IsCancellationRequested)
        {
            var ms = (long)(process.Time.GetUtcNow() - started).TotalMilliseconds;
            return await Error(28, $"Operation timed out after {ms} milliseconds with 0 bytes received");
        }

        if (fail && response.StatusCode >= 400)
            return await Error(22, $"The requested URL returned error: {response.StatusCode}");

        var text = new StringBuilder();
        if (include || head)
        {
            text.Append($"HTTP/1.1 {response.StatusCode} {NginxPages.ReasonPhrase(response.StatusCode)}\r\n");
            if (!response.Headers.ContainsKey("Content-Type")) text.Append($"Content-Type: {response.ContentType}\r\n");
            foreach (var (k, v) in response.Headers) text.Append($"{k}: {v}\r\n");
            text.Append("\r\n");
        }
        var body = head ? "" : response.BodyText;
        if (output is not null && output != "-")
        {
            try { process.Files.WriteFile(Filesystem.ContainerFileSystem.Combine(process.WorkingDirectory, output), text + body); }
            catch (Filesystem.FileSystemException) { return await Error(23, $"Failure writing output to destination"); }
        }
        else await process.Stdout.WriteAsync(text + body, kill).ConfigureAwait(false);

        if (!silent)
        {
            var n = response.Body.Length;
            await process.Stderr.WriteAsync(
                "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n" +
                "                                 Dload  Upload   Total   Spent    Left  Speed\n" +
                $"100 {n,5}  100 {n,5}    0     0   {n,4}k      0 --:--:-- --:--:-- --:--:-- {n,5}k\n", kill).ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>The handshake's outcome as curl reports it: only kube-apiserver speaks TLS; its chain and name are checked.</summary>
    private static Task<(int Code, string Text)?> CheckTlsAsync(ProcessContext process, string ip, string host, int port, bool insecure, string? caFile)
    {
        (int, string)? result = null;
        var network = process.Network;
        if (!network.IsApiServer(process.Sandbox, ip, port))
        {
            // Something listening without TLS answers the ClientHello with plain HTTP; nothing listening is a failed connect.
            result = network.CanConnect(process.Sandbox, ip, port)
                ? (35, "OpenSSL/3.0.15: error:0A00010B:SSL routines::wrong version number")
                : null;
            return Task.FromResult(result);
        }
        if (insecure) return Task.FromResult(result);
        if (caFile is not null)
        {
            string pem;
            try { pem = process.Files.ReadAllText(Filesystem.ContainerFileSystem.Combine(process.WorkingDirectory, caFile)); }
            catch (Filesystem.FileSystemException)
            {
                return Task.FromResult<(int, string)?>((77, $"error setting certificate file: {caFile}"));
            }
            if (network.ApiServerCaPem is null || !pem.Replace("\r", "").Contains(network.ApiServerCaPem.Trim(), StringComparison.Ordinal))
                return Task.FromResult<(int, string)?>((60, "SSL certificate problem: unable to get local issuer certificate"));
        }
        else return Task.FromResult<(int, string)?>((60, "SSL certificate problem: unable to get local issuer certificate"));
        if (!network.ApiServerNames.Contains(host, StringComparer.OrdinalIgnoreCase))
            result = (60, $"SSL: no alternative certificate subject name matches target host name '{host}'");
        return Task.FromResult(result);
    }
}
