using System.Globalization;
using k8s.Models;
using KubeLab.Charts;

namespace KubeLab;

/// <summary>One pod at one moment: its Ready condition and its container's restartCount (the two things probes change).</summary>
public sealed record PodHealthPoint(double Seconds, bool Ready, int RestartCount, string Status);

/// <summary>A Kubernetes Event about the pod as the recorder saw it (a repeated event is seen again with a higher count).</summary>
public sealed record PodEventPoint(double Seconds, string Type, string Reason, string Message, int Count, string? Container);

/// <summary>
/// What a recording saw of one pod's health: Ready (status.conditions[Ready]) and restartCount over time, plus the kubelet's events
/// about it. A failing readiness probe turns Ready false without a restart; a failing liveness probe makes the kubelet kill and
/// restart the container (restartCount + 1, events Unhealthy then Killing). Times are seconds since the recording started (cluster clock).
/// </summary>
public sealed class ProbeSeries : IHtmlDisplayable
{
    private readonly Timeline _timeline;

    private ProbeSeries(Timeline timeline, string pod, string? container, IReadOnlyList<PodHealthPoint> points, IReadOnlyList<PodEventPoint> events)
    {
        _timeline = timeline;
        Pod = pod;
        Container = container;
        Points = points;
        Events = events;
    }

    public string Pod { get; }
    /// <summary>The container whose restartCount is followed; null = all containers of the pod added up.</summary>
    public string? Container { get; }
    /// <summary>Changes only: a point is added when Ready, restartCount or the status text changed.</summary>
    public IReadOnlyList<PodHealthPoint> Points { get; }
    public IReadOnlyList<PodEventPoint> Events { get; }

    /// <summary>restartCount at the end of the recording.</summary>
    public int Restarts => Points.Count == 0 ? 0 : Points[^1].RestartCount;
    /// <summary>How often Ready went from true to false.</summary>
    public int ReadyLosses => Points.Zip(Points.Skip(1)).Count(p => p.First.Ready && !p.Second.Ready);
    /// <summary>When Ready first became true, or null.</summary>
    public double? FirstReady => Points.FirstOrDefault(p => p.Ready)?.Seconds;
    /// <summary>When restartCount first went up, or null.</summary>
    public double? FirstRestart => Points.FirstOrDefault(p => p.RestartCount > (Points.Count == 0 ? 0 : Points[0].RestartCount))?.Seconds;
    /// <summary>Events with the given reason (e.g. "Unhealthy", "Killing"), counting repeats.</summary>
    public int EventCount(string reason) => Events.Where(e => e.Reason == reason).GroupBy(e => e.Message).Sum(g => g.Max(e => e.Count));

    /// <summary>Builds the series from a recorder's timeline (<see cref="Lab.StartRecording"/>).</summary>
    public static ProbeSeries From(Timeline timeline, string pod, string? container = null)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentException.ThrowIfNullOrWhiteSpace(pod);
        var points = new List<PodHealthPoint>();
        var events = new List<PodEventPoint>();
        foreach (var c in timeline.Changes)
        {
            var seconds = Math.Max(0, timeline.SecondsSinceStart(c.Time));
            if (c.Object is V1Pod p && p.Metadata.Name == pod)
            {
                var point = c.Event == "DELETED"
                    ? new PodHealthPoint(seconds, false, points.LastOrDefault()?.RestartCount ?? 0, "deleted")
                    : new PodHealthPoint(seconds, PodStatusText.IsReady(p), RestartsOf(p, container), PodStatusText.Status(p));
                if (points.Count > 0 && points[^1] with { Seconds = seconds } == point) continue;
                points.Add(point);
            }
            else if (c.Object is Corev1Event e && e.InvolvedObject?.Kind == "Pod" && e.InvolvedObject.Name == pod && c.Event != "DELETED")
            {
                events.Add(new PodEventPoint(seconds, e.Type ?? "", e.Reason ?? "", e.Message ?? "", e.Count ?? 1, ContainerOf(e.InvolvedObject.FieldPath)));
            }
        }
        return new ProbeSeries(timeline, pod, container, points, events);
    }

    private static int RestartsOf(V1Pod pod, string? container) =>
        (pod.Status?.ContainerStatuses ?? []).Where(s => container is null || s.Name == container).Sum(s => s.RestartCount);

    /// <summary>"spec.containers{web}" → "web".</summary>
    internal static string? ContainerOf(string? fieldPath)
    {
        if (fieldPath is null) return null;
        var open = fieldPath.IndexOf('{', StringComparison.Ordinal);
        var close = fieldPath.IndexOf('}', StringComparison.Ordinal);
        return open >= 0 && close > open ? fieldPath[(open + 1)..close] : null;
    }

    private double End => _timeline.SecondsSinceStart(_timeline.End);

    /// <summary>Ready as 0/1 over time (a step line that reaches the end of the recording).</summary>
    public Series ReadySeries(string? label = null) =>
        Step(label ?? $"{Pod}: Ready (1 = true)", p => p.Ready ? 1 : 0, "#2ca02c");

    /// <summary>restartCount over time (a step line).</summary>
    public Series RestartSeries(string? label = null) =>
        Step(label ?? $"{Pod}: restartCount{(Container is null ? "" : $" ({Container})")}", p => p.RestartCount, "#d62728");

    private Series Step(string name, Func<PodHealthPoint, double> value, string color)
    {
        var pts = Points.Select(p => (p.Seconds, value(p))).ToList();
        if (pts.Count > 0) pts.Add((Math.Max(End, pts[^1].Item1), pts[^1].Item2));
        return new Series(name, pts, Step: true, Color: color);
    }

    /// <summary>A step chart of Ready and restartCount against the recording's time axis.</summary>
    public Plot ToPlot(string? title = null)
    {
        var unhealthy = EventCount("Unhealthy");
        var extra = Points.Count == 0 ? $"No changes of pod {Pod} were recorded." :
            $"{Restarts} restart(s), Ready lost {ReadyLosses}×, {unhealthy} failed probe(s) reported (Unhealthy events).";
        return LineChart.Create(title ?? $"Pod {Pod}: Ready and restartCount", _timeline.SecondsAxisTitle, "Ready (0/1) · restartCount",
            [ReadySeries(), RestartSeries()], Plots.Note(_timeline, extra));
    }

    private static readonly string[] Headers = ["T", "READY", "RESTARTS", "STATUS"];

    private IEnumerable<IReadOnlyList<string>> Cells() => Points.Select(p => (IReadOnlyList<string>)
    [
        "+" + p.Seconds.ToString("0.0", CultureInfo.InvariantCulture) + "s", p.Ready ? "true" : "false",
        p.RestartCount.ToString(CultureInfo.InvariantCulture), p.Status,
    ]);

    public override string ToString() => $"Pod {Pod}: {Points.Count} changes\n" + Html.TextTable(Headers, Cells());

    public string ToHtml() => Html.Table($"Pod {Pod}: Ready and restartCount ({Points.Count} changes)", Headers, Cells());
}
