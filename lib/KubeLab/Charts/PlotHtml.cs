using System.Text;

namespace KubeLab.Charts;

/// <summary>
/// The HTML a <see cref="Plot"/> becomes: a notebook output fragment or a standalone page. Both carry the KubeLab spec (so the
/// runner can re-create pages from an executed notebook) and draw with <c>Plotly.newPlot</c>, waiting until
/// <c>window.Plotly</c> exists – in a notebook, plotly.js arrives with the first chart output only.
/// </summary>
internal static class PlotHtml
{
    private const string Size = "width:100%;max-width:960px;height:460px";

    /// <summary>
    /// A notebook output. VS Code renders all outputs of a notebook into one webview and Jupyter into one page, so a plotly.js
    /// that one output defines stays defined for the later ones; <paramref name="includePlotlyJs"/> decides whether this one
    /// brings it (guarded: a page that already has it keeps it). VS Code evaluates output scripts in the webview's global scope
    /// (microsoft/vscode#157076) and renders an output only once its cell scrolls into view (dotnet/interactive#1817), so a later
    /// chart may run before the first: it waits for window.Plotly instead of failing.
    /// </summary>
    public static string Fragment(string title, string specJson, string figureJson, bool includePlotlyJs)
    {
        var id = "kubelab-plot-" + Guid.NewGuid().ToString("N")[..12];
        var sb = new StringBuilder();
        sb.Append("<div class=\"kubelab-plot\">");
        AppendSpec(sb, title, specJson);
        sb.Append("<div id=\"").Append(id).Append("\" style=\"").Append(Size).Append("\"></div>");
        if (includePlotlyJs)
        {
            // Classic Jupyter has require.js: with window.define present, plotly.js would register as a module instead of window.Plotly.
            sb.Append("<script>if (!window.Plotly) { var kubelabDefine = window.define; window.define = undefined; try {\n")
              .Append(ScriptSafe(RendererHost.PlotlyJs()))
              .Append("\n} finally { window.define = kubelabDefine; } }</script>");
        }
        AppendDraw(sb, id, figureJson, "Waiting for plotly.js: this notebook's first chart output brings it (run or scroll to that cell).");
        sb.Append("</div>");
        return sb.ToString();
    }

    /// <summary>
    /// A standalone page that opens offline. <paramref name="plotlyJsSrc"/> null: plotly.js inlined (one self-contained file);
    /// otherwise a relative URL of the shared copy (<see cref="PlotlyAsset"/>).
    /// </summary>
    public static string Document(string title, string specJson, string figureJson, string? plotlyJsSrc)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(Html.Escape(title)).Append("</title>\n");
        if (plotlyJsSrc is null)
            sb.Append("<script>\n").Append(ScriptSafe(RendererHost.PlotlyJs())).Append("\n</script>\n");
        else
            sb.Append("<script src=\"").Append(Html.Escape(plotlyJsSrc)).Append("\"></script>\n");
        sb.Append("</head>\n<body>\n");
        AppendSpec(sb, title, specJson);
        sb.Append("\n<div id=\"kubelab-plot\" style=\"").Append(Size).Append("\"></div>\n");
        AppendDraw(sb, "kubelab-plot", figureJson,
            plotlyJsSrc is null ? "plotly.js did not load." : $"plotly.js did not load: expected {plotlyJsSrc} next to this page's folder.");
        sb.Append("\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static void AppendSpec(StringBuilder sb, string title, string specJson) =>
        sb.Append("<script type=\"application/json\" data-kubelab-plot=\"").Append(Html.Escape(title)).Append("\">")
          .Append(ScriptSafe(specJson)).Append("</script>");

    /// <summary>Draws as soon as window.Plotly exists; until then the chart's box says why it is empty.</summary>
    private static void AppendDraw(StringBuilder sb, string id, string figureJson, string waiting) =>
        sb.Append("<script>(function(){var fig=").Append(ScriptSafe(figureJson))
          .Append(";var el=document.getElementById('").Append(id).Append("');")
          .Append("var cfg=Object.assign({responsive:true,displaylogo:false},fig.config||{});")
          .Append("function draw(){if(!window.Plotly){el.textContent=").Append(System.Text.Json.JsonSerializer.Serialize(waiting))
          .Append(";setTimeout(draw,250);return;}el.textContent='';window.Plotly.newPlot(el,fig.data,fig.layout,cfg);}")
          .Append("draw();})();</script>");

    /// <summary>Text inside a script element must not contain "&lt;/script"; "&lt;\/script" means the same inside JS strings and JSON.</summary>
    internal static string ScriptSafe(string text)
        => System.Text.RegularExpressions.Regex.Replace(text, "</(script)", "<\\/$1", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
}
