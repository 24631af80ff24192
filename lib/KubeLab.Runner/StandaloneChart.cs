namespace KubeLab.Runner;

/// <summary>Turns a chart spec into a page that opens offline, through KubeLab's own renderer; plotly.js comes from
/// <paramref name="plotlyJsSrc"/>, a relative URL of the run's shared copy.</summary>
internal static class StandaloneChart
{
    public static string Html(string specJson, string plotlyJsSrc) => KubeLab.Plot.StandaloneHtml(specJson, plotlyJsSrc);
}
