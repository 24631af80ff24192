using KubeLab.Runner;
using Xunit.Abstractions;

namespace KubeLab.Notebooks.Tests;

/// <summary>Every chapter notebook in notebooks/ runs end to end against one shared simulator, every cell succeeding.
/// New chapters are picked up automatically.</summary>
[Collection(NotebookCollection.Name)]
public sealed class ChapterNotebookTests(SimulatorFixture cluster, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
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
        cluster.Session.PrepareForNextNotebook();
        var result = await NotebookRunner.RunAsync(
            Path.Combine(TestPaths.NotebooksDirectory, chapter + ".ipynb"),
            new RunOptions { OutputDirectory = cluster.OutputDirectory, WorkingDirectory = TestPaths.NotebooksDirectory, CellTimeout = TimeSpan.FromMinutes(3) });

        output.WriteLine($"{result.Name}: {result.Duration.TotalSeconds:0.0} s on {cluster.Session.Label}, {result.ChartPaths.Count} chart(s), output {result.OutputPath}");
        Assert.True(result.Succeeded, result.Describe());
        Assert.True(File.Exists(result.OutputPath));
    }

    [Fact]
    public void The_course_has_chapter_notebooks() =>
        Assert.Contains(Directory.GetFiles(TestPaths.NotebooksDirectory, "*.ipynb"), p => Path.GetFileName(p).StartsWith("00-", StringComparison.Ordinal));
}
