namespace KubeLab.Runner;

/// <summary>
/// How long one notebook cell may run. On kind a cell can wait for first image pulls (the library's waits allow up to
/// 10 minutes while an image is being pulled) and for real-time controller windows (04's CronJob minutes, 06's 300 s
/// scale-down window), so its default is twice the simulator's, whose clock the chapters speed up.
/// </summary>
public static class CellTimeouts
{
    public static readonly TimeSpan Simulator = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan Kind = TimeSpan.FromMinutes(20);

    public static TimeSpan DefaultFor(ClusterChoice cluster) => cluster == ClusterChoice.Kind ? Kind : Simulator;

    /// <summary>The timeout to use and a line saying where it came from.</summary>
    public static (TimeSpan Timeout, string Description) Resolve(ClusterChoice cluster, TimeSpan? requested)
    {
        if (requested is { } r)
            return (r, $"cell timeout: {Minutes(r)} (--cell-timeout)");
        var t = DefaultFor(cluster);
        return (t, $"cell timeout: {Minutes(t)} (default on {(cluster == ClusterChoice.Kind ? "kind" : "the simulator")}; change with --cell-timeout MINUTES)");
    }

    private static string Minutes(TimeSpan t) => $"{t.TotalMinutes:0.##} min";
}
