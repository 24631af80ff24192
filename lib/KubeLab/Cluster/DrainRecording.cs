using k8s;
using k8s.Models;

namespace KubeLab;

/// <summary>One sample: seconds since the recording started (cluster clock), the budget's disruptionsAllowed and healthy count, pods per node.</summary>
public sealed record DrainSample(double Seconds, int DisruptionsAllowed, int CurrentHealthy, IReadOnlyDictionary<string, int> PodsPerNode);

/// <summary>
/// Samples a PodDisruptionBudget (status.disruptionsAllowed, currentHealthy) and where the pods it selects run (not being deleted)
/// at a fixed interval of the cluster's clock while a drain runs; <see cref="ToPlot"/> draws both as step lines.
/// </summary>
public sealed class DrainRecording
{
    private readonly List<DrainSample> _samples = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Lab _lab;
    private readonly string _budget;
    private readonly DateTimeOffset _start;

    private DrainRecording(Lab lab, string budget, TimeSpan interval)
    {
        _lab = lab;
        _budget = budget;
        _start = lab.Clock.GetUtcNow();
        _loop = Task.Run(() => SampleLoopAsync(interval, _stop.Token));
    }

    internal static DrainRecording Start(Lab lab, string budget, TimeSpan interval) => new(lab, budget, interval);

    public IReadOnlyList<DrainSample> Samples { get { lock (_gate) return _samples.ToList(); } }

    /// <summary>The smallest disruptionsAllowed seen (how far the drain pushed the budget).</summary>
    public int MinDisruptionsAllowed => Samples.Select(s => s.DisruptionsAllowed).DefaultIfEmpty(0).Min();

    private async Task SampleLoopAsync(TimeSpan interval, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await SampleAsync(ct).ConfigureAwait(false);
                await Task.Delay(interval, _lab.Clock, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            catch (k8s.Autorest.HttpOperationException) { await Task.Delay(interval, _lab.Clock, CancellationToken.None).ConfigureAwait(false); }
        }
    }

    private async Task SampleAsync(CancellationToken ct)
    {
        var pdb = await _lab.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync(_budget, _lab.Namespace, cancellationToken: ct).ConfigureAwait(false);
        var selector = string.Join(",", (pdb.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>()).Select(kv => $"{kv.Key}={kv.Value}"));
        var pods = await _lab.Client.CoreV1.ListNamespacedPodAsync(_lab.Namespace, labelSelector: selector, cancellationToken: ct).ConfigureAwait(false);
        var perNode = pods.Items.Where(p => p.Metadata.DeletionTimestamp is null && !string.IsNullOrEmpty(p.Spec.NodeName))
            .GroupBy(p => p.Spec.NodeName).ToDictionary(g => g.Key, g => g.Count());
        var sample = new DrainSample((_lab.Clock.GetUtcNow() - _start).TotalSeconds, pdb.Status?.DisruptionsAllowed ?? 0, pdb.Status?.CurrentHealthy ?? 0, perNode);
        lock (_gate) _samples.Add(sample);
    }

    /// <summary>Stops sampling after one last sample.</summary>
    public async Task<DrainRecording> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        await SampleAsync(CancellationToken.None).ConfigureAwait(false);
        return this;
    }

    /// <summary>Step lines: disruptionsAllowed, and the budget's pods on each node, over the recording.</summary>
    public Plot ToPlot(string? title = null)
    {
        var samples = Samples;
        var nodes = samples.SelectMany(s => s.PodsPerNode.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var series = new List<Series> { new("disruptionsAllowed", samples.Select(s => (s.Seconds, (double)s.DisruptionsAllowed)).ToList(), Step: true, Color: "#d62728") };
        series.AddRange(nodes.Select(n => new Series($"pods on {n}", samples.Select(s => (s.Seconds, (double)s.PodsPerNode.GetValueOrDefault(n))).ToList(), Step: true)));
        return LineChart.Create(title ?? $"PodDisruptionBudget {_budget} while draining", "seconds since the recording started (cluster clock)", "count", series,
            _lab.Clock.Note);
    }
}
