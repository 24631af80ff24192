using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Documents;

namespace KubeLab.Runner;

/// <summary>Finds chart specs that KubeLab's Plot embeds in its HTML output
/// (<c>&lt;script type="application/json" data-kubelab-plot="TITLE"&gt;SPEC&lt;/script&gt;</c>) and writes each as a standalone page.</summary>
public static partial class ChartExtractor
{
    [GeneratedRegex("""<script\s+type="application/json"\s+data-kubelab-plot="(?<title>[^"]*)"\s*>(?<spec>.*?)</script>""",
        RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex PlotScript();

    /// <summary>Title and spec JSON of every chart in an HTML fragment, in order.</summary>
    public static IEnumerable<(string Title, string Spec)> FindCharts(string html) =>
        PlotScript().Matches(html).Select(m => (WebUtility.HtmlDecode(m.Groups["title"].Value), m.Groups["spec"].Value.Trim()));

    /// <summary>
    /// Writes <c>&lt;outDir&gt;/&lt;notebook&gt;/NN-slug.html</c> for every chart in the document's text/html outputs and returns the
    /// paths. The pages share ONE plotly.js, <c>&lt;outDir&gt;/plotly-VERSION.min.js</c> (<see cref="KubeLab.Charts.PlotlyAsset"/>),
    /// loaded as <c>../plotly-VERSION.min.js</c>: a run of every chapter ships plotly.js once, and the folder still opens offline.
    /// Pages an earlier run of this notebook left behind are removed first.
    /// </summary>
    internal static IReadOnlyList<string> WriteCharts(InteractiveDocument document, string outDir, string notebookName)
    {
        var directory = Path.Combine(outDir, notebookName);
        if (Directory.Exists(directory))
            foreach (var stale in Directory.GetFiles(directory, "??-*.html"))
                File.Delete(stale);
        var specs = document.Elements
            .SelectMany(e => e.Outputs)
            .Select(o => o switch { DisplayElement d => d.Data, ReturnValueElement r => r.Data, _ => null })
            .SelectMany(data => data is not null && data.TryGetValue("text/html", out var html) ? FindCharts(html?.ToString() ?? "") : [])
            .ToList();
        var paths = new List<string>();
        if (specs.Count == 0)
            return paths;
        Directory.CreateDirectory(directory);
        var plotlyJs = "../" + Path.GetFileName(KubeLab.Charts.PlotlyAsset.WriteTo(outDir));
        foreach (var (title, spec) in specs)
        {
            var path = Path.Combine(directory, $"{paths.Count + 1:00}-{Slug(title)}.html");
            File.WriteAllText(path, StandaloneChart.Html(spec, plotlyJs));
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>Lower-case ASCII letters and digits joined by single dashes; "chart" if nothing is left.</summary>
    public static string Slug(string title)
    {
        var sb = new StringBuilder();
        foreach (var c in title.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
                sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-')
                sb.Append('-');
        }
        var slug = sb.ToString().Trim('-');
        if (slug.Length > 60)
            slug = slug[..60].TrimEnd('-');
        return slug.Length == 0 ? "chart" : slug;
    }
}
