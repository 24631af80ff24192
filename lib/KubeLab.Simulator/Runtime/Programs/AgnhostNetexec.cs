using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// <c>agnhost netexec</c> (kubernetes test/images/agnhost/netexec/netexec.go): an HTTP server on --http-port (8080) with
/// /, /clientip, /dial, /echo, /exit, /healthz, /readyz, /hostname, /hostName, /redirect, /shell, /shutdown, /upload, and a UDP
/// server on --udp-port (8081) whose start makes /healthz answer 200 (--udp-port=-1: 412 for ever). UDP traffic itself is
/// not modelled (the pod network carries HTTP only): a UDP dial times out. Log lines go to stderr through Go's log package.
/// </summary>
public sealed class AgnhostNetexec
{
    private static readonly string[] KnownFlags =
        ["http-port", "udp-port", "sctp-port", "tls-cert-file", "tls-private-key-file", "http-override", "udp-listen-addresses", "delay-shutdown"];

    private readonly TaskCompletionSource<int> exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ProcessContext process = null!;
    private CancellationToken kill;
    private DateTimeOffset started;
    private bool ready;
    private volatile bool sigtermReceived;
    private string httpOverride = "";

    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> args, CancellationToken kill)
    {
        this.process = process;
        this.kill = kill;
        started = process.Time.GetUtcNow();
        var (flags, error) = CobraFlags.Parse(args, KnownFlags, []);
        error ??= flags.IntError("http-port") ?? flags.IntError("udp-port") ?? flags.IntError("delay-shutdown");
        if (error is not null)
        {
            await process.Stderr.WriteAsync($"Error: {error}\nUsage:\n  app netexec [flags]\n", kill).ConfigureAwait(false);
            return 0; // agnhost ignores cobra's Execute error
        }
        var httpPort = flags.Int("http-port", 8080);
        var udpPort = flags.Int("udp-port", 8081);
        httpOverride = flags.Get("http-override") ?? "";
        var delayShutdown = flags.Int("delay-shutdown", 0);

        IDisposable listener;
        try { listener = process.Sandbox.Listen(httpPort, process.ContainerName, HandleAsync); }
        catch (NetworkException e)
        {
            await Log(e.Message); // log.Fatal(err) of ListenAndServe
            return 1;
        }
        using (listener)
        {
            await Log($"Started HTTP server on port {httpPort}");
            if (udpPort != -1)
            {
                await Log($"Started UDP server on port  {udpPort}"); // address "" (bind to any) printed before the port
                ready = true;
            }
            var stop = await ProcessSignals.WaitAsync(process, kill, exit.Task).ConfigureAwait(false);
            if (stop == StopReason.Terminated)
            {
                // netexec catches SIGTERM: /readyz turns 503 at once (healthz stays 200), it keeps serving for --delay-shutdown
                // seconds, then os.Exit(0) – so a graceful stop ends with exit code 0 (netexec.go main, readyzHandler).
                sigtermReceived = true;
                if (delayShutdown > 0)
                {
                    await Log($"Sleeping {delayShutdown} seconds before terminating...");
                    if (!await ProcessSignals.SleepAsync(process, TimeSpan.FromSeconds(delayShutdown), kill).ConfigureAwait(false))
                        return ProcessSignals.KilledStatus;
                }
                return 0;
            }
            return stop == StopReason.Killed ? ProcessSignals.KilledStatus : await exit.Task.ConfigureAwait(false);
        }
    }

    private Task Log(string text) =>
        process.Stderr.WriteAsync(GoFormats.LogPrefix(process.Time.GetUtcNow()) + text + "\n", CancellationToken.None).AsTask();

    private static HttpResponseMessageModel Ok(string body, int status = 200) => HttpResponseMessageModel.Text(status, body);

    /// <summary>Go's http.Error: the text plus a new line, text/plain, nosniff.</summary>
    private static HttpResponseMessageModel Error(string text, int status) => HttpResponseMessageModel.Text(status, text + "\n");

    private async Task<HttpResponseMessageModel> HandleAsync(HttpRequestMessageModel request, CancellationToken ct)
    {
        if (httpOverride.Length > 0)
            request = request with { Method = "GET", PathAndQuery = httpOverride, Body = [] };
        var form = HttpForm.Parse(request);
        string F(string name) => form.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : "";

        switch (request.Path)
        {
            case "/clientip":
                await Log("GET /clientip");
                return Ok($"{request.RemoteIp}:{Random.Shared.Next(32768, 61000)}"); // RemoteAddr: ip and an ephemeral port
            case "/dial":
                return await DialAsync(request, ct).ConfigureAwait(false);
            case "/echo":
            {
                var msg = F("msg");
                var code = F("code");
                await Log($"GET /echo?msg={msg}&code={code}");
                if (code.Length == 0) return Ok(msg);
                return int.TryParse(code, out var status) ? Ok(msg, status) : Ok($"argument 'code' must be an integer or empty, got \"{code}\"\n");
            }
            case "/exit":
                return await ExitAsync(F("code"), F("timeout"), F("wait")).ConfigureAwait(false);
            case "/healthz":
                await Log("GET /healthz");
                return Ok("", ready ? 200 : 412);
            case "/readyz":
                await Log("GET /readyz");
                return sigtermReceived ? Ok("shutting down", 503) : ready ? Ok("ok") : Ok("", 412);
            case "/hostname":
                await Log("GET /hostname");
                return Ok(process.Sandbox.Hostname);
            case "/hostName":
                await Log("GET /hostName");
                return Ok(process.Sandbox.Hostname);
            case "/redirect":
            {
                var location = F("location");
                var code = F("code");
                await Log($"{request.Method} /redirect?msg={location}&code={code}");
                var status = 302;
                if (code.Length > 0 && !int.TryParse(code, out status)) return Ok($"argument 'code' must be an integer or empty, got \"{code}\"\n");
                var body = request.Method == "GET" ? $"<a href=\"{location}\">{NginxPages.ReasonPhrase(status)}</a>.\n\n" : "";
                return HttpResponseMessageModel.Text(status, body, "text/html; charset=utf-8") with
                {
                    Headers = new Dictionary<string, string> { ["Location"] = location },
                };
            }
            case "/shell":
                return await ShellAsync(F("shellCommand") is { Length: > 0 } sc ? sc : F("cmd"), ct).ConfigureAwait(false);
            case "/shutdown":
                await Log("GET /shutdown");
                exit.TrySetResult(0);
                throw new NetworkException("EOF"); // os.Exit(0) before any answer: the client sees the connection close
            case "/upload":
                await Log("GET /upload");
                await Log("Unable to upload file: request Content-Type isn't multipart/form-data");
                return Ok(GoFormats.JsonObject([new KeyValuePair<string, string>("error", "Unable to upload file.")]));
            default:
                await Log("GET /");
                return Ok("NOW: " + GoFormats.TimeString(process.Time.GetUtcNow(), process.Time.GetUtcNow() - started));
        }
    }

    private async Task<HttpResponseMessageModel> ExitAsync(string codeText, string timeoutText, string waitText)
    {
        await Log($"GET /exit?code={codeText}&timeout={timeoutText}&wait={waitText}");
        var timeout = GoFormats.ParseDuration(timeoutText);
        if (timeout is null && timeoutText.Length > 0) return Ok($"argument 'timeout' must be a valid golang duration or empty, got \"{timeoutText}\"\n");
        var wait = GoFormats.ParseDuration(waitText);
        if (wait is null && waitText.Length > 0) return Ok($"argument 'wait' must be a valid golang duration or empty, got \"{waitText}\"\n");
        var code = 0;
        if (codeText.Length > 0 && !int.TryParse(codeText, out code)) return Ok($"argument 'code' must be an integer [0-127] or empty, got \"{codeText}\"\n");
        var w = wait ?? TimeSpan.Zero;
        var t = timeout ?? TimeSpan.Zero;
        await Log($"Will begin shutdown in {GoFormats.Duration(w)}, allowing {GoFormats.Duration(t)} for connections to close, then will exit with {code}");
        if (w > TimeSpan.Zero) await ProcessSignals.SleepAsync(process, w, kill).ConfigureAwait(false);
        if (t == TimeSpan.Zero)
        {
            exit.TrySetResult(code);
            throw new NetworkException("EOF"); // os.Exit: the request never gets its answer
        }
        // Graceful: the handler returns (an empty 200), Shutdown drains, then os.Exit(code).
        _ = Task.Run(async () =>
        {
            await Log("Graceful shutdown completed with: <nil>");
            exit.TrySetResult(code);
        });
        return Ok("");
    }

    private async Task<HttpResponseMessageModel> ShellAsync(string cmd, CancellationToken ct)
    {
        await Log($"GET /shell?cmd={cmd}");
        var output = new Dictionary<string, string>(StringComparer.Ordinal);
        var combined = new BufferOutput();
        var shell = ProgramLookup.Find(process, "/bin/sh");
        if (shell is null) output["error"] = "fork/exec /bin/sh: no such file or directory";
        else
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, kill);
            try
            {
                var child = process.With(stdin: EmptyInput.Instance, stdout: combined, stderr: combined);
                var status = await shell.Value.Program.RunAsync(child, ["/bin/sh", "-c", cmd], linked.Token).ConfigureAwait(false);
                if (status != 0) output["error"] = $"exit status {status}";
            }
            catch (ProcessStartException e) { output["error"] = e.Message; }
            catch (OperationCanceledException) { output["error"] = "signal: killed"; }
            var text = combined.ToString();
            if (text.Length > 0) output["output"] = text;
        }
        await Log("Output: map[" + string.Join(" ", output.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}:{o.Value}")) + "]");
        return Ok(GoFormats.JsonObject(output));
    }

    private async Task<HttpResponseMessageModel> DialAsync(HttpRequestMessageModel request, CancellationToken ct)
    {
        string Q(string name) => request.QueryValue(name) ?? "";
        var (host, port, what, protocol, triesText) = (Q("host"), Q("port"), Q("request"), Q("protocol"), Q("tries"));
        await Log($"GET /dial?host={host}&protocol={protocol}&port={port}&request={what}&tries={triesText}");
        var tries = 1;
        if (triesText.Length > 0 && !int.TryParse(triesText, out tries))
            return Error($"tries parameter is invalid. strconv.Atoi: parsing \"{triesText}\": invalid syntax", 400);
        if (what.Length == 0) return Error("request parameter not specified. <nil>", 400);
        var proto = protocol.ToLowerInvariant();
        if (proto is not ("" or "http" or "udp" or "sctp")) return Error($"unsupported protocol. {protocol}", 400);

        var portNumber = 0;
        if (port.Length > 0 && !int.TryParse(port, out portNumber))
            return Error($"host and/or port param are invalid. lookup {(proto == "" ? "tcp" : proto == "http" ? "tcp" : proto)}/{port}: unknown port", 400);
        if (portNumber is < 0 or > 65535) return Error($"host and/or port param are invalid. address {port}: invalid port", 400);
        var ip = host.Length == 0 ? "127.0.0.1" : process.Network.Resolve(process.Sandbox, host);
        if (ip is null) return Error($"host and/or port param are invalid. lookup {host}{NameserverSuffix()}: no such host", 400);

        var errors = new List<string>();
        var responses = new List<string>();
        var last = "";
        for (var i = 0; i < tries; i++)
        {
            var (response, error) = proto is "udp" or "sctp"
                ? await DialDatagramAsync(proto, ip, portNumber).ConfigureAwait(false)
                : await DialHttpAsync(what, ip, portNumber, ct).ConfigureAwait(false);
            last = response;
            if (error is not null) errors.Add(error);
            else responses.Add(response);
        }
        var output = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        if (last.Length > 0) output.Add(new("responses", responses)); // netexec keys this on the last response, as written
        if (errors.Count > 0) output.Add(new("errors", errors));
        return Ok(GoFormats.JsonObject(output));
    }

    /// <summary>dialHTTP: GET http://ip:port/request with a 5 s client timeout; the body, or Go's client error.</summary>
    private async Task<(string Response, string? Error)> DialHttpAsync(string what, string ip, int port, CancellationToken ct)
    {
        var url = $"http://{ip}:{port}/{what}";
        var pathAndQuery = "/" + what.TrimStart('/');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["User-Agent"] = "Go-http-client/1.1",
            ["Accept-Encoding"] = "gzip",
        };
        var request = new HttpRequestMessageModel("GET", pathAndQuery, $"{ip}:{port}", headers, [], process.Sandbox.Ip ?? "127.0.0.1");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), process.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, kill, timeout.Token);
        try
        {
            var response = await process.Network.SendAsync(process.Sandbox, ip, port, request, linked.Token).ConfigureAwait(false);
            return (response.BodyText, null);
        }
        catch (NetworkException e) { return ("", $"Get \"{url}\": {e.Message}"); }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return ("", $"Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        }
    }

    /// <summary>UDP/SCTP are not carried by the modelled network: the read deadline (5 s) passes without an answer.</summary>
    private async Task<(string Response, string? Error)> DialDatagramAsync(string proto, string ip, int port)
    {
        await ProcessSignals.SleepAsync(process, TimeSpan.FromSeconds(5), kill).ConfigureAwait(false);
        var local = $"{process.Sandbox.Ip}:{Random.Shared.Next(32768, 61000)}";
        return ("", $"reading from {proto} connection failed. err:'read {proto} {local}->{ip}:{port}: i/o timeout'");
    }

    /// <summary>Go's resolver names the server it asked: " on 10.96.0.10:53" from /etc/resolv.conf.</summary>
    private string NameserverSuffix()
    {
        try
        {
            var line = process.Files.ReadAllText("/etc/resolv.conf").Split('\n')
                .FirstOrDefault(l => l.StartsWith("nameserver ", StringComparison.Ordinal));
            return line is null ? "" : $" on {line["nameserver ".Length..].Trim()}:53";
        }
        catch (FileSystemException) { return ""; }
    }
}
