using System.Text;
using System.Text.Json.Nodes;
using KubeLab.Charts;

namespace KubeLab;

/// <summary>
/// A chart. <see cref="SpecJson"/> is KubeLab's small serialisable chart spec; HTML is produced by the Plotly.NET renderer
/// running in its own AssemblyLoadContext. Works offline: plotly.js is inlined.
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

    /// <summary>
    /// For notebooks (VS Code webview or saved .ipynb; no require.js needed): the spec as application/json (so the runner can
    /// re-create a standalone file), a div, plotly.js inlined once per page (guarded by window.Plotly), then Plotly.newPlot.
    /// </summary>
    public string ToHtml()
    {
        var id = "kubelab-plot-" + Guid.NewGuid().ToString("N")[..12];
        var figure = RendererHost.FigureJson(SpecJson);
        var sb = new StringBuilder();
        sb.Append("<div class=\"kubelab-plot\">");
        sb.Append("<script type=\"application/json\" data-kubelab-plot=\"").Append(Html.Escape(Title)).Append("\">")
          .Append(ScriptSafe(SpecJson)).Append("</script>");
        sb.Append("<div id=\"").Append(id).Append("\" style=\"width:100%;max-width:960px;height:460px\"></div>");
        sb.Append("<script>if (!window.Plotly) { var kubelabDefine = window.define; window.define = undefined; try {\n")
          .Append(ScriptSafe(RendererHost.PlotlyJs()))
          .Append("\n} finally { window.define = kubelabDefine; } }</script>");
        sb.Append("<script>(function(){var fig=").Append(ScriptSafe(figure))
          .Append(";var cfg=Object.assign({responsive:true,displaylogo:false},fig.config||{});")
          .Append("window.Plotly.newPlot(document.getElementById('").Append(id).Append("'),fig.data,fig.layout,cfg);})();</script>");
        sb.Append("</div>");
        return sb.ToString();
    }

    /// <summary>Writes a standalone HTML file that opens offline (plotly.js inlined).</summary>
    public void SaveHtml(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, StandaloneHtml(SpecJson));
    }

    /// <summary>A standalone offline HTML document for a spec (used by the runner to write chart.html artifacts).</summary>
    public static string StandaloneHtml(string specJson)
    {
        var plot = new Plot(specJson); // validates the spec before handing it over
        var html = RendererHost.Render(specJson, inlinePlotlyJs: true);
        // Keep the spec in the file too, so a saved chart can be re-rendered or inspected without the notebook.
        var spec = $"<script type=\"application/json\" data-kubelab-plot=\"{Html.Escape(plot.Title)}\">{ScriptSafe(specJson)}</script>";
        var body = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        return body < 0 ? html + spec : html.Insert(body, spec);
    }

    /// <summary>Text inside a script element must not contain "&lt;/script"; "&lt;\/script" means the same inside JS strings and JSON.</summary>
    internal static string ScriptSafe(string text)
        => System.Text.RegularExpressions.Regex.Replace(text, "</(script)", "<\\/$1", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    public override string ToString() => $"Plot \"{Title}\" ({TraceCount} series) – display it in a notebook or call SaveHtml(path).";
}
