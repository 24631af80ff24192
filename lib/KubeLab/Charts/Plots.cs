using System.Globalization;
using KubeLab.Charts;

namespace KubeLab;

/// <summary>The course's standard charts. Time axes are seconds since the recording started.</summary>
public static class Plots
{
    private const string DesiredColor = "#7f7f7f", ReadyColor = "#2ca02c", PendingColor = "#ff7f0e", TerminatingColor = "#d62728";

    /// <summary>Desired (spec.replicas) and ready (status.readyReplicas) of a ReplicaSet over time, as step lines.</summary>
    public static Plot ReplicaTimeline(Timeline t, string replicaSetName, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        var points = t.ReplicaSeries(replicaSetName);
        var x = points.Select(p => (object)t.SecondsSinceStart(p.Time)).Append(t.SecondsSinceStart(t.End)).ToList();
        var spec = new ChartSpec(title ?? $"ReplicaSet {replicaSetName}: desired vs ready replicas")
        {
            XTitle = t.SecondsAxisTitle,
            YTitle = "replicas",
            YFromZero = true,
            Note = Note(t, points.Count == 0 ? $"No changes of ReplicaSet {replicaSetName} were recorded." : null),
        };
        spec.Add("step", "desired (spec.replicas)", x, points.Select(p => (object)p.Desired).Append(points.LastOrDefault()?.Desired ?? 0), color: DesiredColor);
        spec.Add("step", "ready (status.readyReplicas)", x, points.Select(p => (object)p.Ready).Append(points.LastOrDefault()?.Ready ?? 0), color: ReadyColor);
        return new Plot(spec.ToJson());
    }

    /// <summary>One horizontal bar per pod: pending (orange) → ready (green) → terminating (red); the label shows the node.</summary>
    public static Plot PodGantt(Timeline t, string? labelSelector = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        var lives = t.PodLifetimes(labelSelector);
        var end = t.End;
        var spec = new ChartSpec(title ?? "Pod lifetimes" + (labelSelector is null ? "" : $" ({labelSelector})"))
        {
            XTitle = t.SecondsAxisTitle,
            YTitle = "pod (node)",
            BarMode = "overlay",
            Note = Note(t, lives.Count == 0 ? "No pods were recorded." : null),
        };
        var segments = new Dictionary<string, (string Color, List<(string Pod, double Start, double Length)> Bars)>
        {
            ["pending / not ready"] = (PendingColor, []), ["ready"] = (ReadyColor, []), ["terminating"] = (TerminatingColor, []),
        };
        foreach (var l in lives)
        {
            var label = $"{l.Name} ({l.Node ?? "unscheduled"})";
            var stop = l.Deleted ?? end;
            var readyAt = l.Ready ?? l.Terminating ?? stop;
            var terminatingAt = l.Terminating ?? stop;
            AddSegment(segments["pending / not ready"].Bars, label, t, l.Created, readyAt);
            if (l.Ready is not null) AddSegment(segments["ready"].Bars, label, t, l.Ready.Value, terminatingAt);
            if (l.Terminating is not null) AddSegment(segments["terminating"].Bars, label, t, l.Terminating.Value, stop);
        }
        foreach (var (name, (color, bars)) in segments)
        {
            if (bars.Count == 0) continue;
            spec.Add("hbar", name, bars.Select(b => (object)Math.Max(b.Length, 0.05)), bars.Select(b => (object)b.Pod),
                bars.Select(b => b.Start), color,
                bars.Select(b => $"{b.Pod}: {name} {b.Start.ToString("0.00", CultureInfo.InvariantCulture)}s → {(b.Start + b.Length).ToString("0.00", CultureInfo.InvariantCulture)}s"));
        }
        return new Plot(spec.ToJson());
    }

    private static void AddSegment(List<(string, double, double)> bars, string label, Timeline t, DateTimeOffset from, DateTimeOffset to)
    {
        if (to < from) return;
        bars.Add((label, t.SecondsSinceStart(from), (to - from).TotalSeconds));
    }

    /// <summary>Ready (0/1) and restartCount of one pod over time, as step lines – see <see cref="ProbeSeries"/>.</summary>
    public static Plot ProbeTimeline(Timeline t, string pod, string? container = null, string? title = null)
        => ProbeSeries.From(t, pod, container).ToPlot(title);

    /// <summary>A histogram, e.g. of recovery times in seconds.</summary>
    public static Plot Histogram(IEnumerable<double> values, string title, string xTitle)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values.ToList();
        var spec = new ChartSpec(title) { XTitle = xTitle, YTitle = "count", Note = list.Count == 0 ? "No values." : $"n = {list.Count}" };
        spec.Add("histogram", xTitle, list.Select(v => (object)v), color: "#1f77b4");
        return new Plot(spec.ToJson());
    }

    /// <summary>A bar chart of labelled values.</summary>
    public static Plot Bar(IEnumerable<(string Label, double Value)> bars, string title, string yTitle)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var list = bars.ToList();
        var spec = new ChartSpec(title) { YTitle = yTitle };
        spec.Add("bar", yTitle, list.Select(b => (object)b.Label), list.Select(b => (object)b.Value), color: "#1f77b4");
        return new Plot(spec.ToJson());
    }

    internal static string Note(Timeline t, string? extra)
    {
        var clock = t.ClusterLabel.Contains("simulator", StringComparison.OrdinalIgnoreCase)
            ? "Cluster: KubeLab simulator (simulated control plane, timings are illustrative)"
            : $"Cluster: {t.ClusterLabel}";
        return extra is null ? clock : $"{extra} {clock}";
    }
}
