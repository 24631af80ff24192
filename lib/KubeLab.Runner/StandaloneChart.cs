namespace KubeLab.Runner;

/// <summary>Turns a chart spec into a page that opens offline, through KubeLab's own renderer (plotly.js inlined).</summary>
internal static class StandaloneChart
{
    public static string Html(string specJson) => KubeLab.Plot.StandaloneHtml(specJson);
}
