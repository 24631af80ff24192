using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using KubeLab.Runner;

namespace KubeLab.Cli.Commands;

/// <summary>
/// <c>kubelab run</c> on the simulator with more than one lane: each lane is a child <c>kubelab run --cluster sim</c> with its
/// own simulated cluster (its own clock, which chapters speed up and slow down) and kubeconfig, over the notebooks
/// <see cref="NotebookLanes"/> gave it. Lines the lanes print are relayed prefixed with their lane; each lane writes its results
/// to a file the parent reads back for one summary in chapter order. A process per lane because a notebook run owns
/// process-wide state (working directory, KUBECONFIG).
/// </summary>
internal static class ParallelRun
{
    public const string LaneOption = "--lane";
    public const string ResultsOption = "--results";

    public static async Task<int> RunAsync(IReadOnlyList<string> notebooks, int laneCount, string outDir, TimeSpan? cellTimeout,
        double clockSpeed, string? resultsFile, Stopwatch total, CancellationToken ct)
    {
        var lanes = NotebookLanes.Split(notebooks, laneCount, NotebookLanes.StatedSimulatorTime);
        ConsoleOutput.Line($"cluster: sim × {lanes.Count} (one simulated cluster per lane; lanes split by each chapter's stated time)");
        for (var i = 0; i < lanes.Count; i++)
            ConsoleOutput.Line($"  lane {i + 1}: {string.Join(", ", lanes[i].Select(Path.GetFileNameWithoutExtension))}");

        var runs = lanes.Select((lane, i) => RunLaneAsync(i + 1, lane, outDir, cellTimeout, clockSpeed, ct)).ToList();
        var laneResults = await Task.WhenAll(runs);
        var order = notebooks.Select(Path.GetFileNameWithoutExtension).ToList();
        var results = laneResults.SelectMany(r => r).OrderBy(r => order.IndexOf(r.Name)).ToList();
        foreach (var r in results)
            ConsoleOutput.Line(RunCommand.ResultLine(r, "sim"));
        if (resultsFile is not null)
            WriteResults(resultsFile, results);   // for a caller that reads the run's outcome (the chapter tests)
        return RunCommand.Summary(results, outDir, total, $"sim ({lanes.Count} lanes)");
    }

    private static async Task<IReadOnlyList<NotebookResult>> RunLaneAsync(int lane, IReadOnlyList<string> notebooks, string outDir,
        TimeSpan? cellTimeout, double clockSpeed, CancellationToken ct)
    {
        var resultsFile = Path.Combine(outDir, $".lane-{lane}-results.json");
        File.Delete(resultsFile);
        var (program, prefixArgs) = Self();
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Environment.CurrentDirectory };
        foreach (var a in prefixArgs) info.ArgumentList.Add(a);
        foreach (var a in new[] { "run", "--cluster", "sim", "--out", outDir, LaneOption, lane.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     ResultsOption, resultsFile, "--clock-speed", clockSpeed.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(a);
        if (cellTimeout is { } t) { info.ArgumentList.Add("--cell-timeout"); info.ArgumentList.Add(t.TotalMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture)); }
        foreach (var n in notebooks) info.ArgumentList.Add(n);
        info.Environment["CI"] = "true";   // plain lines, no spinner, in the lane's output

        using var process = Process.Start(info) ?? throw new UserError($"could not start lane {lane} ({program}).");
        var prefix = $"[{lane}] ";
        var relay = Task.WhenAll(Relay(process.StandardOutput, prefix, Console.Out), Relay(process.StandardError, prefix, Console.Error));
        try
        {
            await process.WaitForExitAsync(ct);
            await relay;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (File.Exists(resultsFile))
        {
            var read = ReadResults(resultsFile);
            File.Delete(resultsFile);
            return read;
        }
        // The lane stopped before it could report (a crash, a cluster that did not start): every notebook of it failed.
        return notebooks.Select(n => new NotebookResult
        {
            Name = Path.GetFileNameWithoutExtension(n), Succeeded = false, Duration = TimeSpan.Zero, CellCount = 0,
            Error = $"lane {lane} exited with code {process.ExitCode} before reporting (see its [{lane}] lines above)", OutputPath = "",
        }).ToList();
    }

    private static async Task Relay(StreamReader from, string prefix, TextWriter to)
    {
        while (await from.ReadLineAsync() is { } line)
            lock (to) to.WriteLine(prefix + line);
    }

    /// <summary>How to start this same CLI again: its apphost, or <c>dotnet &lt;KubeLab.Cli.dll&gt;</c>.</summary>
    private static (string Program, string[] Args) Self()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? (process, [Assembly.GetEntryAssembly()!.Location])
            : (process, []);
    }

    private sealed record LaneResult(string Name, bool Succeeded, double Seconds, int CellCount, FailedCell? FailedCell, string? Error, string OutputPath,
        IReadOnlyList<string> ChartPaths);

    public static void WriteResults(string path, IReadOnlyList<NotebookResult> results) =>
        File.WriteAllText(path, JsonSerializer.Serialize(results.Select(r => new LaneResult(r.Name, r.Succeeded, r.Duration.TotalSeconds, r.CellCount,
            r.FailedCell, r.Error, r.OutputPath, r.ChartPaths)).ToList()));

    private static List<NotebookResult> ReadResults(string path) =>
        JsonSerializer.Deserialize<List<LaneResult>>(File.ReadAllText(path))!.Select(r => new NotebookResult
        {
            Name = r.Name, Succeeded = r.Succeeded, Duration = TimeSpan.FromSeconds(r.Seconds), CellCount = r.CellCount, FailedCell = r.FailedCell,
            Error = r.Error, OutputPath = r.OutputPath, ChartPaths = r.ChartPaths,
        }).ToList();
}
