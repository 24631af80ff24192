namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// The main process of an image the simulator does not model (redis, httpd, fluent-bit…): whatever argv it is given, it
/// runs until stopped, prints nothing and serves nothing; SIGTERM ends it with status 0 as a well-behaved server would.
/// </summary>
public sealed class GenericServerProgram : IContainerProgram
{
    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        var stop = await ProcessSignals.WaitAsync(process, kill).ConfigureAwait(false);
        return stop == StopReason.Killed ? ProcessSignals.KilledStatus : 0;
    }
}
