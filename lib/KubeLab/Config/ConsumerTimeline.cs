using System.Globalization;
using System.Text;

namespace KubeLab;

/// <summary>One consumer's observations: every poll's value, and when the expected value was first seen (null: never, within the window).</summary>
public sealed record ConsumerObservation(ConfigConsumer Consumer, IReadOnlyList<(double Seconds, string? Value)> Samples, double? SeenAfter)
{
    public bool Saw => SeenAfter is not null;
    public string? LastValue => Samples.Count == 0 ? null : Samples[^1].Value;
}

/// <summary>
/// When a changed value reached each consumer, in cluster seconds since the change (<see cref="Lab.WatchConsumersAsync"/>): a
/// table (<see cref="ToHtml"/>) and a chart (<see cref="ToGantt"/>: "old value" until the new one was seen).
/// </summary>
public sealed class ConsumerTimeline : IHtmlDisplayable
{
    internal ConsumerTimeline(string expected, double window, IReadOnlyList<ConsumerObservation> consumers, string? clockNote)
    {
        Expected = expected;
        WindowSeconds = window;
        Consumers = consumers;
        ClockNote = clockNote;
    }

    public string Expected { get; }

    /// <summary>How long the consumers were watched, in cluster seconds.</summary>
    public double WindowSeconds { get; }

    public IReadOnlyList<ConsumerObservation> Consumers { get; }

    public string? ClockNote { get; }

    /// <summary>The observation of the consumer with this <see cref="ConfigConsumer.Name"/> (or label).</summary>
    public ConsumerObservation this[string name] => Consumers.FirstOrDefault(c => c.Consumer.Name == name)
        ?? throw new KeyNotFoundException($"No consumer named \"{name}\"; the consumers are: {string.Join(", ", Consumers.Select(c => c.Consumer.Name))}.");

    /// <summary>"after 42.0 s" or "never (within 150 s)".</summary>
    public string Describe(ConsumerObservation o) => o.SeenAfter is { } s
        ? $"after {s.ToString("0.0", CultureInfo.InvariantCulture)} s"
        : $"never (within {WindowSeconds.ToString("0", CultureInfo.InvariantCulture)} s)";

    public Plot ToGantt(string? title = null)
    {
        var bars = new List<GanttBar>();
        foreach (var o in Consumers)
        {
            var end = o.SeenAfter ?? WindowSeconds;
            bars.Add(new GanttBar(o.Consumer.Name, 0, end, "old value"));
            if (o.SeenAfter is { } seen) bars.Add(new GanttBar(o.Consumer.Name, seen, WindowSeconds, "new value"));
        }
        return Gantt.Create(bars, title ?? $"When each consumer saw \"{Expected}\"",
            "cluster seconds since the change" + (ClockNote is null ? "" : $" ({ClockNote})"),
            "Each row is polled with exec (printenv / cat); a row without a green bar never saw the new value in the window.",
            new Dictionary<string, string> { ["old value"] = "#bbbbbb", ["new value"] = "#2ca02c" });
    }

    public override string ToString()
    {
        var sb = new StringBuilder($"{"CONSUMER",-40} {"NEW VALUE SEEN",-24} LAST VALUE\n");
        foreach (var o in Consumers)
            sb.Append(CultureInfo.InvariantCulture, $"{o.Consumer.Name,-40} {Describe(o),-24} {Short(o.LastValue)}\n");
        return sb.ToString();
    }

    public string ToHtml()
    {
        var sb = new StringBuilder("<table class=\"kubelab-table\"><tr><th>consumer</th><th>how</th><th>new value seen</th><th>last value</th></tr>");
        foreach (var o in Consumers)
            sb.Append("<tr><td>").Append(Html.Escape(o.Consumer.Name)).Append("</td><td>").Append(o.Consumer.How)
              .Append("</td><td>").Append(Html.Escape(Describe(o))).Append("</td><td><code>").Append(Html.Escape(Short(o.LastValue))).Append("</code></td></tr>");
        return sb.Append("</table>").ToString();
    }

    private static string Short(string? v) => v is null ? "(unset / unreadable)" : v.Length > 40 ? v[..40] + "…" : v.Replace("\n", "⏎");
}
