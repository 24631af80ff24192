using System.Text;
using System.Text.RegularExpressions;
using KubeLab.Runner;

namespace KubeLab.Notebooks.Tests;

/// <summary>
/// The charts a run writes really draw in a browser with no network: each page in artifacts/&lt;notebook&gt;/ with the shared
/// ../plotly-VERSION.min.js, and a notebook's outputs on one page (as VS Code's notebook webview and Jupyter show them) where only
/// the first chart output carries plotly.js. "Drawn" = Plotly created its plot container and svg.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed partial class ChartsRenderOfflineTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("kubelab-render-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private async Task<NotebookResult> RunSetupNotebook()
    {
        var result = await NotebookRunner.RunAsync(TestPaths.TestNotebook("kubelab-setup"),
            new RunOptions { OutputDirectory = _out, WorkingDirectory = TestPaths.NotebooksDirectory });
        Assert.True(result.Succeeded, result.Describe());
        Assert.Equal(2, result.ChartPaths.Count);
        return result;
    }

    [GeneratedRegex("class=\"plot-container plotly\"")]
    private static partial Regex PlotContainer();

    [GeneratedRegex("<script\\b[^>]*>.*?</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptElement();

    /// <summary>What the page shows: the DOM without its script elements (whose source mentions every message).</summary>
    private static string Shown(string dom) => ScriptElement().Replace(dom, "");

    private static void AssertDrawn(string dom, int charts, string what)
    {
        dom = Shown(dom);
        Assert.True(PlotContainer().Matches(dom).Count == charts,
            $"{what}: expected {charts} drawn chart(s), found {PlotContainer().Matches(dom).Count}. DOM starts: {dom[..Math.Min(dom.Length, 1500)]}");
        Assert.Contains("class=\"main-svg\"", dom);
        Assert.DoesNotContain("plotly.js did not load", dom);
        Assert.DoesNotContain("Waiting for plotly.js", dom);
    }

    [ChromiumFact]
    public async Task Every_chart_page_draws_offline_with_the_shared_plotly_file()
    {
        var result = await RunSetupNotebook();
        foreach (var page in result.ChartPaths)
        {
            var dom = await Chromium.DumpDomAsync(page);
            AssertDrawn(dom, 1, Path.GetFileName(page));
        }
        Assert.Contains("Recovery time &amp; rounds", await Chromium.DumpDomAsync(result.ChartPaths[0]));

        // A screenshot to look at (kept beside the test output while debugging).
        var png = Path.Combine(_out, "chart.png");
        await Chromium.ScreenshotAsync(result.ChartPaths[0], png);
        Assert.True(new FileInfo(png).Length > 10_000, "the screenshot of a drawn chart is more than a blank page");
    }

    [ChromiumFact]
    public async Task A_page_without_the_shared_plotly_file_says_so_instead_of_drawing()
    {
        var result = await RunSetupNotebook();
        File.Delete(Path.Combine(_out, KubeLab.Charts.PlotlyAsset.FileName));
        var dom = await Chromium.DumpDomAsync(result.ChartPaths[0]);
        Assert.DoesNotContain("class=\"main-svg\"", dom);
        Assert.Contains("plotly.js did not load: expected ../plotly-2.28.0.min.js", Shown(dom));
    }

    [ChromiumFact]
    public async Task A_notebooks_outputs_on_one_page_all_draw_though_only_the_first_chart_carries_plotly()
    {
        var result = await RunSetupNotebook();
        var outputs = NotebookOutputs.AllHtml(result.OutputPath).Where(h => h.Contains("data-kubelab-plot", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, outputs.Count);
        Assert.Equal(1, outputs.Count(o => o.Contains("plotly.js v2.28.0", StringComparison.Ordinal)));

        AssertDrawn(await Chromium.DumpDomAsync(OnePage("in-order.html", outputs)), 2, "outputs in notebook order");
        // VS Code renders outputs as their cells scroll into view: a later chart may come first and waits for plotly.js.
        AssertDrawn(await Chromium.DumpDomAsync(OnePage("later-first.html", [outputs[1], outputs[0]])), 2, "the later chart first");
    }

    private string OnePage(string name, IEnumerable<string> outputs)
    {
        var sb = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>");
        foreach (var o in outputs)
            sb.Append("<div class=\"output\">").Append(o).Append("</div>");
        sb.Append("</body></html>");
        var path = Path.Combine(_out, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }
}
