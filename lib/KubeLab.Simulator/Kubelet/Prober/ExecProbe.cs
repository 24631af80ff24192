namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>
/// An exec probe (pkg/probe/exec/exec.go): the command runs in the container through the runtime (CRI ExecSync) and
/// exit code 0 succeeds. The output (stdout and stderr together, at most 10 KiB) is the failure's event text as is –
/// the kubelet does not trim it. A command still running after timeoutSeconds fails with
/// <c>command "sh -c sleep 5" timed out</c> (the CRI client's DeadlineExceeded text, ExecProbeTimeout on since 1.20).
/// </summary>
public sealed class ExecProbe(TimeProvider time)
{
    private const int MaxOutput = 10 * 1024;

    public async Task<ProbeOutcome> RunAsync(Func<IReadOnlyList<string>, CancellationToken, Task<(int ExitCode, string Output)>> exec, IReadOnlyList<string> command, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            var (exitCode, output) = await exec(command, deadline.Token).WaitAsync(timeout, time, ct).ConfigureAwait(false);
            if (output.Length > MaxOutput) output = output[..MaxOutput];
            return exitCode == 0 ? ProbeOutcome.Success(output) : ProbeOutcome.Failure(output);
        }
        catch (TimeoutException)
        {
            await deadline.CancelAsync().ConfigureAwait(false); // stop the command
            return ProbeOutcome.Failure($"command \"{string.Join(' ', command)}\" timed out");
        }
    }
}
