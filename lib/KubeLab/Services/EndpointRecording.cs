using k8s.Models;
using KubeLab.Observe;

namespace KubeLab;

/// <summary>A Service's endpoints at one moment, <see cref="Seconds"/> after the recording started (cluster clock).</summary>
public sealed record EndpointSample(double Seconds, IReadOnlyList<EndpointRow> Endpoints);

/// <summary>
/// Records a Service's endpoints from the API server's watch on its EndpointSlices (list, then watch – no polling): every change
/// is one <see cref="EndpointSample"/>. Start before changing the pods (a rollout, a failing readiness probe), stop afterwards, then
/// draw each pod's endpoint state over time (<see cref="ToGantt"/>).
/// </summary>
public sealed class EndpointRecording
{
    private readonly List<EndpointSample> _samples = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _start;
    private readonly string? _clockNote;

    private EndpointRecording(Lab lab, string service)
    {
        Service = service;
        _clock = lab.Clock;
        _clockNote = lab.Clock.Note;
        _start = _clock.GetUtcNow();
        _loop = RunAsync(lab, _stop.Token);
    }

    public string Service { get; }

    internal static EndpointRecording Start(Lab lab, string service) => new(lab, service);

    public IReadOnlyList<EndpointSample> Samples { get { lock (_gate) return _samples.ToList(); } }

    /// <summary>Seconds since the recording started, on the cluster's clock.</summary>
    public double Elapsed => (_clock.GetUtcNow() - _start).TotalSeconds;

    public async Task<EndpointRecording> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        lock (_gate)
            if (_samples.Count > 0) _samples.Add(_samples[^1] with { Seconds = Elapsed });
        return this;
    }

    /// <summary>Every state each pod's endpoint was seen in (e.g. to check that old pods went through "terminating").</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> StatesByPod =>
        Samples.SelectMany(s => s.Endpoints).Where(e => e.Pod is not null).GroupBy(e => e.Pod!)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(e => e.State).ToHashSet());

    /// <summary>One row per pod, one bar per state it stayed in; time on the cluster clock since the recording started.</summary>
    public Plot ToGantt(string? title = null)
    {
        var samples = Samples;
        var bars = new List<GanttBar>();
        var pods = samples.SelectMany(s => s.Endpoints).Select(e => e.Pod ?? e.Address).Distinct().ToList();
        foreach (var pod in pods)
        {
            string? state = null;
            double since = 0;
            foreach (var s in samples)
            {
                var now = s.Endpoints.FirstOrDefault(e => (e.Pod ?? e.Address) == pod)?.State;
                if (now == state) continue;
                if (state is not null) bars.Add(new GanttBar(pod, since, s.Seconds, state));
                state = now;
                since = s.Seconds;
            }
            if (state is not null && samples.Count > 0) bars.Add(new GanttBar(pod, since, samples[^1].Seconds, state));
        }
        var colors = new Dictionary<string, string>
        {
            ["ready"] = "#2ca02c", ["not ready"] = "#ff7f0e", ["terminating (serving)"] = "#9467bd", ["terminating"] = "#d62728",
        };
        return Gantt.Create(bars, title ?? $"Endpoints of Service {Service} (EndpointSlice conditions)",
            "seconds since the recording started" + (_clockNote is null ? "" : $" ({_clockNote})"),
            bars.Count == 0 ? "No endpoints were recorded." : "A gap means the pod was not in any EndpointSlice.", colors);
    }

    private async Task RunAsync(Lab lab, CancellationToken ct)
    {
        await Task.Yield();
        await ListWatch.UntilAsync<V1EndpointSlice, V1EndpointSliceList, bool>(
            (rv, watch, c) => lab.Client.DiscoveryV1.ListNamespacedEndpointSliceWithHttpMessagesAsync(lab.Namespace,
                labelSelector: $"{Lab.ServiceNameLabel}={Service}", resourceVersion: rv, watch: watch, cancellationToken: c),
            slices =>
            {
                var rows = slices.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal).SelectMany(EndpointRow.From)
                    .OrderBy(r => r.Pod ?? r.Address, StringComparer.Ordinal).ToList();
                lock (_gate)
                    if (_samples.Count == 0 || !_samples[^1].Endpoints.SequenceEqual(rows))
                        _samples.Add(new EndpointSample(Elapsed, rows));
                return (false, false);
            }, ct).ConfigureAwait(false);
    }
}
