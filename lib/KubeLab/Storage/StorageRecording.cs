using k8s;
using k8s.Models;
using KubeLab.Observe;

namespace KubeLab;

/// <summary>An object's phase from <see cref="Seconds"/> on (cluster clock since the recording started). Row is "pvc/NAME" or "pv/NAME".</summary>
public sealed record StoragePhase(double Seconds, string Row, string Phase);

/// <summary>An event of a claim or volume, <see cref="Seconds"/> after the recording started (when the recording saw it).</summary>
public sealed record StorageEvent(double Seconds, string Row, string Type, string Reason, string Message, string Source);

/// <summary>
/// Records, by watching (list, then watch – no polling), the phases of the lab namespace's PersistentVolumeClaims, of the
/// PersistentVolumes bound to them or named with the lab's prefix, and the events of both: Pending → Bound, Released, Failed,
/// Lost, a claim's Terminating while a pod still uses it, and why (WaitForFirstConsumer, ExternalProvisioning,
/// ProvisioningSucceeded, FailedBinding…). Stop it, then draw the phases as a Gantt chart with the events as ticks.
/// </summary>
public sealed class StorageRecording
{
    /// <summary>The phase a row gets when its object is gone (e.g. <c>FirstTime("pvc/data", StorageRecording.Deleted)</c>).</summary>
    public const string Deleted = "(deleted)";

    private readonly List<StoragePhase> _phases = [];
    private readonly List<StorageEvent> _events = [];
    private readonly Dictionary<string, string> _current = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenEvents = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _start;
    private readonly string? _clockNote;
    private readonly string _namespace;
    private readonly string _volumePrefix;

    private StorageRecording(Lab lab, string volumePrefix)
    {
        _clock = lab.Clock;
        _clockNote = lab.Clock.Note;
        _start = _clock.GetUtcNow();
        _namespace = lab.Namespace;
        _volumePrefix = volumePrefix;
        _lab = lab;
        _loop = Task.WhenAll(WatchClaimsAsync(lab, _stop.Token), WatchVolumesAsync(lab, _stop.Token), WatchEventsAsync(lab, _stop.Token));
    }

    private readonly Lab _lab;

    internal static StorageRecording Start(Lab lab, string volumePrefix) => new(lab, volumePrefix);

    public IReadOnlyList<StoragePhase> Phases { get { lock (_gate) return _phases.ToList(); } }
    public IReadOnlyList<StorageEvent> Events { get { lock (_gate) return _events.ToList(); } }

    /// <summary>Seconds since the recording started, on the cluster's clock.</summary>
    public double Elapsed => (_clock.GetUtcNow() - _start).TotalSeconds;

    /// <summary>The phases a row ("pvc/data", "pv/pvc-…") went through, in order, without repeats.</summary>
    public IReadOnlyList<string> PhasesOf(string row) => Phases.Where(p => p.Row == row).Select(p => p.Phase).ToList();

    /// <summary>When a row first reached <paramref name="phase"/>, or null.</summary>
    public double? FirstTime(string row, string phase) => Phases.FirstOrDefault(p => p.Row == row && p.Phase == phase)?.Seconds;

