namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// /pause of registry.k8s.io/pause (kubernetes build/pause/linux/pause.c): sleeps until a signal; SIGINT/SIGTERM print
/// "Shutting down, got signal: Terminated" (psignal) on stderr and exit 0.
/// </summary>
public sealed class PauseProgram : IContainerProgram
{
    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        if (argv.Count > 1 && argv[1] == "-v")
        {
            await process.Stdout.WriteAsync("pause.c v3.10\n", kill).ConfigureAwait(false);
            return 0;
        }
        var stop = await ProcessSignals.WaitAsync(process, kill).ConfigureAwait(false);
        if (stop == StopReason.Killed) return ProcessSignals.KilledStatus;
        await process.Stderr.WriteAsync("Shutting down, got signal: Terminated\n", CancellationToken.None).ConfigureAwait(false);
        return 0;
    }
}
