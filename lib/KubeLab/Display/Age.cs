using KubeLab.Simulator.Api.Printing;

namespace KubeLab;

/// <summary>
/// Formats durations the way kubectl prints AGE (k8s.io/apimachinery/pkg/util/duration.HumanDuration):
/// 45s, 3m20s, 15m, 5h10m, 30h, 3d4h, 120d, 2y30d, 9y. The simulator's server-side tables use the same rules,
/// so both share one implementation.
/// </summary>
public static class Age
{
    public static string Format(TimeSpan d) => HumanDuration.Format(d);

    internal static string Since(DateTime? created, DateTimeOffset now)
        => created is null ? "<unknown>" : Format(now - new DateTimeOffset(DateTime.SpecifyKind(created.Value, DateTimeKind.Utc)));
}
