using System.Text.Json.Nodes;
using KubeLab.Runner;

namespace KubeLab.Notebooks.Tests;

/// <summary>notebooks/kubelab.csx in the in-process runner: KubeLab in scope, IHtmlDisplayable shown as HTML, and charts extracted
/// to standalone pages – while the runner process itself has KubeLab loaded too.</summary>
[Collection(NotebookCollection.Name)]
public sealed class KubelabSetupTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("kubelab-setup-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task The_setup_line_brings_KubeLab_into_scope_renders_html_and_the_chart_becomes_a_standalone_offline_page()
    {
        _ = typeof(KubeLab.Plot).Assembly; // the host has KubeLab loaded before the notebook #r's it
        var result = await NotebookRunner.RunAsync(TestPaths.TestNotebook("kubelab-setup"),
            new RunOptions { OutputDirectory = _out, WorkingDirectory = TestPaths.NotebooksDirectory });

        Assert.True(result.Succeeded, result.Describe());
        var cells = JsonNode.Parse(File.ReadAllText(result.OutputPath))!["cells"]!.AsArray();
        var banner = cells[2]!["outputs"]![0]!;
        Assert.Equal("execute_result", (string?)banner["output_type"]);
        Assert.Equal("<em>rendered through IHtmlDisplayable</em>", string.Concat(banner["data"]!["text/html"]!.AsArray().Select(l => (string?)l)));

        var chart = Assert.Single(result.ChartPaths);
        Assert.Equal(Path.Combine(_out, "kubelab-setup", "01-recovery-time-rounds.html"), chart);
        var html = File.ReadAllText(chart);
        Assert.Contains("round 2", html);
        Assert.True(html.Length > 1_000_000, $"plotly.js should be inlined (page has {html.Length} chars)");
        Assert.DoesNotContain("<script src=\"http", html);
    }

    [Fact]
    public void Slugs_are_lower_case_ascii_words_joined_by_dashes() =>
        Assert.Equal(["ready-replicas-desired", "pod-lifetimes-by-node", "chart"],
            new[] { "Ready replicas & desired", "  Pod lifetimes (by node) ", "✓✓" }.Select(ChartExtractor.Slug));

    [Fact]
    public void Charts_are_found_in_html_with_their_unescaped_titles()
    {
        var html = """<div><script type="application/json" data-kubelab-plot="A &amp; B">{"x":"<\/script"}</script><p>x</p></div>""";
        var (title, spec) = Assert.Single(ChartExtractor.FindCharts(html));
        Assert.Equal("A & B", title);
        Assert.Equal("""{"x":"<\/script"}""", spec);
        Assert.Equal("</script", (string?)JsonNode.Parse(spec)!["x"]);
    }
}
