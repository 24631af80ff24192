namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// /usr/local/bin/etcd of registry.k8s.io/etcd as kubeadm runs it in the static pod: logs its start in etcd's JSON log format
/// and serves until stopped. Its data is the API server's object store itself (<see cref="EtcdctlProgram"/> reads it); no
/// raft, no peers, no metrics port.
/// </summary>
public sealed class EtcdProgram(string version) : IContainerProgram
{
    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        var name = argv.FirstOrDefault(a => a.StartsWith("--name=", StringComparison.Ordinal))?["--name=".Length..] ?? "default";
        string Line(string msg) =>
            $$"""{"level":"info","ts":"{{process.Time.GetUtcNow().UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffffZ}}","caller":"etcdmain/etcd.go:73","msg":"{{msg}}","etcd-version":"{{version}}","name":"{{name}}"}""" + "\n";
        await process.Stderr.WriteAsync(Line("Running: ") + Line("serving client traffic securely"), kill).ConfigureAwait(false);
        var stop = await ProcessSignals.WaitAsync(process, kill).ConfigureAwait(false);
        if (stop == StopReason.Killed) return ProcessSignals.KilledStatus;
        await process.Stderr.WriteAsync(Line("received signal; shutting down"), CancellationToken.None).ConfigureAwait(false);
        return 0;
    }
}
