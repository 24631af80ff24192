using System.Diagnostics;

namespace KubeLab.Cli;

/// <summary>Finds and runs command-line tools (docker, kind) without a shell.</summary>
internal static class ExternalTool
{
    public static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var names = OperatingSystem.IsWindows() ? new[] { name + ".exe", name } : [name];
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(n => Path.Combine(dir, n)))
            .FirstOrDefault(File.Exists);
    }

    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Runs the tool to completion, capturing its output (or streaming it when <paramref name="stream"/> is set), in
    /// <paramref name="workingDirectory"/> when given.</summary>
    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, bool stream = false, CancellationToken ct = default,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = !stream, RedirectStandardError = !stream, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new UserError($"Could not start {file}.");
        var stdout = stream ? Task.FromResult("") : process.StandardOutput.ReadToEndAsync(ct);
        var stderr = stream ? Task.FromResult("") : process.StandardError.ReadToEndAsync(ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new Result(-1, "", $"{Path.GetFileName(file)} did not finish within {timeout.TotalSeconds:0} s");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
