namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// /agnhost (kubernetes test/images/agnhost/agnhost.go): a cobra root command "app" whose subcommands are the e2e test
/// servers. Modelled: netexec, liveness, serve-hostname, pause. The other subcommands are accepted and run until stopped
/// without doing anything. An unknown subcommand prints cobra's error – and exits 0, because agnhost ignores Execute's error.
/// </summary>
public sealed class AgnhostProgram(string version) : IContainerProgram
{
    /// <summary>The subcommands agnhost registers (agnhost.go AddCommand list).</summary>
    public static readonly IReadOnlyList<string> Subcommands =
    [
        "audit-proxy", "connect", "crd-conversion-webhook", "dns-suffix", "dns-server-list", "etc-hosts", "entrypoint-tester",
        "fake-gitserver", "guestbook", "inclusterclient", "liveness", "logs-generator", "mounttest", "net", "netexec", "nettest",
        "no-snat-test", "no-snat-test-proxy", "pause", "porter", "port-forward-tester", "resource-consumer-controller",
        "serve-hostname", "test-webserver", "webhook", "test-service-account-issuer-discovery", "grpc-health-checking",
        "http-echo", "mtlsclient", "mtlsserver", "fake-metrics-server", "external-metrics", "registry", "podcertificatesigner",
    ];

    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        var args = argv.Skip(1).ToList();
        var sub = args.FirstOrDefault(a => !a.StartsWith('-'));
        if (sub is null)
        {
            if (args.Contains("--version"))
            {
                await process.Stdout.WriteAsync($"app version {version}\n", kill).ConfigureAwait(false);
                return 0;
            }
            await process.Stdout.WriteAsync("Usage:\n  app [command]\n\nAvailable Commands:\n" +
                string.Concat(Subcommands.Order(StringComparer.Ordinal).Select(s => $"  {s}\n")) +
                "\nUse \"app [command] --help\" for more information about a command.\n", kill).ConfigureAwait(false);
            return 0;
        }
        var rest = args.Where(a => a != sub).ToList();
        switch (sub)
        {
            case "netexec": return await new AgnhostNetexec().RunAsync(process, rest, kill).ConfigureAwait(false);
            case "liveness": return await AgnhostLiveness.RunAsync(process, rest, kill).ConfigureAwait(false);
            case "serve-hostname": return await AgnhostServeHostname.RunAsync(process, rest, kill).ConfigureAwait(false);
            case "pause": return await PauseAsync(process, kill).ConfigureAwait(false);
        }
        if (!Subcommands.Contains(sub))
        {
            await process.Stderr.WriteAsync($"Error: unknown command \"{sub}\" for \"app\"\nRun 'app --help' for usage.\n", kill).ConfigureAwait(false);
            return 0;
        }
        var stop = await ProcessSignals.WaitAsync(process, kill).ConfigureAwait(false);
        return stop == StopReason.Killed ? ProcessSignals.KilledStatus : GoSigtermStatus;
    }

    /// <summary>
    /// A Go program without a SIGTERM handler running as PID 1: the runtime re-raises the signal with the default action,
    /// which the kernel ignores for a namespace's init, and falls back to exit(2) (runtime/signal_unix.go dieFromSignal).
    /// </summary>
    public const int GoSigtermStatus = 2;

    /// <summary>agnhost pause (pause/pause.go): prints "Paused"; SIGTERM → os.Exit(2), SIGINT → 1.</summary>
    private static async Task<int> PauseAsync(ProcessContext process, CancellationToken kill)
    {
        await process.Stdout.WriteAsync("Paused\n", kill).ConfigureAwait(false);
        var stop = await ProcessSignals.WaitAsync(process, kill).ConfigureAwait(false);
        return stop == StopReason.Killed ? ProcessSignals.KilledStatus : 2;
    }
}
