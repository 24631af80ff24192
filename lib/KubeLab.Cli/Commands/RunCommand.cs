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
        var command = new Command("run", "Run notebooks headless and report which pass.") { cluster, output, timeout, speed, notebooks };
        command.SetAction((parse, ct) => CommandErrors.Guard(() => RunAsync(
            Enum.Parse<ClusterChoice>(parse.GetValue(cluster)!, ignoreCase: true), parse.GetValue(output),
            parse.GetValue(timeout) is { } minutes ? TimeSpan.FromMinutes(minutes) : null, parse.GetValue(speed), parse.GetValue(notebooks) ?? [], ct)));
        return command;
    }

    private static async Task<int> RunAsync(ClusterChoice choice, string? output, TimeSpan? requestedCellTimeout, double clockSpeed, string[] requested, CancellationToken ct)
    {
        if (requestedCellTimeout <= TimeSpan.Zero)
            throw new UserError("--cell-timeout must be more than 0 minutes.");
        ClockSpeedOption.Validate(clockSpeed);
        var root = RepoRoot.Find(Environment.CurrentDirectory);
        var notebooksDir = Path.Combine(root, "notebooks");
        var selected = NotebookSelection.Resolve(notebooksDir, requested);
        var outDir = Path.GetFullPath(output ?? Path.Combine(root, "artifacts"));
        Directory.CreateDirectory(outDir);

        var total = Stopwatch.StartNew();
        await using var session = await ClusterSession.OpenAsync(choice, outDir, clockSpeed, ct);
        if (session.Notice is { } notice)
            ConsoleOutput.Error(notice);
        ConsoleOutput.Line($"cluster: {session.Label} (context {session.Context}{(session.Server is { } s ? $", {s}" : "")})");
        var (cellTimeout, timeoutLine) = CellTimeouts.Resolve(session.Kind, requestedCellTimeout);
        ConsoleOutput.Line(timeoutLine);

        var results = new List<NotebookResult>();
        foreach (var path in selected)
        {
            var options = new RunOptions { OutputDirectory = outDir, WorkingDirectory = notebooksDir, CellTimeout = cellTimeout };
            session.PrepareForNextNotebook();
            var result = await RunOneAsync(path, options, ct);
            results.Add(result);
            ConsoleOutput.Line($"{result.Name,-30} {session.Label,-5} {(result.Succeeded ? "PASS" : "FAIL")} {result.Duration.TotalSeconds,7:0.0} s");
        }

        foreach (var failed in results.Where(r => !r.Succeeded))
            ConsoleOutput.Error("FAILED " + failed.Describe());
        ConsoleOutput.Line($"executed notebooks and charts: {outDir}");
        var passed = results.Count(r => r.Succeeded);
        ConsoleOutput.Line($"notebooks: {passed} passed, {results.Count - passed} failed");
        ConsoleOutput.Line($"total: {total.Elapsed.TotalSeconds:0.0} s on {session.Label}");
        return passed == results.Count ? 0 : 1;
    }

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
