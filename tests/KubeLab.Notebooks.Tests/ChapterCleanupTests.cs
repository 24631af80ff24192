using System.Text.Json;

namespace KubeLab.Notebooks.Tests;

/// <summary>
/// Each chapter leaves the cluster as it found it: its last code cell disposes the lab (deleting its namespace) – otherwise the
/// next chapter on the same cluster meets its Pods (chapter 12's node drain refuses Pods that declare no controller).
/// </summary>
public sealed class ChapterCleanupTests
{
    [Theory]
    [MemberData(nameof(ChapterNotebookTests.Chapters), MemberType = typeof(ChapterNotebookTests))]
    public void The_last_code_cell_disposes_the_lab(string chapter)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.NotebooksDirectory, chapter + ".ipynb")));
        var last = doc.RootElement.GetProperty("cells").EnumerateArray().Last(c => c.GetProperty("cell_type").GetString() == "code");
        var source = string.Concat(last.GetProperty("source").EnumerateArray().Select(l => l.GetString()));
        Assert.True(source.Contains("await lab.DisposeAsync();", StringComparison.Ordinal), $"{chapter}: the last code cell should end the lab:\n{source}");
    }
}
