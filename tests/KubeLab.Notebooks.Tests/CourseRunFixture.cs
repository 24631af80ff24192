using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeLab.Notebooks.Tests;

/// <summary>
/// Runs every chapter once, exactly as a learner's <c>./environment/run-course.sh --cluster sim</c> does: the built
/// <c>kubelab run</c> in two lanes (each with its own simulated cluster), writing executed notebooks and charts to
/// <see cref="OutputDirectory"/> and the per-notebook results to a JSON file the chapter tests read. Started by the first
/// test that asks; the whole run takes about as long as the longer lane.
/// </summary>
public sealed class CourseRunFixture : IAsyncLifetime
{
    private static readonly string KubelabDll = Path.Combine(TestPaths.Root, "lib", "KubeLab.Cli", "bin", "Debug", "net10.0", "KubeLab.Cli.dll");
    private readonly Lazy<Task<CourseRun>> _run;

    public CourseRunFixture() => _run = new(RunAsync);

    public string OutputDirectory { get; } = Path.Combine(TestPaths.Root, "artifacts", "test-notebooks");

    public sealed record ChapterResult(string Name, bool Succeeded, double Seconds, string? FailedCell, string? Error, string OutputPath, IReadOnlyList<string> ChartPaths)
    {
        public string Describe() => Succeeded ? $"{Name}: passed in {Seconds:0.0} s" : $"{Name}: {FailedCell} failed: {Error}";
    }

    public sealed record CourseRun(IReadOnlyDictionary<string, ChapterResult> Chapters, string Output, int ExitCode);

    public Task<CourseRun> Run => _run.Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<CourseRun> RunAsync()
    {
        Assert.True(File.Exists(KubelabDll), $"{KubelabDll} is missing: build lib/KubeLab.Cli first");
        Directory.CreateDirectory(OutputDirectory);
        var resultsFile = Path.Combine(OutputDirectory, "chapter-results.json");
        File.Delete(resultsFile);
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = TestPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { KubelabDll, "run", "--cluster", "sim", "--parallel", "2", "--cell-timeout", "3", "--out", OutputDirectory, "--results", resultsFile })
            info.ArgumentList.Add(a);
        info.Environment["CI"] = "true";
        info.Environment.Remove("KUBECONFIG");
        info.Environment.Remove("KUBELAB_CONTEXT");
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"kubelab run did not finish within 20 minutes:\n{output}");
        }
        process.WaitForExit();
        string text;
        lock (output) text = output.ToString();
        Assert.True(File.Exists(resultsFile), $"kubelab run wrote no results (exit code {process.ExitCode}):\n{text}");
        var chapters = JsonNode.Parse(File.ReadAllText(resultsFile))!.AsArray().Select(n => new ChapterResult(
            n!["Name"]!.GetValue<string>(), n["Succeeded"]!.GetValue<bool>(), n["Seconds"]!.GetValue<double>(),
            n["FailedCell"] is JsonObject c ? $"cell {c["CellNumber"]} (code cell {c["CodeCellNumber"]}) `{c["FirstLine"]}`" : null,
            n["Error"]?.GetValue<string>(), n["OutputPath"]!.GetValue<string>(),
            n["ChartPaths"]!.AsArray().Select(p => p!.GetValue<string>()).ToList())).ToDictionary(r => r.Name);
        return new CourseRun(chapters, text, process.ExitCode);
    }
}
