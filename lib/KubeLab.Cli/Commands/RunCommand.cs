using System.CommandLine;
using System.Diagnostics;
using KubeLab.Runner;
using Spectre.Console;

namespace KubeLab.Cli.Commands;

/// <summary><c>kubelab run</c>: execute notebooks headless against one cluster, save them with outputs, report PASS/FAIL.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var cluster = new Option<string>("--cluster") { Description = "auto (kind if it answers, else the simulator), kind or sim.", DefaultValueFactory = _ => "auto" };
        cluster.AcceptOnlyFromAmong("auto", "kind", "sim");
        var output = new Option<string?>("--out") { Description = "Folder for executed notebooks and charts (default: artifacts/ in the course folder)." };
        var timeout = new Option<double?>("--cell-timeout")
        {
            Description = $"Minutes a single cell may run (default: {CellTimeouts.Simulator.TotalMinutes:0} on the simulator, {CellTimeouts.Kind.TotalMinutes:0} on kind).",
        };
        var notebooks = new Argument<string[]>("notebook") { Description = "Notebook paths or names such as 02-replicasets (default: all).", Arity = ArgumentArity.ZeroOrMore };
        var speed = ClockSpeedOption.Create();
        var parallel = new Option<int?>("--parallel")
        {
            Description = "Simulated clusters to run notebooks on side by side (default: 2 on the simulator when the machine has 2+ cores; " +
                          "always 1 on kind, whose one cluster the chapters share).",
        };
        var lane = new Option<int?>(ParallelRun.LaneOption) { Hidden = true };
        var results = new Option<string?>(ParallelRun.ResultsOption) { Hidden = true, Description = "Write the notebooks' results as JSON to this file (for tools and the chapter tests)." };
        var command = new Command("run", "Run notebooks headless and report which pass.") { cluster, output, timeout, speed, parallel, lane, results, notebooks };
        command.SetAction((parse, ct) => CommandErrors.Guard(() => RunAsync(new Settings(
            Enum.Parse<ClusterChoice>(parse.GetValue(cluster)!, ignoreCase: true), parse.GetValue(output),
            parse.GetValue(timeout) is { } minutes ? TimeSpan.FromMinutes(minutes) : null, parse.GetValue(speed), parse.GetValue(parallel),
            parse.GetValue(lane), parse.GetValue(results), parse.GetValue(notebooks) ?? []), ct)));
        return command;
    }

    private sealed record Settings(ClusterChoice Choice, string? Output, TimeSpan? CellTimeout, double ClockSpeed, int? Parallel, int? Lane,
        string? ResultsFile, string[] Notebooks);

    private static async Task<int> RunAsync(Settings settings, CancellationToken ct)
    {
        if (settings.CellTimeout <= TimeSpan.Zero)
            throw new UserError("--cell-timeout must be more than 0 minutes.");
        if (settings.Parallel is < 1)
            throw new UserError("--parallel must be 1 or more.");
        ClockSpeedOption.Validate(settings.ClockSpeed);
        var root = RepoRoot.Find(Environment.CurrentDirectory);
        var notebooksDir = Path.Combine(root, "notebooks");
        var selected = NotebookSelection.Resolve(notebooksDir, settings.Notebooks);
        var outDir = Path.GetFullPath(settings.Output ?? Path.Combine(root, "artifacts"));
        Directory.CreateDirectory(outDir);

        var total = Stopwatch.StartNew();
        var (choice, notice) = await ClusterSession.ChooseAsync(settings.Choice, ct);
        if (choice == ClusterChoice.Kind && settings.Parallel is > 1)
            throw new UserError("--parallel needs the simulator: on kind the chapters share one cluster (its nodes, node ports and " +
                                "cluster-wide objects), so they run one after another. Drop --parallel, or pass --cluster sim.");
        var lanes = Math.Min(selected.Count, settings.Parallel ?? (settings.Lane is null ? Math.Min(2, Environment.ProcessorCount) : 1));
        if (choice == ClusterChoice.Sim && lanes > 1)
        {
            if (notice is not null)
                ConsoleOutput.Error(notice);
            return await ParallelRun.RunAsync(selected, lanes, outDir, settings.CellTimeout, settings.ClockSpeed, settings.ResultsFile, total, ct);
        }

        var kubeconfig = Path.Combine(outDir, settings.Lane is { } k ? $"kubeconfig-sim-{k}.yaml" : "kubeconfig-sim.yaml");
        await using var session = await ClusterSession.OpenAsync(choice, kubeconfig, settings.ClockSpeed, notice, ct);
        if (session.Notice is { } sessionNotice)
            ConsoleOutput.Error(sessionNotice);
        ConsoleOutput.Line($"cluster: {session.Label} (context {session.Context}{(session.Server is { } s ? $", {s}" : "")})");
        var (cellTimeout, timeoutLine) = CellTimeouts.Resolve(session.Kind, settings.CellTimeout);
        ConsoleOutput.Line(timeoutLine);

        var results = new List<NotebookResult>();
        foreach (var path in selected)
        {
            var options = new RunOptions { OutputDirectory = outDir, WorkingDirectory = notebooksDir, CellTimeout = cellTimeout };
            session.PrepareForNextNotebook();
            var result = await RunOneAsync(path, options, ct);
            results.Add(result);
            ConsoleOutput.Line(ResultLine(result, session.Label));
        }
        if (settings.ResultsFile is { } resultsFile)
        {
            ParallelRun.WriteResults(resultsFile, results);
            return results.All(r => r.Succeeded) ? 0 : 1;
        }

        return Summary(results, outDir, total, session.Label);
    }

    /// <summary>The run's closing lines (failures on stderr); the exit code: 0 when every notebook passed.</summary>
    internal static int Summary(IReadOnlyList<NotebookResult> results, string outDir, Stopwatch total, string where)
    {
        foreach (var failed in results.Where(r => !r.Succeeded))
            ConsoleOutput.Error("FAILED " + failed.Describe());
        ConsoleOutput.Line($"executed notebooks and charts: {outDir}");
        var passed = results.Count(r => r.Succeeded);
        ConsoleOutput.Line($"notebooks: {passed} passed, {results.Count - passed} failed");
        ConsoleOutput.Line($"total: {total.Elapsed.TotalSeconds:0.0} s on {where}");
        return passed == results.Count ? 0 : 1;
    }

    internal static string ResultLine(NotebookResult result, string label) =>
        $"{result.Name,-30} {label,-5} {(result.Succeeded ? "PASS" : "FAIL")} {result.Duration.TotalSeconds,7:0.0} s";

    private static async Task<NotebookResult> RunOneAsync(string path, RunOptions options, CancellationToken ct)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        if (ConsoleOutput.Plain)
        {
            ConsoleOutput.Line($"running {name} ...");
            return await NotebookRunner.RunAsync(path, options, new PlainProgress(), ct);
        }
        return await AnsiConsole.Status().StartAsync($"{name}: starting", async context =>
            await NotebookRunner.RunAsync(path, options, new StatusProgress(context), ct));
    }

    /// <summary>Prints one line per cell that starts (for logs and CI).</summary>
    private sealed class PlainProgress : IProgress<CellProgress>
    {
        public void Report(CellProgress p)
        {
            if (!p.Finished)
                Console.WriteLine($"  {p.Notebook} cell {p.CodeCellNumber}/{p.CodeCellCount}: {p.FirstLine}");
        }
    }

    /// <summary>Updates the spinner's text with the cell that runs.</summary>
    private sealed class StatusProgress(StatusContext context) : IProgress<CellProgress>
    {
        public void Report(CellProgress p)
        {
            if (!p.Finished)
                context.Status($"{Markup.Escape(p.Notebook)}: cell {p.CodeCellNumber}/{p.CodeCellCount} [grey]{Markup.Escape(p.FirstLine)}[/]");
        }
    }
}
