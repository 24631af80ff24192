using System.Diagnostics;

namespace KubeLab.Simulator.Tests.Api.PodSubresources;

/// <summary>
/// Runs kubectl with the kubeconfig flag placed before <c>--</c>: the fixture appends it last, where <c>kubectl exec</c>
/// would take it as part of the container's command.
/// </summary>
public static class KubectlExec
{
    public static async Task<KubectlResult> RunAsync(ClusterFixture f, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        var dashes = Array.IndexOf(args, "--");
        foreach (var a in dashes < 0 ? args : args[..dashes]) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--kubeconfig=" + f.KubeconfigPath);
        if (dashes >= 0) foreach (var a in args[dashes..]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        if (stdin is not null) await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return new KubectlResult(p.ExitCode, await stdout, await stderr);
    }
}
