using KubeLab.Simulator.CloudProvider.Kind.Gateway;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Tests.CloudProvider.Gateway;

/// <summary>Gateway API matching precedence (apis/v1/httproute_types.go), hostname groups, weights (Envoy's weighted clusters).</summary>
public sealed class RouteTableTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RouteEntry Entry(string name, RouteMatch match, DateTimeOffset? created = null, int rule = 0, string ns = "default") =>
        new(ns, name, created ?? T0, rule, 0, match, [new WeightedBackend(ns, name, 80, 1)]);

    private static RouteMatch M(string type, string path, string? method = null, int headers = 0, int query = 0) =>
        new(type, path, Enumerable.Range(0, headers).Select(i => new ValueMatch($"h{i}", "v")).ToList(),
            Enumerable.Range(0, query).Select(i => new ValueMatch($"q{i}", "v")).ToList(), method);

    private static HttpRequestMessageModel Req(string path, string host = "example.com", string method = "GET", params (string, string)[] headers)
    {
        var r = HttpRequestMessageModel.Get(path, host, "10.244.1.5") with { Method = method };
        foreach (var (k, v) in headers) ((Dictionary<string, string>)r.Headers)[k] = v;
        return r;
    }

    private static string? Winner(IEnumerable<RouteEntry> entries, HttpRequestMessageModel r) =>
        new RouteTable(entries.Select(e => ((IReadOnlyList<string>)[], e))).Find(r)?.RouteName;

    public static TheoryData<string, string> PrecedenceCases => new()
    {
        // request path → the route that must win among: exact /foo, prefix /foo, prefix /foo/bar, prefix /, regex /fo+, GET /foo (prefix), header /foo
        { "/foo", "exact-foo" },
        { "/foo/bar/baz", "prefix-foo-bar" },
        { "/foo/x", "method-foo" },
        { "/foobar", "prefix-root" },     // PathPrefix matches whole path elements only
        { "/", "prefix-root" },
        { "/fooo", "prefix-root" },       // regular expressions rank after every prefix here (implementation-specific)
    };

    [Theory]
    [MemberData(nameof(PrecedenceCases))]
    public void The_spec_precedence_picks_one_route(string path, string expected)
    {
        RouteEntry[] entries =
        [
            Entry("prefix-root", M("PathPrefix", "/")),
            Entry("regex", M("RegularExpression", "/fo+")),
            Entry("prefix-foo", M("PathPrefix", "/foo")),
            Entry("method-foo", M("PathPrefix", "/foo", method: "GET")),
            Entry("prefix-foo-bar", M("PathPrefix", "/foo/bar")),
            Entry("exact-foo", M("Exact", "/foo")),
        ];
        Assert.Equal(expected, Winner(entries, Req(path)));
    }

    [Fact]
    public void More_header_and_query_matches_win_then_the_oldest_route_then_the_name()
    {
        var headers = Entry("two-headers", M("PathPrefix", "/", headers: 2));
        var one = Entry("one-header", M("PathPrefix", "/", headers: 1));
        Assert.Equal("two-headers", Winner([one, headers], Req("/", headers: [("h0", "v"), ("h1", "v")])));
        Assert.Equal("one-header", Winner([one, headers], Req("/", headers: [("h0", "v")])));
        Assert.Equal("query", Winner([Entry("plain", M("PathPrefix", "/")), Entry("query", M("PathPrefix", "/", query: 1))], Req("/?q0=v")));
        Assert.Equal("old", Winner([Entry("new", M("PathPrefix", "/"), T0.AddMinutes(1)), Entry("old", M("PathPrefix", "/"), T0.AddMinutes(2).AddMinutes(-2))], Req("/")));
        Assert.Equal("a", Winner([Entry("b", M("PathPrefix", "/")), Entry("a", M("PathPrefix", "/"))], Req("/")));
        Assert.Null(Winner([Entry("post", M("PathPrefix", "/", method: "POST"))], Req("/")));
    }

    [Fact]
    public void The_host_picks_exact_then_the_longest_wildcard_then_routes_without_hostnames()
    {
        var table = new RouteTable(
        [
            (["foo.example.com"], Entry("exact", M("PathPrefix", "/"))),
            (["*.example.com"], Entry("wild", M("PathPrefix", "/"))),
            (["*.bar.example.com"], Entry("wild-long", M("Exact", "/only"))),
            ([], Entry("any", M("PathPrefix", "/"))),
        ]);
        Assert.Equal("exact", table.Find(Req("/", "foo.example.com:80"))?.RouteName);
        Assert.Equal("wild", table.Find(Req("/", "x.y.example.com"))?.RouteName);
        Assert.Equal("wild-long", table.Find(Req("/only", "a.bar.example.com"))?.RouteName);
        // The most specific host group decides; it does not fall back to a less specific one (Envoy's virtual hosts): 404.
        Assert.Null(table.Find(Req("/other", "a.bar.example.com")));
        Assert.Equal("any", table.Find(Req("/", "example.com"))?.RouteName);
        Assert.Equal("any", table.Find(Req("/", "10.0.0.1"))?.RouteName);
    }

    [Theory]
    [InlineData(null, "foo.example.com", "foo.example.com")]
    [InlineData("*.example.com", "foo.example.com", "foo.example.com")]
    [InlineData("foo.example.com", "*.example.com", "foo.example.com")]
    [InlineData("*.example.com", "example.com", null)]
    [InlineData("bar.example.com", "foo.example.com", null)]
    public void Listener_and_route_hostnames_intersect(string? listener, string route, string? expected) =>
        Assert.Equal(expected, RouteTable.Intersect(listener, route));

    [Fact]
    public void A_90_10_split_stays_within_a_binomial_bound_over_2000_requests()
    {
        var backends = new[] { new WeightedBackend("ns", "v1", 80, 90), new WeightedBackend("ns", "v2", 80, 10) };
        var random = new Random(20260101);
        const int n = 2000;
        var v2 = Enumerable.Range(0, n).Count(_ => RouteTable.PickBackend(backends, random)!.Service == "v2");
        // mean 200, σ = sqrt(2000·0.1·0.9) ≈ 13.4: ±5σ.
        Assert.InRange(v2, 200 - 67, 200 + 67);
        Assert.Null(RouteTable.PickBackend([new WeightedBackend("ns", "zero", 80, 0)], random));
    }
}
