using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// /coredns of registry.k8s.io/coredns/coredns with kubeadm's Corefile (-conf /etc/coredns/Corefile): the health plugin on
/// :8080 (<c>/health</c>, the liveness probe), ready on :8181 (<c>/ready</c>), prometheus on :9153 (<c>/metrics</c>), and the
/// DNS server on :53 — a listener that exists (queries themselves are answered by Network/Dns/ClusterDns). SIGTERM: the health
/// plugin's 5 s lameduck, then exit 0. A missing Corefile stops it as CoreDNS does.
/// </summary>
public sealed class CoreDnsProgram(string version) : IContainerProgram
{
    public const int HealthPort = 8080, ReadyPort = 8181, MetricsPort = 9153, DnsPort = 53;

    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        var conf = "Corefile";
        for (var i = 1; i < argv.Count - 1; i++)
            if (argv[i] is "-conf" or "--conf") conf = argv[i + 1];
        string corefile;
        try { corefile = process.Files.ReadAllText(conf.StartsWith('/') ? conf : "/" + conf); }
        catch (Exception)
        {
            await process.Stderr.WriteAsync($"Error: open {conf}: no such file or directory\n", kill).ConfigureAwait(false);
            return 1;
        }
        HttpHandler Text(string body) => (_, _) => Task.FromResult(HttpResponseMessageModel.Text(200, body));
        var listeners = new List<IDisposable>();
        try
        {
            listeners.Add(process.Sandbox.Listen(DnsPort, process.ContainerName, Text("")));
            listeners.Add(process.Sandbox.Listen(HealthPort, process.ContainerName, Text("OK")));
            listeners.Add(process.Sandbox.Listen(ReadyPort, process.ContainerName, Text("OK")));
            listeners.Add(process.Sandbox.Listen(MetricsPort, process.ContainerName,
                Text($"# HELP coredns_build_info A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.\n# TYPE coredns_build_info gauge\ncoredns_build_info{{goversion=\"go1.21.11\",revision=\"a6338e9\",version=\"{version.TrimStart('v')}\"}} 1\n")));
        }
        catch (NetworkException e)
        {
            foreach (var l in listeners) l.Dispose();
            await process.Stdout.WriteAsync($"[FATAL] {e.Message}\n", kill).ConfigureAwait(false);
            return 1;
        }
        try
        {
            var sha = Convert.ToHexString(System.Security.Cryptography.SHA512.HashData(System.Text.Encoding.UTF8.GetBytes(corefile))).ToLowerInvariant();
            await process.Stdout.WriteAsync($".:53\n[INFO] plugin/reload: Running configuration SHA512 = {sha}\nCoreDNS-{version.TrimStart('v')}\nlinux/amd64, go1.21.11, a6338e9\n", kill).ConfigureAwait(false);
            var stop = await ProcessSignals.WaitAsync(process, kill).ConfigureAwait(false);
            if (stop == StopReason.Killed) return ProcessSignals.KilledStatus;
            await process.Stdout.WriteAsync("[INFO] SIGTERM: Shutting down servers then terminating\n[INFO] plugin/health: Going into lameduck mode for 5s\n", CancellationToken.None).ConfigureAwait(false);
            return await ProcessSignals.SleepAsync(process, TimeSpan.FromSeconds(5), kill).ConfigureAwait(false) ? 0 : ProcessSignals.KilledStatus;
        }
        finally
        {
            foreach (var l in listeners) l.Dispose();
        }
    }
}
