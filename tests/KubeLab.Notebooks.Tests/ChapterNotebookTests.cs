using KubeLab.Runner;
using Xunit.Abstractions;

namespace KubeLab.Notebooks.Tests;

/// <summary>Every chapter notebook in notebooks/ runs end to end on the simulator, every cell succeeding – run once for all
/// chapters by <c>kubelab run</c> in two lanes, as the README's course command runs them (<see cref="CourseRunFixture"/>).
/// New chapters are picked up automatically.</summary>
[Collection(NotebookCollection.Name)]
public sealed class ChapterNotebookTests(CourseRunFixture course, ITestOutputHelper output) : IClassFixture<CourseRunFixture>
{
    public static TheoryData<string> Chapters()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(TestPaths.NotebooksDirectory, "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileNameWithoutExtension(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Chapters))]
    public async Task Chapter_runs_end_to_end_on_the_simulator(string chapter)
    {
        var run = await course.Run;
        Assert.True(run.Chapters.TryGetValue(chapter, out var result), $"kubelab run reported nothing for {chapter}:\n{run.Output}");
        output.WriteLine($"{result!.Name}: {result.Seconds:0.0} s on sim, {result.ChartPaths.Count} chart(s), output {result.OutputPath}");
        Assert.True(result.Succeeded, result.Describe() + "\n" + string.Join("\n", run.Output.Split('\n').Where(l => l.Contains(chapter) || l.StartsWith("FAILED"))));
        Assert.True(File.Exists(result.OutputPath));
        AssertWithinArtifactBudget(result);
    }

    /// <summary>Artifacts stay light: plotly.js (3.6 MB) travels once per executed notebook and once per run for the chart pages.</summary>
    private void AssertWithinArtifactBudget(CourseRunFixture.ChapterResult result)
    {
        var notebookBytes = new FileInfo(result.OutputPath).Length;
        Assert.True(notebookBytes <= NotebookBudget, $"{result.Name}.ipynb is {notebookBytes:N0} bytes, over the {NotebookBudget:N0} budget");
        var bundles = NotebookOutputs.AllHtml(result.OutputPath).Sum(h => CountOf(h, "plotly.js v" + KubeLab.Charts.PlotlyAsset.Version));
        Assert.True(bundles <= 1, $"{result.Name}.ipynb carries plotly.js {bundles} times");

        // The chart pages of every chapter run so far in this test run plus the one shared plotly.js: after the last chapter this
        // is the whole run, so checking it after each chapter holds the whole run to the budget whatever order chapters run in.
        // (Only this run's chapters count: a developer's artifacts/ may still hold pages written by an older build.)
        lock (RanChapters) RanChapters.Add(result.Name);
        List<string> ran;
        lock (RanChapters) ran = [.. RanChapters];
        var pages = ran.Select(name => Path.Combine(course.OutputDirectory, name))
            .Where(Directory.Exists).SelectMany(d => Directory.GetFiles(d, "??-*.html")).ToList();
        var shared = Path.Combine(course.OutputDirectory, KubeLab.Charts.PlotlyAsset.FileName);
        var chartBytes = pages.Sum(p => new FileInfo(p).Length) + (File.Exists(shared) ? new FileInfo(shared).Length : 0);
        output.WriteLine($"{result.Name}.ipynb {notebookBytes:N0} bytes; chart pages so far: {pages.Count}, {chartBytes:N0} bytes with the shared plotly.js");
        Assert.True(chartBytes <= RunChartsBudget, $"the run's {pages.Count} chart pages and plotly.js take {chartBytes:N0} bytes, over {RunChartsBudget:N0}");
        Assert.All(result.ChartPaths, p => Assert.DoesNotContain("plotly.js v", File.ReadAllText(p), StringComparison.Ordinal));
    }

    private const long NotebookBudget = 4_000_000, RunChartsBudget = 5_000_000;
    private static readonly HashSet<string> RanChapters = new(StringComparer.Ordinal);

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    [Fact]
    public void The_course_has_chapter_notebooks() =>
        Assert.Contains(Directory.GetFiles(TestPaths.NotebooksDirectory, "*.ipynb"), p => Path.GetFileName(p).StartsWith("00-", StringComparison.Ordinal));
}
