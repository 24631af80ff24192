using KubeLab.Charts;

namespace KubeLab;

/// <summary>One named series of a <see cref="LineChart"/>: points (x, y); <paramref name="Step"/> draws it as a step line (counts that hold until they change).</summary>
public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points, bool Step = false, string? Color = null);

/// <summary>Several series over a shared x axis, e.g. an autoscaler's utilisation and target, or desired vs current replicas.</summary>
public static class LineChart
{
    public static Plot Create(string title, string xTitle, string yTitle, IEnumerable<Series> series, string? note = null, bool yFromZero = true)
    {
        ArgumentNullException.ThrowIfNull(series);
        var spec = new ChartSpec(title) { XTitle = xTitle, YTitle = yTitle, Note = note, YFromZero = yFromZero };
        foreach (var s in series)
            spec.Add(s.Step ? "step" : "line", s.Name, s.Points.Select(p => (object)p.X), s.Points.Select(p => (object)p.Y), color: s.Color);
        return new Plot(spec.ToJson());
    }
}
