using System.Text.Json;
using System.Text.RegularExpressions;

namespace KubeLab.Notebooks.Tests;

/// <summary>Each chapter says at the top how long it takes on each cluster, and the README's chapter table says the same.</summary>
public sealed partial class ChapterTimeStatementTests
{
    [GeneratedRegex(@"\*\*Time:\*\* about (?<sim>\d+ (?:s|min)) on the simulator, about (?<kind>\d+ min) on kind")]
    private static partial Regex TimeLine();

    [Theory]
    [MemberData(nameof(ChapterNotebookTests.Chapters), MemberType = typeof(ChapterNotebookTests))]
    public void The_first_cell_states_the_time_on_both_clusters_as_the_readme_does(string chapter)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.NotebooksDirectory, chapter + ".ipynb")));
        var first = string.Concat(doc.RootElement.GetProperty("cells")[0].GetProperty("source").EnumerateArray().Select(l => l.GetString()));
        var m = TimeLine().Match(first);
        Assert.True(m.Success, $"{chapter}: the first cell needs a line '**Time:** about N s on the simulator, about M min on kind …'");

        var readme = File.ReadAllText(Path.Combine(TestPaths.Root, "README.md"));
        Assert.Contains($"| `{chapter}` | {m.Groups["sim"].Value} / {m.Groups["kind"].Value} |", readme);
    }
}
