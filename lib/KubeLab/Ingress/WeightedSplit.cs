using System.Globalization;
using KubeLab.Charts;
using MathNet.Numerics.Distributions;

namespace KubeLab;

/// <summary>
/// Observed answers per backend against a route's weights: Pearson's chi-square goodness of fit (expected share = weight / Σ weights,
/// k−1 degrees of freedom) and the p-value P(χ² ≥ statistic). Envoy picks a backend at random per request in proportion to the weights,
/// so the counts vary from run to run: check the p-value (e.g. ≥ 0.001), never exact counts.
/// </summary>
public sealed record WeightedSplit(IReadOnlyList<string> Backends, IReadOnlyList<int> Weights, IReadOnlyList<int> Observed, double Statistic, int DegreesOfFreedom, double PValue)
{
    public int Total => Observed.Sum();

    /// <summary>Observed share of one backend (0..1).</summary>
    public double Share(string backend) => Total == 0 ? 0 : (double)Observed[IndexOf(backend)] / Total;

    /// <summary>Expected share of one backend (weight / Σ weights).</summary>
    public double ExpectedShare(string backend) => (double)Weights[IndexOf(backend)] / Weights.Sum();

    /// <summary>Central interval [lo, hi] that holds a backend's count with probability ≥ 1 − 2·<paramref name="tail"/> (binomial).</summary>
    public (int Low, int High) BinomialBounds(string backend, double tail = 0.0005)
    {
        var p = ExpectedShare(backend);
        var low = 0;
        while (low < Total && Binomial.CDF(p, Total, low) < tail) low++;
        var high = low;
        while (high < Total && Binomial.CDF(p, Total, high) < 1 - tail) high++;
        return (low, high);
    }

    private int IndexOf(string backend)
    {
        for (var i = 0; i < Backends.Count; i++) if (Backends[i] == backend) return i;
        throw new ArgumentException($"{backend} is not one of the weighted backends ({string.Join(", ", Backends)}).", nameof(backend));
    }

    /// <summary>Counts from <see cref="Lab.SplitAsync"/> against <paramref name="weights"/> (backend → weight); answers from other backends are ignored.</summary>
    public static WeightedSplit Of(IReadOnlyDictionary<string, int> counts, IReadOnlyDictionary<string, int> weights)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count < 2) throw new ArgumentException("A split needs at least two weighted backends.", nameof(weights));
        var backends = weights.Keys.ToList();
        var observed = backends.Select(b => counts.GetValueOrDefault(b)).ToList();
        var n = observed.Sum();
        var total = weights.Values.Sum();
        var statistic = n == 0 ? double.PositiveInfinity : backends.Select((b, i) =>
        {
            var e = (double)n * weights[b] / total;
            return (observed[i] - e) * (observed[i] - e) / e;
        }).Sum();
        var df = backends.Count - 1;
        var p = double.IsInfinity(statistic) ? 0 : Math.Clamp(1 - ChiSquared.CDF(df, statistic), 0, 1);
        return new WeightedSplit(backends, backends.Select(b => weights[b]).ToList(), observed, statistic, df, p);
    }

    /// <summary>Bars: observed share per backend next to the weight's share.</summary>
    public Plot ToPlot(string? title = null)
    {
        var spec = new ChartSpec(title ?? $"Weighted split over {Total} requests: observed vs weights") { XTitle = "backend", YTitle = "share of requests (%)", BarMode = "group", Note = ToString() };
        spec.Add("bar", "weight", Backends.Cast<object>(), Backends.Select(b => (object)(100 * ExpectedShare(b))), color: "#7f7f7f");
        spec.Add("bar", "observed", Backends.Cast<object>(), Backends.Select(b => (object)(100 * Share(b))), color: "#1f77b4");
        return new Plot(spec.ToJson());
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{string.Join(", ", Backends.Select((b, i) => $"{b} {Observed[i]} (weight {Weights[i]})"))}: χ² = {Statistic:0.00}, {DegreesOfFreedom} df, p = {PValue:0.####}");
}
