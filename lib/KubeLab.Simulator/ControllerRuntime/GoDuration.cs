using System.Globalization;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// Durations written the way Go's time.Duration prints them, because kubelet messages embed them:
/// "669ms", "1.437s", "10s", "5m0s", "1m2.5s".
/// </summary>
public static class GoDuration
{
    /// <summary>Formats with millisecond precision (the kubelet rounds pull times to milliseconds).</summary>
    public static string Format(TimeSpan d)
    {
        var ms = (long)Math.Round(d.TotalMilliseconds);
        if (ms == 0) return "0s";
        if (ms < 1000) return $"{ms}ms";
        var minutes = ms / 60_000;
        var seconds = (ms % 60_000) / 1000.0;
        var s = seconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
        if (minutes == 0) return s;
        var hours = minutes / 60;
        return hours > 0 ? $"{hours}h{minutes % 60}m{s}" : $"{minutes}m{s}";
    }
}
