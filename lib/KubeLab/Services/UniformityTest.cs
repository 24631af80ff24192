using System.Globalization;
using MathNet.Numerics.Distributions;

namespace KubeLab;

/// <summary>
/// Pearson's chi-square goodness-of-fit test of observed counts against equal probabilities: statistic Σ (O−E)²/E with
/// E = N/k, k−1 degrees of freedom, and the p-value P(χ² ≥ statistic) – how surprising the spread would be if every backend were
/// equally likely. A small p (say below 0.001) says "not uniform"; a large p says the counts fit uniform (it cannot prove it).
/// </summary>
public sealed record UniformityTest(IReadOnlyList<int> Observed, double Expected, double Statistic, int DegreesOfFreedom, double PValue)
{
    public static UniformityTest Of(IReadOnlyList<int> observed)
    {
        ArgumentNullException.ThrowIfNull(observed);
        if (observed.Count < 2) throw new ArgumentException("A uniformity test needs at least two categories (backends).", nameof(observed));
        var n = observed.Sum();
        if (n == 0) throw new ArgumentException("No observations: every count is zero.", nameof(observed));
        var expected = (double)n / observed.Count;
        var statistic = observed.Sum(o => (o - expected) * (o - expected) / expected);
        var df = observed.Count - 1;
        // MathNet's regularised incomplete gamma: the chi-square upper tail without hand-written numerics.
        var p = 1 - ChiSquared.CDF(df, statistic);
        return new UniformityTest(observed, expected, statistic, df, Math.Clamp(p, 0, 1));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"χ² = {Statistic:0.00} with {DegreesOfFreedom} degrees of freedom (expected {Expected:0.#} per backend), p = {PValue:0.####}");
}
