namespace KubeLab.Tests.Ingress;

public sealed class WeightedSplitTests
{
    private static readonly Dictionary<string, int> NinetyTen = new() { ["v1"] = 90, ["v2"] = 10 };

    [Fact]
    public void Counts_near_the_weights_pass_and_far_ones_fail()
    {
        var fits = WeightedSplit.Of(new Dictionary<string, int> { ["v1"] = 452, ["v2"] = 48 }, NinetyTen);
        Assert.Equal(500, fits.Total);
        Assert.True(fits.PValue > 0.5, fits.ToString());
        var even = WeightedSplit.Of(new Dictionary<string, int> { ["v1"] = 250, ["v2"] = 250 }, NinetyTen);
        Assert.True(even.PValue < 1e-6, even.ToString());
        // 50/50 against 90/10: χ² = (250−450)²/450 + (250−50)²/50 ≈ 888.9
        Assert.InRange(even.Statistic, 888, 890);
    }

    [Fact]
    public void Binomial_bounds_surround_the_expected_count()
    {
        var s = WeightedSplit.Of(new Dictionary<string, int> { ["v1"] = 450, ["v2"] = 50 }, NinetyTen);
        var (low, high) = s.BinomialBounds("v2");
        Assert.InRange(low, 25, 35);     // mean 50, σ ≈ 6.7: about ±3.3σ
        Assert.InRange(high, 65, 75);
        Assert.Equal(0.1, s.ExpectedShare("v2"), 6);
        Assert.Throws<ArgumentException>(() => s.Share("v3"));
    }

    [Fact]
    public void Answers_from_other_backends_are_not_counted()
    {
        var s = WeightedSplit.Of(new Dictionary<string, int> { ["v1"] = 9, ["v2"] = 1, ["404"] = 5 }, NinetyTen);
        Assert.Equal(10, s.Total);
        Assert.Equal(2, s.ToPlot().TraceCount);
    }
}
