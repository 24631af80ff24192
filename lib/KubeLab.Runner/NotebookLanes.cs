using System.Text.RegularExpressions;

namespace KubeLab.Runner;

/// <summary>
/// Splits a run's notebooks into lanes that run side by side, each against its own simulated cluster. A lane keeps chapter
/// order; notebooks go longest first onto the lane with the least stated time so far (LPT scheduling), using the time each
/// chapter states in its first cell ("**Time:** about 30 s on the simulator, …"). Most of a chapter's wall time is waiting on
/// its cluster's clock, so two lanes finish the course in about half the time even on two cores.
/// </summary>
public static partial class NotebookLanes
{
    /// <summary>Used for a notebook that states no simulator time (a learner's own notebook, a test notebook).</summary>
    public static readonly TimeSpan UnstatedTime = TimeSpan.FromSeconds(30);

    public static IReadOnlyList<IReadOnlyList<string>> Split(IReadOnlyList<string> notebooks, int lanes, Func<string, TimeSpan> statedTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        var count = Math.Min(lanes, notebooks.Count);
        var load = new TimeSpan[count];
        var members = Enumerable.Range(0, count).Select(_ => new List<(int Order, string Path)>()).ToArray();
        var longestFirst = notebooks.Select((path, order) => (Order: order, Path: path, Time: statedTime(path)))
            .OrderByDescending(n => n.Time).ThenBy(n => n.Order);
        foreach (var n in longestFirst)
        {
            var lightest = Array.IndexOf(load, load.Min());
            load[lightest] += n.Time;
            members[lightest].Add((n.Order, n.Path));
        }
        return members.Select(m => (IReadOnlyList<string>)m.OrderBy(x => x.Order).Select(x => x.Path).ToList())
            .OrderBy(m => notebooks.ToList().IndexOf(m[0])).ToList();
    }

    /// <summary>The simulator time a chapter states in its opening cell, or <see cref="UnstatedTime"/>.</summary>
    public static TimeSpan StatedSimulatorTime(string notebookPath)
    {
        var m = File.Exists(notebookPath) ? TimeStatement().Match(File.ReadAllText(notebookPath)) : Match.Empty;
        if (!m.Success) return UnstatedTime;
        var n = int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return m.Groups["unit"].Value == "min" ? TimeSpan.FromMinutes(n) : TimeSpan.FromSeconds(n);
    }

    [GeneratedRegex(@"\*\*Time:\*\* about (?<n>\d+) (?<unit>s|min) on the simulator")]
    private static partial Regex TimeStatement();
}
