using System.Diagnostics;
using System.Text;

namespace KubeLab.Notebooks.Tests.KubectlCorpus;

public sealed record KubectlOutput(int ExitCode, string Stdout, string Stderr)
{
    public string Text => Stdout + Stderr;
}

/// <summary>Runs the real kubectl in the course folder (so <c>-f manifests/…</c> resolves), never near a developer's own config.</summary>
public static class KubectlProcess
{
    private static ProcessStartInfo Info(string root, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("kubectl")
        {
            WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("KUBECONFIG");
        info.Environment["HOME"] = Path.GetTempPath();   // no ~/.kube/config, no discovery cache shared with other runs
        return info;
    }

    public static async Task<KubectlOutput> RunAsync(string root, IEnumerable<string> args, TimeSpan timeout)
    {
        using var p = Process.Start(Info(root, args))!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            return new KubectlOutput(-1, await stdout, await stderr + $"\n(killed after {timeout.TotalSeconds:0} s)");
        }
        return new KubectlOutput(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>A command that runs until interrupted (<c>logs -f</c>, <c>get -w</c>): passes (exit 0) once it has printed a line of
    /// output and is still running, as a learner would see it before pressing Ctrl-C; then it is stopped.</summary>
    public static async Task<KubectlOutput> RunStreamingAsync(string root, IEnumerable<string> args, TimeSpan timeout)
    {
        using var p = new Process { StartInfo = Info(root, args) };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var firstLine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        p.OutputDataReceived += (_, e) => { if (e.Data is null) return; lock (stdout) stdout.AppendLine(e.Data); firstLine.TrySetResult(); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        p.Start();
        p.StandardInput.Close();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var exited = p.WaitForExitAsync();
        var first = await Task.WhenAny(firstLine.Task, exited, Task.Delay(timeout));
        var stillRunning = !p.HasExited;
        if (stillRunning) { p.Kill(entireProcessTree: true); }
        await p.WaitForExitAsync();
        string Out() { lock (stdout) return stdout.ToString(); }
        string Err() { lock (stderr) return stderr.ToString(); }
        if (first == firstLine.Task && stillRunning) return new KubectlOutput(0, Out(), Err());
        return new KubectlOutput(stillRunning ? -1 : p.ExitCode, Out(), Err() + (stillRunning ? $"\n(no output in {timeout.TotalSeconds:0} s)" : "\n(exited instead of streaming)"));
    }
}