    /// <summary>Stops watching, then reads claims, volumes and events once more: a caller that has just seen a claim Bound
    /// (through its own watch) finds Bound in the recording too, even if the recording's watch had not delivered it yet. The
    /// watch stops first, so no older event can arrive after that newest state.</summary>
    public async Task<StorageRecording> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        ObserveClaims((await _lab.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(_namespace).ConfigureAwait(false)).Items);
        ObserveVolumes((await _lab.Client.CoreV1.ListPersistentVolumeAsync().ConfigureAwait(false)).Items);
        ObserveEvents((await _lab.Client.CoreV1.ListNamespacedEventAsync(_namespace).ConfigureAwait(false)).Items);
        return this;
    }

    /// <summary>One row per claim and volume, a bar per phase; events as short grey ticks on their object's row (hover for the text).</summary>
    public Plot ToGantt(string? title = null)
    {
        var phases = Phases;
        var end = Math.Max(Elapsed, phases.Count == 0 ? 0 : phases.Max(p => p.Seconds));
        var bars = new List<GanttBar>();
        foreach (var row in phases.Select(p => p.Row).Distinct())
        {
            var mine = phases.Where(p => p.Row == row).ToList();
            for (var i = 0; i < mine.Count; i++)
            {
                if (mine[i].Phase == Deleted) continue;
                var until = i + 1 < mine.Count ? mine[i + 1].Seconds : end;
                bars.Add(new GanttBar(row, mine[i].Seconds, until, mine[i].Phase));
            }
        }
        foreach (var e in Events)
            bars.Add(new GanttBar(e.Row, e.Seconds, e.Seconds + 0.05, "event", $"{e.Row} at {e.Seconds:0.0} s: {e.Reason} – {e.Message}"));
        var colors = new Dictionary<string, string>
        {
            ["Pending"] = "#ff7f0e", ["Available"] = "#17becf", ["Bound"] = "#2ca02c", ["Released"] = "#9467bd", ["Failed"] = "#d62728",
            ["Lost"] = "#d62728", ["Terminating"] = "#8c564b", ["event"] = "#444444",
        };
        return Gantt.Create(bars, title ?? $"PersistentVolumeClaims and PersistentVolumes of {_namespace}",
            "seconds since the recording started" + (_clockNote is null ? "" : $" ({_clockNote})"),
            bars.Count == 0 ? "Nothing was recorded." : "Dark ticks are events (hover for reason and message); a row ends when its object is deleted.", colors);
    }

    private void Observe(string row, string? phase)
    {
        lock (_gate)
        {
            var now = phase ?? Deleted;
            if (_current.TryGetValue(row, out var was) && was == now) return;
            if (phase is null && !_current.ContainsKey(row)) return;
            _current[row] = now;
            _phases.Add(new StoragePhase(Elapsed, row, now));
        }
    }

    private void Seen(IEnumerable<string> rows, IReadOnlyCollection<string> present, string prefix)
    {
        List<string> gone;
        lock (_gate) gone = _current.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !present.Contains(k) && _current[k] != Deleted).ToList();
        foreach (var row in gone) Observe(row, null);
    }

    private Task WatchClaimsAsync(Lab lab, CancellationToken ct) => ListWatch.UntilAsync<V1PersistentVolumeClaim, V1PersistentVolumeClaimList, bool>(
        (rv, watch, c) => lab.Client.CoreV1.ListNamespacedPersistentVolumeClaimWithHttpMessagesAsync(_namespace, resourceVersion: rv, watch: watch, cancellationToken: c),
        claims => { ObserveClaims(claims); return (false, false); }, ct);

    private void ObserveClaims(IEnumerable<V1PersistentVolumeClaim> claims)
    {
        var rows = new List<string>();
        foreach (var c in claims)
        {
            var row = "pvc/" + c.Metadata.Name;
            rows.Add(row);
            Observe(row, c.Metadata.DeletionTimestamp is not null ? "Terminating" : c.Status?.Phase ?? "Pending");
        }
        Seen(rows, rows, "pvc/");
    }

    private Task WatchVolumesAsync(Lab lab, CancellationToken ct) => ListWatch.UntilAsync<V1PersistentVolume, V1PersistentVolumeList, bool>(
        (rv, watch, c) => lab.Client.CoreV1.ListPersistentVolumeWithHttpMessagesAsync(resourceVersion: rv, watch: watch, cancellationToken: c),
        volumes => { ObserveVolumes(volumes); return (false, false); }, ct);

    private void ObserveVolumes(IEnumerable<V1PersistentVolume> volumes)
    {
        var rows = new List<string>();
        foreach (var v in volumes.Where(Ours))
        {
            var row = "pv/" + v.Metadata.Name;
            rows.Add(row);
            Observe(row, v.Metadata.DeletionTimestamp is not null ? "Terminating" : v.Status?.Phase ?? "Pending");
        }
        Seen(rows, rows, "pv/");
    }

    private bool Ours(V1PersistentVolume v) =>
        v.Spec?.ClaimRef?.NamespaceProperty == _namespace || v.Metadata.Name.StartsWith(_volumePrefix, StringComparison.Ordinal);

    private Task WatchEventsAsync(Lab lab, CancellationToken ct) => ListWatch.UntilAsync<Corev1Event, Corev1EventList, bool>(
        (rv, watch, c) => lab.Client.CoreV1.ListNamespacedEventWithHttpMessagesAsync(_namespace, resourceVersion: rv, watch: watch, cancellationToken: c),
        events => { ObserveEvents(events); return (false, false); }, ct);

    private void ObserveEvents(IEnumerable<Corev1Event> events)
    {
        foreach (var e in events.Where(e => e.InvolvedObject?.Kind is "PersistentVolumeClaim"))
        {
            var key = $"{e.Metadata.Uid}/{e.Count}";
            lock (_gate)
            {
                if (!_seenEvents.Add(key)) continue;
                _events.Add(new StorageEvent(Elapsed, "pvc/" + e.InvolvedObject.Name, e.Type ?? "", e.Reason ?? "", e.Message ?? "",
                    e.Source?.Component ?? e.ReportingComponent ?? ""));
            }
        }
    }
}
