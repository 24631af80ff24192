using System.Text.Json.Nodes;
using KubeLab.Charts;

namespace KubeLab;

/// <summary>
/// A chart. <see cref="SpecJson"/> is KubeLab's small serialisable chart spec; HTML is produced by the Plotly.NET renderer
/// running in its own AssemblyLoadContext. Works offline: plotly.js is inlined or a local file (never a CDN).
/// </summary>
public sealed class Plot : IHtmlDisplayable
{
    public Plot(string specJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(specJson);
        var spec = JsonNode.Parse(specJson) as JsonObject
            ?? throw new ArgumentException("A plot spec must be a JSON object with title and traces.", nameof(specJson));
        SpecJson = specJson;
        Title = (string?)spec["title"] ?? "";
        TraceCount = spec["traces"]?.AsArray().Count ?? 0;
    }

    public string Title { get; }
    public string SpecJson { get; }
    public int TraceCount { get; }

    /// <summary>For notebooks (VS Code webview or saved .ipynb; no require.js needed), self-contained: plotly.js inlined
    /// (guarded by window.Plotly). kubelab.csx shows plots through <see cref="NotebookPage"/> instead, which inlines it once per notebook.</summary>
    public string ToHtml() => ToHtml(includePlotlyJs: true);

    /// <summary>The notebook output: the spec as application/json (so the runner can re-create a standalone page), a div, plotly.js
    /// if <paramref name="includePlotlyJs"/>, and a script that draws once window.Plotly exists.</summary>
    public string ToHtml(bool includePlotlyJs) => PlotHtml.Fragment(Title, SpecJson, RendererHost.FigureJson(SpecJson), includePlotlyJs);

    /// <summary>Writes a standalone HTML file that opens offline (plotly.js inlined: one file to share).</summary>
    public void SaveHtml(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, StandaloneHtml(SpecJson));
    }

    /// <summary>A standalone offline HTML document for a spec, plotly.js inlined.</summary>
    public static string StandaloneHtml(string specJson) => StandaloneHtml(specJson, plotlyJsSrc: null);

    /// <summary>A standalone HTML document for a spec that loads plotly.js from <paramref name="plotlyJsSrc"/> (a relative URL of
    /// the shared <see cref="Charts.PlotlyAsset"/> file, as the runner writes them), or inlines it when null.</summary>
    public static string StandaloneHtml(string specJson, string? plotlyJsSrc)
    {
        var plot = new Plot(specJson); // validates the spec before handing it over
        return PlotHtml.Document(plot.Title, specJson, RendererHost.FigureJson(specJson), plotlyJsSrc);
    }

    public override string ToString() => $"Plot \"{Title}\" ({TraceCount} series) – display it in a notebook or call SaveHtml(path).";
}
