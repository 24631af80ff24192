using Plotly.NET;
using static KubeLab.PlotlyRenderer.Renderer;

namespace KubeLab.PlotlyRenderer;

/// <summary>Turns a ChartSpec into a Plotly.NET GenericChart (traces and layout as plotly.js attributes).</summary>
internal static class SpecToChart
{
    public static GenericChart Build(ChartSpec spec)
    {
        var charts = spec.Traces.Select(t => GenericChart.ofTraceObject(true, ToTrace(t))).ToList();
        if (charts.Count == 0) charts.Add(GenericChart.ofTraceObject(true, new Trace2D("scatter")));
        var chart = GenericChart.combine(charts);
        return GenericChart.setLayout(ToLayout(spec), chart);
    }

    private static Trace ToTrace(TraceSpec t)
    {
        var trace = new Trace2D(t.Type switch { "bar" or "hbar" => "bar", "histogram" => "histogram", "heatmap" => "heatmap", _ => "scatter" });
        if (t.Name is not null) trace.SetProperty("name", t.Name);
        if (t.X is not null) trace.SetProperty("x", t.X);
        if (t.Y is not null) trace.SetProperty("y", t.Y);
        // Hover text only: labels printed on every bar would overlap on short bars.
        if (t.Text is not null) { trace.SetProperty("hovertext", t.Text); trace.SetProperty("hoverinfo", "text"); }
        switch (t.Type)
        {
            case "step":
                trace.SetProperty("mode", "lines");
                trace.SetProperty("line", Obj(("shape", "hv"), ("width", 3), ("color", t.Color)));
                break;
            case "line":
                trace.SetProperty("mode", "lines+markers");
                trace.SetProperty("line", Obj(("color", t.Color)));
                break;
            case "heatmap":
                if (t.Z is not null) trace.SetProperty("z", t.Z);
                if (t.CellText is not null) { trace.SetProperty("text", t.CellText); trace.SetProperty("texttemplate", "%{text}"); }
                trace.SetProperty("colorscale", "Viridis");
                trace.SetProperty("showscale", false);
                break;
            case "hbar":
                trace.SetProperty("orientation", "h");
                if (t.Base is not null) trace.SetProperty("base", t.Base);
                trace.SetProperty("marker", Obj(("color", t.Color)));
                break;
            default:
                trace.SetProperty("marker", Obj(("color", t.Color)));
                break;
        }
        return trace;
    }

    private static Layout ToLayout(ChartSpec spec)
    {
        var layout = new Layout();
        layout.SetProperty("title", Obj(("text", spec.Title)));
        layout.SetProperty("xaxis", Obj(("title", Obj(("text", spec.XTitle))), ("zeroline", false)));
        layout.SetProperty("yaxis", Obj(("title", Obj(("text", spec.YTitle))), ("automargin", true),
            ("rangemode", spec.YFromZero ? "tozero" : null), ("dtick", spec.YFromZero ? 1 : null)));
        layout.SetProperty("showlegend", true);
        if (spec.BarMode is not null) layout.SetProperty("barmode", spec.BarMode);
        if (spec.Note is not null)
            layout.SetProperty("annotations", new[]
            {
                Obj(("text", spec.Note), ("xref", "paper"), ("yref", "paper"), ("x", 0), ("y", -0.3),
                    ("showarrow", false), ("font", Obj(("size", 11), ("color", "#666")))),
            });
        layout.SetProperty("margin", Obj(("b", spec.Note is null ? 60 : 110)));
        return layout;
    }
}
