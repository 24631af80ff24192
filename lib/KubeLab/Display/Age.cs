namespace KubeLab;

/// <summary>
/// Formats durations the way kubectl prints AGE (k8s.io/apimachinery/pkg/util/duration.HumanDuration):
/// 45s, 3m20s, 15m, 5h10m, 30h, 3d4h, 120d, 2y30d, 9y.
/// </summary>
public static class Age
{
    public static string Format(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1) return "<invalid>";
        if (seconds < 0) return "0s";
        if (seconds < 60 * 2) return $"{seconds}s";
        var minutes = seconds / 60;
        if (minutes < 10) { var s = seconds % 60; return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s"; }
        if (minutes < 60 * 3) return $"{minutes}m";
        var hours = minutes / 60;
        if (hours < 8) { var m = minutes % 60; return m == 0 ? $"{hours}h" : $"{hours}h{m}m"; }
        if (hours < 48) return $"{hours}h";
        if (hours < 24 * 8) { var h = hours % 24; return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h"; }
        if (hours < 24 * 365 * 2) return $"{hours / 24}d";
        if (hours < 24 * 365 * 8) { var dy = hours / 24 % 365; return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d"; }
        return $"{hours / 24 / 365}y";
    }

    internal static string Since(DateTime? created, DateTimeOffset now)
        => created is null ? "<unknown>" : Format(now - new DateTimeOffset(DateTime.SpecifyKind(created.Value, DateTimeKind.Utc)));
}
