using System.Reflection;
using System.Text.Json;
using DynamicObj;
using Plotly.NET;

namespace KubeLab.PlotlyRenderer;

/// <summary>
/// Entry point called by KubeLab through reflection from an isolated AssemblyLoadContext.
/// Only strings cross the boundary, so KubeLab never sees an FSharp.Core or Plotly.NET type.
/// </summary>
public static class Renderer
{
    /// <summary>A complete HTML document for the chart. With <paramref name="inlinePlotlyJs"/> plotly.js is embedded (works offline).</summary>
    public static string Render(string specJson, bool inlinePlotlyJs)
    {
        var chart = SpecToChart.Build(ChartSpec.Parse(specJson));
        var reference = inlinePlotlyJs
            ? PlotlyJSReference.Full
            : PlotlyJSReference.NewCDN($"https://cdn.plot.ly/plotly-{PlotlyVersion}.min.js");
        chart = GenericChart.setDisplayOptions(DisplayOptions.init(null, null, null, null, null, null, Microsoft.FSharp.Core.FSharpOption<PlotlyJSReference>.Some(reference)), chart);
        return GenericChart.toEmbeddedHTML(chart);
    }

    /// <summary>The plotly.js figure ({data, layout, config}) as JSON, for pages that load plotly.js themselves.</summary>
    public static string FigureJson(string specJson)
        => GenericChart.toFigureJson(SpecToChart.Build(ChartSpec.Parse(specJson)));

    /// <summary>The plotly.js bundle Plotly.NET ships as an embedded resource (no network needed).</summary>
    public static string PlotlyJs()
    {
        var asm = typeof(GenericChart).Assembly;
        var name = asm.GetManifestResourceNames().First(n => n.EndsWith(".min.js", StringComparison.Ordinal));
        using var stream = asm.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Version of the bundled plotly.js, read from the resource name (e.g. "2.28.0").</summary>
    public static string PlotlyVersion
    {
        get
        {
            var name = typeof(GenericChart).Assembly.GetManifestResourceNames().First(n => n.EndsWith(".min.js", StringComparison.Ordinal));
            var start = name.IndexOf("plotly-", StringComparison.Ordinal) + "plotly-".Length;
            return name[start..name.IndexOf(".min.js", StringComparison.Ordinal)];
        }
    }

    /// <summary>Which FSharp.Core this renderer runs with (tests check it is 10.1 and not the host's).</summary>
    public static string FSharpCoreVersion()
        => typeof(Microsoft.FSharp.Core.FSharpOption<int>).Assembly.GetName().Version?.ToString() ?? "?";

    internal static DynamicObj.DynamicObj Obj(params (string Key, object? Value)[] props)
    {
        var o = new DynamicObj.DynamicObj();
        foreach (var (k, v) in props) if (v is not null) o.SetProperty(k, v);
        return o;
    }

    internal static string AssemblyLocation => Assembly.GetExecutingAssembly().Location;
}
