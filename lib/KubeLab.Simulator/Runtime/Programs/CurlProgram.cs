using System.Text;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// A minimal curl (the nginx image installs Debian's curl 7.88.1): <c>curl [-s] [-S] [-f] [-i] [-I] [-o file] [-X method]
/// [-H header] [-d data] [-m secs] URL</c> over the modelled pod network, with curl's error texts and exit codes
/// (6 resolve, 7 connect, 22 with -f on status ≥ 400, 28 timeout). Without -s it prints the progress meter on stderr as curl
/// does when stdout is not a terminal. Not modelled: https, redirects (-L), uploads.
/// </summary>
public sealed class CurlProgram(string version = "7.88.1") : IContainerProgram
{
    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        bool silent = false, showErrors = false, fail = false, include = false, head = false;
        string? method = null, output = null, url = null, data = null;
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
                case "-v" or "--verbose" or "-L" or "--location" or "-k" or "--insecure": break;
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
                    await process.Stdout.WriteAsync($"curl {version} (x86_64-pc-linux-gnu) libcurl/{version}\nProtocols: http\n", kill).ConfigureAwait(false);
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
        if (!rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            return await Error(1, $"Protocol \"{rest.Split("://")[0]}\" not supported or disabled in libcurl");
        rest = rest[7..];
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "/" : rest[slash..];
        var colon = authority.LastIndexOf(':');
        var host = colon < 0 ? authority : authority[..colon];
        var port = 80;
        if (colon >= 0 && !int.TryParse(authority[(colon + 1)..], out port)) return await Error(3, "URL using bad/illegal format or missing URL");

        var ip = process.Network.Resolve(process.Sandbox, host);
        if (ip is null) return await Error(6, $"Could not resolve host: {host}");
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
}
