using System.Text.RegularExpressions;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.CloudProvider.Kind.Gateway;

/// <summary>One header or query-parameter condition (HTTPHeaderMatch / HTTPQueryParamMatch): Exact or RegularExpression.</summary>
public sealed record ValueMatch(string Name, string Value, bool Regex = false)
{
    public bool Matches(string? actual) => actual is not null && (Regex ? System.Text.RegularExpressions.Regex.IsMatch(actual, "^(?:" + Value + ")$") : actual == Value);
}

/// <summary>HTTPRouteMatch: path (Exact / PathPrefix / RegularExpression), headers, query parameters, method – all ANDed.</summary>
public sealed record RouteMatch(string PathType, string PathValue, IReadOnlyList<ValueMatch> Headers, IReadOnlyList<ValueMatch> QueryParams, string? Method)
{
    public static RouteMatch Prefix(string value) => new("PathPrefix", value, [], [], null);

    public bool Matches(HttpRequestMessageModel r)
    {
        var path = r.Path;
        var pathOk = PathType switch
        {
            "Exact" => path == PathValue,
            // PathPrefix matches whole path elements: /foo matches /foo and /foo/bar, not /foobar (trailing slash ignored).
            "PathPrefix" => PathValue.TrimEnd('/') is var p && (p.Length == 0 || path == p || path.StartsWith(p + "/", StringComparison.Ordinal)),
            "RegularExpression" => Regex.IsMatch(path, "^(?:" + PathValue + ")$"),
            _ => false,
        };
        return pathOk
            && (Method is null || string.Equals(Method, r.Method, StringComparison.OrdinalIgnoreCase))
            && Headers.All(h => h.Matches(r.Headers.TryGetValue(h.Name, out var v) ? v : null))
            && QueryParams.All(q => q.Matches(r.QueryValue(q.Name)));
    }
}

/// <summary>A backendRef resolved to a Service port; <see cref="Weight"/> as given (default 1).</summary>
public sealed record WeightedBackend(string Namespace, string Service, int Port, int Weight);

/// <summary>RequestRedirect (statusCode 301/302, scheme, hostname, port, path ReplaceFullPath).</summary>
public sealed record Redirect(int StatusCode, string? Scheme, string? Hostname, int? Port, string? FullPath);

/// <summary>RequestHeaderModifier: set, add, remove.</summary>
public sealed record HeaderModifier(IReadOnlyList<(string Name, string Value)> Set, IReadOnlyList<(string Name, string Value)> Add, IReadOnlyList<string> Remove);

/// <summary>
/// One match of one rule of one route, as cloud-provider-kind turns it into one Envoy route (pkg/gateway/httproute.go names
/// them <c>ns-name-ruleN-matchM</c>). <see cref="DirectStatus"/> 500 is the spec's answer for a rule whose backends are invalid.
/// </summary>
public sealed record RouteEntry(
    string RouteNamespace, string RouteName, DateTimeOffset Created, int RuleIndex, int MatchIndex,
    RouteMatch Match, IReadOnlyList<WeightedBackend> Backends,
    HeaderModifier? Headers = null, Redirect? Redirect = null, int? DirectStatus = null);

/// <summary>
/// Routes of one listener grouped by hostname, like Envoy's virtual hosts: the request's Host picks the group (exact name, then
/// the longest matching wildcard, then the routes without hostnames); inside it the first route in Gateway API precedence order
/// whose match holds wins (apis/v1/httproute_types.go HTTPRouteRule.Matches): Exact path, longest PathPrefix, RegularExpression
/// (implementation-specific; after the prefixes here), a method match, most header matches, most query matches, then the oldest
/// route, then namespace/name alphabetically, then rule and match order. No group or no match: Envoy's 404 (route_not_found).
/// </summary>
public sealed class RouteTable
{
    private readonly Dictionary<string, List<RouteEntry>> byHost; // "" = any host

