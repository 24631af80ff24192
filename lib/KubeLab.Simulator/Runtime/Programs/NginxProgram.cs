using System.Globalization;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// The nginx binary of the official image, run as <c>nginx -g 'daemon off;'</c>: reads /etc/nginx/nginx.conf (+ conf.d),
/// opens its logs, binds its <c>listen</c> ports in the Pod's network namespace (retrying as nginx does: 5 tries, 500 ms
/// apart, then "still could not bind()"), prints the notice lines of a start, serves static files
/// (<see cref="NginxStaticSite"/>) and shuts down on the stop signal. Also answers <c>nginx -v</c>, <c>-V</c> and <c>-t</c>.
/// </summary>
public sealed class NginxProgram(string version, string builtBy) : IContainerProgram
{
    private const string MasterPid = "1#1";
    private const int FirstWorkerPid = 29;

    public string Version { get; } = version;

    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        for (var i = 1; i < argv.Count; i++)
        {
            switch (argv[i])
            {
                case "-v":
                    await process.Stderr.WriteAsync($"nginx version: nginx/{Version}\n", kill).ConfigureAwait(false);
                    return 0;
                case "-V":
                    await process.Stderr.WriteAsync($"nginx version: nginx/{Version}\nbuilt by {builtBy}\nbuilt with OpenSSL 3.0.15 3 Sep 2024\n" +
                        "TLS SNI support enabled\nconfigure arguments: --prefix=/etc/nginx --sbin-path=/usr/sbin/nginx " +
                        "--conf-path=/etc/nginx/nginx.conf --error-log-path=/var/log/nginx/error.log " +
                        "--http-log-path=/var/log/nginx/access.log --pid-path=/run/nginx.pid\n", kill).ConfigureAwait(false);
                    return 0;
                case "-t" or "-T":
                    return await TestConfigAsync(process, kill).ConfigureAwait(false);
                case "-s" when i + 1 < argv.Count:
                    // Signalling the master (reload/quit/stop/reopen) is not modelled: the signal process only says it started.
                    await process.Stderr.WriteAsync($"{Stamp(process)} [notice] 47#47: signal process started\n", kill).ConfigureAwait(false);
                    return 0;
                case "-g" or "-c" or "-p" or "-e" when i + 1 < argv.Count:
                    i++; // "daemon off;" keeps nginx in the foreground, which is all the model does anyway
                    break;
                case "-q" or "-h" or "-?":
                    break;
                default:
                    await process.Stderr.WriteAsync($"nginx: invalid option: \"{argv[i].TrimStart('-')}\"\n", kill).ConfigureAwait(false);
                    return 1;
            }
        }
        return await ServeAsync(process, kill).ConfigureAwait(false);
    }

    private async Task<int> ServeAsync(ProcessContext process, CancellationToken kill)
    {
        NginxConfig config;
        NginxLogFile errorLog, accessLog;
        try
        {
            config = NginxConfig.Load(process.Files);
            errorLog = NginxLogFile.Open(process, config.ErrorLog);
            accessLog = NginxLogFile.Open(process, config.AccessLog);
        }
        catch (NginxConfigException e)
        {
            await process.Stderr.WriteAsync($"{Stamp(process)} [emerg] {MasterPid}: {e.Message}\nnginx: [emerg] {e.Message}\n", kill).ConfigureAwait(false);
            return 1;
        }

        var site = new NginxStaticSite(process, Version, accessLog, errorLog, $"{FirstWorkerPid}#{FirstWorkerPid}");
        var listeners = await BindAsync(process, config, site, errorLog, kill).ConfigureAwait(false);
        if (listeners is null) return kill.IsCancellationRequested ? ProcessSignals.KilledStatus : 1;
        try
        {
            var workers = Enumerable.Range(FirstWorkerPid, Math.Max(1, System.Environment.ProcessorCount)).ToList();
            await Notice(MasterPid, "using the \"epoll\" event method");
            await Notice(MasterPid, $"nginx/{Version}");
            await Notice(MasterPid, $"built by {builtBy} ");
            await Notice(MasterPid, "OS: Linux 6.8.0-60-generic");
            await Notice(MasterPid, "getrlimit(RLIMIT_NOFILE): 1048576:1048576");
            await Notice(MasterPid, "start worker processes");
            foreach (var pid in workers) await Notice(MasterPid, $"start worker process {pid}");

            var stop = await ProcessSignals.WaitAsync(process, kill).ConfigureAwait(false);
            if (stop == StopReason.Killed) return ProcessSignals.KilledStatus;

            // STOPSIGNAL SIGQUIT in the image (graceful shutdown); a plain SIGTERM is nginx's fast shutdown.
            var graceful = process.Image.StopSignal == "SIGQUIT";
            await Notice(MasterPid, graceful ? "signal 3 (SIGQUIT) received, shutting down" : "signal 15 (SIGTERM) received, exiting");
            foreach (var pid in workers)
            {
                if (graceful) await Notice($"{pid}#{pid}", "gracefully shutting down");
                await Notice($"{pid}#{pid}", "exiting");
                await Notice($"{pid}#{pid}", "exit");
            }
            foreach (var pid in workers)
            {
                await Notice(MasterPid, $"signal 17 (SIGCHLD) received from {pid}");
                await Notice(MasterPid, $"worker process {pid} exited with code 0");
            }
            await Notice(MasterPid, "exit");
            return 0;
        }
        finally
        {
            foreach (var l in listeners) l.Dispose();
        }

        // One string per line: the time stamp formatted into it, its "\n" included.
        ValueTask Notice(string pid, string text) => errorLog.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"{process.Time.GetUtcNow().UtcDateTime:yyyy/MM/dd HH:mm:ss} [notice] {pid}: {text}\n"), CancellationToken.None);
    }

    private static async Task<List<IDisposable>?> BindAsync(ProcessContext process, NginxConfig config, NginxStaticSite site,
        NginxLogFile errorLog, CancellationToken kill)
    {
        // Each port once, in the order first listed, served by the first server listing it; [::] too if any server asks for it.
        var ports = new List<(int Port, NginxServer Server, bool Ipv6)>();
        foreach (var server in config.Servers)
            foreach (var port in server.Ports)
            {
                var i = 0;
                while (i < ports.Count && ports[i].Port != port) i++;
                if (i == ports.Count) ports.Add((port, server, server.Ipv6));
                else if (server.Ipv6) ports[i] = ports[i] with { Ipv6 = true };
            }
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var bound = new List<IDisposable>();
            var failed = new List<(int Port, bool Ipv6)>();
            foreach (var (port, server, ipv6) in ports)
            {
                try { bound.Add(process.Sandbox.Listen(port, process.ContainerName, (r, ct) => site.HandleAsync(server, r, ct))); }
                catch (NetworkException) { failed.Add((port, ipv6)); }
            }
            if (failed.Count == 0) return bound;
            foreach (var l in bound) l.Dispose();
            foreach (var (port, ipv6) in failed)
            {
                await Emerg($"bind() to 0.0.0.0:{port} failed (98: Address already in use)");
                if (ipv6) await Emerg($"bind() to [::]:{port} failed (98: Address already in use)");
            }
            if (!await ProcessSignals.SleepAsync(process, TimeSpan.FromMilliseconds(500), kill).ConfigureAwait(false)) return null;
        }
        await Emerg("still could not bind()");
        return null;

        async Task Emerg(string text)
        {
            await errorLog.WriteLineAsync($"{Stamp(process)} [emerg] {MasterPid}: {text}", kill).ConfigureAwait(false);
            await process.Stderr.WriteAsync($"nginx: [emerg] {text}\n", kill).ConfigureAwait(false);
        }
    }

    private static async Task<int> TestConfigAsync(ProcessContext process, CancellationToken kill)
    {
        try
        {
            NginxConfig.Load(process.Files);
            await process.Stderr.WriteAsync($"nginx: the configuration file {NginxConfig.MainFile} syntax is ok\n" +
                $"nginx: configuration file {NginxConfig.MainFile} test is successful\n", kill).ConfigureAwait(false);
            return 0;
        }
        catch (NginxConfigException e)
        {
            await process.Stderr.WriteAsync($"nginx: [emerg] {e.Message}\nnginx: configuration file {NginxConfig.MainFile} test failed\n", kill).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>The error log's time stamp: "2006/01/02 15:04:05" (ngx_cached_err_log_time).</summary>
    internal static string Stamp(ProcessContext process) =>
        process.Time.GetUtcNow().UtcDateTime.ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);
}
