using System.Text;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// A minimal curl (the nginx image installs Debian's curl 7.88.1): <c>curl [-s] [-S] [-f] [-i] [-I] [-o file] [-X method]
/// [-H header] [-d data] [-m secs] [-k] [--cacert FILE] [--resolve HOST:PORT:ADDR] [-v] URL</c> over the modelled pod network,
/// with curl's error texts and exit codes (6 resolve, 7 connect, 22 with -f on status ≥ 400, 28 timeout, 52 empty reply).
/// Without -s it prints the progress meter on stderr as curl does when stdout is not a terminal. https to kube-apiserver and to
/// any listener that terminates TLS (<see cref="ITlsServer"/>, e.g. a Gateway's HTTPS listener): the served chain is verified
/// against <c>--cacert FILE</c> (no system CA knows the course's certificates; -k skips it) with OpenSSL's reasons, then the host
/// name against the SANs (lib/vtls/openssl.c ossl_verifyhost), with curl's errors 60/77/35 and, for 60, the help text of
/// src/tool_operate.c (CURL_CA_CERT_ERRORMSG). SNI is the URL's host unless it is an IP literal. -v prints the connect lines and
/// the server certificate block only. No real TLS bytes are exchanged. Not modelled: redirects (-L), uploads.
/// </summary>
public sealed class CurlProgram(string version = "7.88.1", string openSsl = "OpenSSL/3.0.15") : IContainerProgram
{
    private bool Curl8 => !version.StartsWith("7.", StringComparison.Ordinal);


    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        bool silent = false, showErrors = false, fail = false, include = false, head = false, insecure = false, verbose = false;
        var resolves = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase); // "host:port" → address
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
                case "-v" or "--verbose": verbose = true; break;
                case "-L" or "--location": break;
                case "-sk" or "-ks": silent = insecure = true; break;
                case "-vk" or "-kv": verbose = insecure = true; break;
                case "--resolve":
                    // HOST:PORT:ADDRESS pre-populates curl's DNS cache for that host and port.
                    var parts = Next().Split(':', 3);
                    if (parts.Length == 3) resolves[$"{parts[0]}:{parts[1]}"] = parts[2].Trim('[', ']');
                    break;
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
            if (verbose) await process.Stderr.WriteAsync($"* {text}\n", kill).ConfigureAwait(false);
            if (!silent || showErrors)
            {
                await process.Stderr.WriteAsync($"curl: ({code}) {text}\n", kill).ConfigureAwait(false);
                // src/tool_operate.c: CURLE_PEER_FAILED_VERIFICATION adds CURL_CA_CERT_ERRORMSG ("web page" became "webpage" in 8.x).
                if (code == 60)
                    await process.Stderr.WriteAsync("More details here: https://curl.se/docs/sslcerts.html\n\n" +
                        "curl failed to verify the legitimacy of the server and therefore could not\n" +
                        "establish a secure connection to it. To learn more about this situation and\n" +
                        $"how to fix it, please visit the {(Curl8 ? "webpage" : "web page")} mentioned above.\n", kill).ConfigureAwait(false);
            }
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

        if (verbose && resolves.Count > 0)
            foreach (var (hp, addr) in resolves) await process.Stderr.WriteAsync($"* Added {hp}:{addr} to DNS cache\n", kill).ConfigureAwait(false);
        var ip = resolves.GetValueOrDefault($"{host}:{port}") ?? process.Network.Resolve(process.Sandbox, host);
        if (ip is null) return await Error(6, $"Could not resolve host: {host}");
        if (verbose && process.Network.CanConnect(process.Sandbox, ip, port))
            await process.Stderr.WriteAsync($"*   Trying {ip}:{port}...\n* Connected to {host} ({ip}) port {port}{(Curl8 ? "" : " (#0)")}\n", kill).ConfigureAwait(false);
        if (tls)
        {
            var lines = new List<string>();
            var tlsError = CheckTls(process, ip, host, port, insecure, caFile, lines);
            if (verbose && lines.Count > 0) await process.Stderr.WriteAsync(string.Concat(lines.Select(l => $"* {l}\n")), kill).ConfigureAwait(false);
            if (tlsError is { } e) return await Error(e.Code, e.Text);
        }
        var verb = method ?? (head ? "HEAD" : data is not null ? "POST" : "GET");
        headers.TryAdd("Host", authority);
        headers.TryAdd("User-Agent", $"curl/{version}");
        headers.TryAdd("Accept", "*/*");
        if (data is not null) headers.TryAdd("Content-Type", "application/x-www-form-urlencoded");
        var request = new HttpRequestMessageModel(verb, path, authority, headers, data is null ? [] : Encoding.UTF8.GetBytes(data),
            process.Sandbox.Ip ?? "127.0.0.1") { Tls = tls };

        HttpResponseMessageModel response;
        var started = process.Time.GetUtcNow();
        using var timer = new CancellationTokenSource(timeout, process.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(kill, timer.Token);
        try
        {
            response = await process.Network.SendAsync(process.Sandbox, ip, port, request, linked.Token).ConfigureAwait(false);
        }
        catch (NetworkException e) when (e.EmptyReply)
        {
            return await Error(52, "Empty reply from server");
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

    /// <summary>
    /// The handshake's outcome as curl reports it (null: go on). kube-apiserver's chain is the cluster CA's; any other TLS
    /// listener presents the certificate it selects for the SNI; a plain listener answers the ClientHello with non-TLS bytes.
    /// </summary>
    private (int Code, string Text)? CheckTls(ProcessContext process, string ip, string host, int port, bool insecure, string? caFile, List<string> verbose)
    {
        var network = process.Network;
        if (network.IsApiServer(process.Sandbox, ip, port)) return CheckApiServer(process, host, insecure, caFile);
        var (listening, server) = network.TlsAt(process.Sandbox, ip, port);
        // Nothing listening is a failed connect (reported when the request is sent).
        if (!listening) return null;
        if (server is null)
            return (35, Curl8 ? "TLS connect error: error:0A00010B:SSL routines::wrong version number" : $"{openSsl}: error:0A00010B:SSL routines::wrong version number");
        var sni = System.Net.IPAddress.TryParse(host.Trim('[', ']'), out _) ? null : host;
        // No filter chain for this SNI: the server closes the connection before any certificate (OpenSSL 3: unexpected EOF).
        if (server.SelectCertificate(sni) is not { } served)
            return (35, Curl8 ? "TLS connect error: error:0A000126:SSL routines::unexpected eof while reading" : $"OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to {host}:{port} ");
        var leaf = served.Leaf;
        var trusted = new List<System.Security.Cryptography.X509Certificates.X509Certificate2>();
        if (caFile is not null)
        {
            string pem;
            try { pem = process.Files.ReadAllText(Filesystem.ContainerFileSystem.Combine(process.WorkingDirectory, caFile)); }
            catch (Filesystem.FileSystemException) { return (77, $"error setting certificate file: {caFile}"); }
            trusted.AddRange(ServedCertificate.ParsePem(pem));
        }
        var problem = CertificateCheck.Verify(served, trusted, process.Time.GetUtcNow());
        if (problem is not null && !insecure) return (60, $"SSL certificate problem: {problem}");
        // lib/vtls/openssl.c servercert: the block -v shows once the handshake is done.
        verbose.Add("Server certificate:");
        verbose.Add($" subject: {CertificateCheck.OneLine(leaf.SubjectName)}");
        verbose.Add($" start date: {CertificateCheck.Asn1Time(leaf.NotBefore.ToUniversalTime())}");
        verbose.Add($" expire date: {CertificateCheck.Asn1Time(leaf.NotAfter.ToUniversalTime())}");
        if (!insecure)
        {
            if (CertificateCheck.MatchingName(leaf, host) is not { } matched)
            {
                verbose.Add($" subjectAltName does not match hostname {host}");
                return (60, $"SSL: no alternative certificate subject name matches target host name '{host}'");
            }
            verbose.Add($" subjectAltName: host \"{host}\" matched cert's \"{matched}\"");
        }
        verbose.Add($" issuer: {CertificateCheck.OneLine(leaf.IssuerName)}");
        verbose.Add(problem is null ? " SSL certificate verify ok." : $" SSL certificate verify result: {problem} ({CertificateCheck.OpenSslCode(problem)}), continuing anyway.");
        return null;
    }

    /// <summary>kube-apiserver: its serving certificate chains to the cluster CA (a pod's ca.crt) and carries kubeadm's SANs.</summary>
    private static (int Code, string Text)? CheckApiServer(ProcessContext process, string host, bool insecure, string? caFile)
    {
        var network = process.Network;
        if (insecure) return null;
        if (caFile is not null)
        {
            string pem;
            try { pem = process.Files.ReadAllText(Filesystem.ContainerFileSystem.Combine(process.WorkingDirectory, caFile)); }
            catch (Filesystem.FileSystemException) { return (77, $"error setting certificate file: {caFile}"); }
            if (network.ApiServerCaPem is null || !pem.Replace("\r", "").Contains(network.ApiServerCaPem.Trim(), StringComparison.Ordinal))
                return (60, "SSL certificate problem: unable to get local issuer certificate");
        }
        else return (60, "SSL certificate problem: unable to get local issuer certificate");
        if (!network.ApiServerNames.Contains(host, StringComparer.OrdinalIgnoreCase))
            return (60, $"SSL: no alternative certificate subject name matches target host name '{host}'");
        return null;
    }
}