    public RouteTable(IEnumerable<(IReadOnlyList<string> Hostnames, RouteEntry Entry)> routes)
    {
        byHost = new(StringComparer.OrdinalIgnoreCase);
        foreach (var (hosts, entry) in routes)
            foreach (var h in hosts.Count == 0 ? [""] : hosts)
                (byHost.TryGetValue(h, out var list) ? list : byHost[h] = []).Add(entry);
        foreach (var list in byHost.Values) list.Sort(Precedence);
    }

    public static RouteTable Empty { get; } = new([]);

    public int Count => byHost.Values.Sum(l => l.Count);

    public RouteEntry? Find(HttpRequestMessageModel request)
    {
        var host = StripPort(request.Host);
        if (HostGroup(host) is not { } group) return null;
        foreach (var e in group)
            if (e.Match.Matches(request)) return e;
        return null;
    }

    private List<RouteEntry>? HostGroup(string host)
    {
        if (byHost.TryGetValue(host, out var exact)) return exact;
        List<RouteEntry>? best = null;
        var bestLength = -1;
        foreach (var (pattern, list) in byHost)
            if (pattern.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(pattern[1..], StringComparison.OrdinalIgnoreCase) && pattern.Length > bestLength)
                (best, bestLength) = (list, pattern.Length);
        return best ?? byHost.GetValueOrDefault("");
    }

    internal static string StripPort(string host) => host.LastIndexOf(':') is var i and > 0 && !host.EndsWith(']') ? host[..i] : host;

    internal static int Precedence(RouteEntry a, RouteEntry b)
    {
        int Kind(RouteMatch m) => m.PathType switch { "Exact" => 0, "PathPrefix" => 1, _ => 2 };
        var c = Kind(a.Match).CompareTo(Kind(b.Match));
        if (c != 0) return c;
        if ((c = b.Match.PathValue.Length.CompareTo(a.Match.PathValue.Length)) != 0) return c;
        if ((c = (b.Match.Method is not null).CompareTo(a.Match.Method is not null)) != 0) return c;
        if ((c = b.Match.Headers.Count.CompareTo(a.Match.Headers.Count)) != 0) return c;
        if ((c = b.Match.QueryParams.Count.CompareTo(a.Match.QueryParams.Count)) != 0) return c;
        if ((c = a.Created.CompareTo(b.Created)) != 0) return c;
        if ((c = string.CompareOrdinal($"{a.RouteNamespace}/{a.RouteName}", $"{b.RouteNamespace}/{b.RouteName}")) != 0) return c;
        if ((c = a.RuleIndex.CompareTo(b.RuleIndex)) != 0) return c;
        return a.MatchIndex.CompareTo(b.MatchIndex);
    }

    /// <summary>Envoy's weighted clusters: a random pick per request in proportion to the weights; null when every weight is 0.</summary>
    public static WeightedBackend? PickBackend(IReadOnlyList<WeightedBackend> backends, Random random)
    {
        var total = backends.Sum(b => (long)b.Weight);
        if (total <= 0) return null;
        var x = random.NextInt64(total);
        foreach (var b in backends)
        {
            if (x < b.Weight) return b;
            x -= b.Weight;
        }
        return backends[^1];
    }

    /// <summary>Gateway API hostname matching between a listener's hostname and a route's (either may be a wildcard).</summary>
    public static string? Intersect(string? listener, string route)
    {
        if (string.IsNullOrEmpty(listener)) return route;
        if (string.Equals(listener, route, StringComparison.OrdinalIgnoreCase)) return route;
        if (listener.StartsWith("*.") && route.EndsWith(listener[1..], StringComparison.OrdinalIgnoreCase) && route.Length > listener.Length - 1) return route;
        if (route.StartsWith("*.") && listener.EndsWith(route[1..], StringComparison.OrdinalIgnoreCase) && listener.Length > route.Length - 1) return listener;
        return null;
    }
}
