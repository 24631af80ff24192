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

        // plotly.js travels once: with the first chart output; the second chart output only draws.
        var first = NotebookOutputs.Html(cells[3]!);
        var second = NotebookOutputs.Html(cells[5]!);
        Assert.Contains("plotly.js v2.28.0", first);
        Assert.DoesNotContain("plotly.js v2.28.0", second);
        Assert.Contains("Plotly.newPlot", second);
        Assert.True(new FileInfo(result.OutputPath).Length < 4_500_000, $"executed notebook is {new FileInfo(result.OutputPath).Length} bytes");

        // The pages share one plotly.js next to their folder.
        Assert.Equal([Path.Combine(_out, "kubelab-setup", "01-recovery-time-rounds.html"), Path.Combine(_out, "kubelab-setup", "02-second-chart.html")],
            result.ChartPaths);
        var html = File.ReadAllText(result.ChartPaths[0]);
        Assert.Contains("round 2", html);
        Assert.Contains("<script src=\"../plotly-2.28.0.min.js\"></script>", html);
        Assert.True(html.Length < 20_000, $"a chart page should reference plotly.js, not carry it (page has {html.Length} chars)");
        Assert.DoesNotContain("<script src=\"http", html);
        Assert.True(new FileInfo(Path.Combine(_out, "plotly-2.28.0.min.js")).Length > 3_000_000);
    }

    [Fact]
    public async Task A_second_run_replaces_the_chart_pages_of_the_first()
    {
        var stale = Path.Combine(_out, "kubelab-setup", "07-a-chart-the-notebook-no-longer-draws.html");
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.WriteAllText(stale, "old");
        var result = await NotebookRunner.RunAsync(TestPaths.TestNotebook("kubelab-setup"),
            new RunOptions { OutputDirectory = _out, WorkingDirectory = TestPaths.NotebooksDirectory });

        Assert.True(result.Succeeded, result.Describe());
        Assert.False(File.Exists(stale));
        Assert.Equal(result.ChartPaths.Order(), Directory.GetFiles(Path.Combine(_out, "kubelab-setup")).Order());
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
