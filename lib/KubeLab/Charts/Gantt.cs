using System.Globalization;
using KubeLab.Charts;

namespace KubeLab;

/// <summary>One bar of a Gantt chart: a row (a pod, a job), a time span in seconds and the segment it belongs to (its colour and legend entry).</summary>
public sealed record GanttBar(string Row, double Start, double End, string Segment, string? Text = null);

/// <summary>
/// Gantt charts for things that run for a while – pods of a Job, Jobs of a CronJob. Rows appear in the order of their first bar;
/// each distinct segment becomes one legend entry. Used where the pod-lifetime chart (<see cref="Plots.PodGantt"/>) does not fit:
/// run-to-completion pods end by succeeding or failing, not by being deleted.
/// </summary>
public static class Gantt
{
    private static readonly Dictionary<string, string> KnownColors = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pending"] = "#ff7f0e", ["running"] = "#1f77b4", ["succeeded"] = "#2ca02c", ["complete"] = "#2ca02c",
        ["failed"] = "#d62728", ["deleted"] = "#d62728", ["replaced"] = "#d62728", ["back-off"] = "#bbbbbb", ["waiting"] = "#bbbbbb",
    };
    private static readonly string[] Palette = ["#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

    /// <param name="bars">The bars; a bar shorter than 0.05 s is drawn 0.05 s wide so it stays visible.</param>
    /// <param name="xTitle">Axis title, e.g. "seconds since the Job was created (simulated clock 10×)".</param>
    /// <param name="note">A line under the chart (what was measured, which clock).</param>
    /// <param name="colors">Segment → colour, overriding the defaults (pending orange, running blue, succeeded green, failed red, back-off grey).</param>
    public static Plot Create(IEnumerable<GanttBar> bars, string title, string xTitle, string? note = null, IReadOnlyDictionary<string, string>? colors = null)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var list = bars.ToList();
        var spec = new ChartSpec(title) { XTitle = xTitle, YTitle = "", BarMode = "overlay", Note = note ?? (list.Count == 0 ? "Nothing was recorded." : null) };
        var segments = list.Select(b => b.Segment).Distinct().ToList();
        for (var i = 0; i < segments.Count; i++)
        {
            var name = segments[i];
            var color = colors?.GetValueOrDefault(name) ?? KnownColors.GetValueOrDefault(name) ?? Palette[i % Palette.Length];
            var inSegment = list.Where(b => b.Segment == name).ToList();
            spec.Add("hbar", name, inSegment.Select(b => (object)Math.Max(b.End - b.Start, 0.05)), inSegment.Select(b => (object)b.Row),
                inSegment.Select(b => b.Start), color, inSegment.Select(b => b.Text ?? $"{b.Row}: {name} {F(b.Start)} s → {F(b.End)} s"));
        }
        return new Plot(spec.ToJson());
    }

    private static string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
}
