namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>How a long-running program's wait ended.</summary>
public enum StopReason { Terminated, Killed, Exited }

/// <summary>Waiting helpers shared by the server programs: SIGTERM is <see cref="ProcessContext.Terminating"/>, SIGKILL the kill token.</summary>
public static class ProcessSignals
{
    /// <summary>128 + 9: the status a shell or the kubelet reports for a process killed by SIGKILL.</summary>
    public const int KilledStatus = 137;

    /// <summary>Waits for SIGTERM, SIGKILL or (optionally) the program's own decision to exit.</summary>
    public static async Task<StopReason> WaitAsync(ProcessContext process, CancellationToken kill, Task? exit = null)
    {
        var terminated = Task.Delay(Timeout.Infinite, process.Terminating);
        var killed = Task.Delay(Timeout.Infinite, kill);
        var tasks = exit is null ? new[] { terminated, killed } : [terminated, killed, exit];
        var first = await Task.WhenAny(tasks).ConfigureAwait(false);
        if (first == killed || kill.IsCancellationRequested) return StopReason.Killed;
        return first == terminated ? StopReason.Terminated : StopReason.Exited;
    }

    /// <summary>A delay on the cluster clock; false if SIGKILL came first.</summary>
    public static async Task<bool> SleepAsync(ProcessContext process, TimeSpan delay, CancellationToken kill)
    {
        try
        {
            await Task.Delay(delay, process.Time, kill).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) { return false; }
    }
}
