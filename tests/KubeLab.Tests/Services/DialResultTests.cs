namespace KubeLab.Tests.Services;

public sealed class DialResultTests
{
    [Fact]
    public void Agnhost_json_is_read_with_either_key_missing()
    {
        var (ok, failed) = DialResult.ParseAgnhost("{\"responses\":[\"web-a\",\"web-b\"]}");
        Assert.Equal(["web-a", "web-b"], ok);
        Assert.Empty(failed);
        (ok, failed) = DialResult.ParseAgnhost("{\"errors\":[\"Get \\\"http://10.96.0.7:80/hostname\\\": dial tcp 10.96.0.7:80: connect: connection refused\"]}");
        Assert.Empty(ok);
        Assert.Equal("Get \"http://10.96.0.7:80/hostname\": dial tcp 10.96.0.7:80: connect: connection refused", Assert.Single(failed));
        (ok, failed) = DialResult.ParseAgnhost("{}");
        Assert.Empty(ok);
        Assert.Empty(failed);
    }

    [Fact]
    public void Counts_include_backends_that_never_answered_and_repeats_tell_random_from_round_robin()
    {
        var roundRobin = new DialResult("client", "web", 80, ["a", "b", "c", "a", "b", "c"], []);
        Assert.Equal(0, roundRobin.ConsecutiveRepeats);
        var random = new DialResult("client", "web", 80, ["a", "a", "c", "a", "c", "c"], ["timeout"]);
        Assert.Equal(2, random.ConsecutiveRepeats);
        Assert.Equal([("a", 3), ("b", 0), ("c", 3)], random.CountsFor(["a", "b", "c"]));
        Assert.Equal(7, random.Tries);
        Assert.Equal([("a", 3), ("c", 3)], random.Counts);
    }

    [Fact]
    public void Chi_square_matches_the_textbook_values()
    {
        // 3 categories, 300 draws: a perfect spread has χ² = 0 and p = 1.
        var even = UniformityTest.Of([100, 100, 100]);
        Assert.Equal(0, even.Statistic, 9);
        Assert.Equal(1, even.PValue, 9);
        // (120−100)²/100 + (100−100)²/100 + (80−100)²/100 = 8; P(χ²₂ ≥ 8) = e^(−4) ≈ 0.0183 (2 d.o.f.: the tail is e^(−x/2)).
        var skewed = UniformityTest.Of([120, 100, 80]);
        Assert.Equal(8, skewed.Statistic, 9);
        Assert.Equal(2, skewed.DegreesOfFreedom);
        Assert.Equal(Math.Exp(-4), skewed.PValue, 9);
        // Everything on one backend (session affinity) is wildly non-uniform.
        Assert.True(UniformityTest.Of([300, 0, 0]).PValue < 1e-100);
        Assert.Throws<ArgumentException>(() => UniformityTest.Of([5]));
        Assert.Throws<ArgumentException>(() => UniformityTest.Of([0, 0]));
    }

    [Fact]
    public void Random_picks_pass_the_uniformity_test_and_show_repeats()
    {
        // What kube-proxy's iptables rules do (statistic mode random): each connection picks one of k at random.
        var rng = new Random(7);
        var backends = new[] { "a", "b", "c" };
        var answers = Enumerable.Range(0, 300).Select(_ => backends[rng.Next(3)]).ToList();
        var result = new DialResult("client", "web", 80, answers, []);
        Assert.True(result.UniformityOver(backends).PValue > 1e-6);
        Assert.InRange(result.ConsecutiveRepeats, 60, 140); // ≈ 299/3
    }
}
