using KubeLab.Charts;

namespace KubeLab;

/// <summary>Hosts × paths → which backend answered (the pod name, or "404"). One request per cell.</summary>
public sealed class RequestMatrix(IReadOnlyList<string> hosts, IReadOnlyList<string> paths, IReadOnlyDictionary<(string Host, string Path), IngressAnswer> cells)
{
    public IReadOnlyList<string> Hosts { get; } = hosts;
    public IReadOnlyList<string> Paths { get; } = paths;
    public IngressAnswer this[string host, string path] => cells[(host, path)];

    /// <summary>One row per host, one column per path – for ToTabularDataResource().</summary>
    public IReadOnlyList<Dictionary<string, object>> Rows() => Hosts.Select(h =>
    {
        var row = new Dictionary<string, object> { ["Host"] = h };
        foreach (var p in Paths) row[p] = this[h, p].Backend;
        return row;
    }).ToList();

    /// <summary>A heatmap: rows = hosts, columns = paths, one colour per distinct backend, the backend's name in each cell.</summary>
    public Plot ToHeatmap(string? title = null)
    {
        var backends = Hosts.SelectMany(h => Paths.Select(p => this[h, p].Backend)).Distinct().Order(StringComparer.Ordinal).ToList();
        var spec = new ChartSpec(title ?? "Which backend answered (host × path)")
        {
            XTitle = "path", YTitle = "Host header",
            Note = "colour = backend: " + string.Join(", ", backends.Select((b, i) => $"{i} {b}")),
        };
        spec.AddHeatmap(Paths, Hosts, Hosts.Select(h => Paths.Select(p => (double)backends.IndexOf(this[h, p].Backend))),
            Hosts.Select(h => Paths.Select(p => this[h, p].Backend)));
        return new Plot(spec.ToJson());
    }
}
