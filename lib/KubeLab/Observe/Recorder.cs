using k8s;
using k8s.Models;

namespace KubeLab;

/// <summary>
/// Watches pods, replicasets and events of the lab namespace in the background and records every change with the time
/// it was observed. Created by <see cref="Lab.StartRecording"/>; <see cref="Stop"/> returns the <see cref="Timeline"/>.
/// </summary>
public sealed class Recorder : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly string _namespace;
    private readonly string _clusterLabel;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Observe.RecordedChange> _changes = [];
    private readonly Task[] _loops;
    private readonly DateTimeOffset _start;
    private readonly ClusterClock _clock;
    private Timeline? _final;
    // What the watches last showed of each live pod and ReplicaSet (name → resourceVersion), to tell when they have caught up.
    private readonly Dictionary<string, string> _seenPods = [];
    private readonly Dictionary<string, string> _seenSets = [];

    internal Recorder(IKubernetes client, string ns, string clusterLabel, ClusterClock? clock = null)
    {
        // Times are cluster time (local elapsed × the simulator's clock speed), so seconds on a plot are Kubernetes seconds.
        _clock = clock ?? ClusterClock.Real;
        _client = client;
        _namespace = ns;
        _clusterLabel = clusterLabel;
        _start = _clock.GetUtcNow();
        var pods = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sets = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loops =
        [
            Observe.WatchLoop.RunAsync<V1Pod, V1PodList>("Pod",
                (rv, w, ct) => client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(ns, resourceVersion: rv, watch: w, allowWatchBookmarks: w ? true : null, cancellationToken: ct),
                Record, pods, _stop.Token),
            Observe.WatchLoop.RunAsync<V1ReplicaSet, V1ReplicaSetList>("ReplicaSet",
                (rv, w, ct) => client.AppsV1.ListNamespacedReplicaSetWithHttpMessagesAsync(ns, resourceVersion: rv, watch: w, allowWatchBookmarks: w ? true : null, cancellationToken: ct),
                Record, sets, _stop.Token),
            Observe.WatchLoop.RunAsync<Corev1Event, Corev1EventList>("Event",
                (rv, w, ct) => client.CoreV1.ListNamespacedEventWithHttpMessagesAsync(ns, resourceVersion: rv, watch: w, allowWatchBookmarks: w ? true : null, cancellationToken: ct),
                Record, events, _stop.Token),
        ];
        // Block until the first lists are done so nothing that happens after StartRecording() returns is missed.
        Ready = Task.WhenAll(pods.Task, sets.Task, events.Task);
        Task.WaitAny([Ready], TimeSpan.FromSeconds(15));
    }

    /// <summary>Completes once the initial lists have been taken and the watches are starting.</summary>
    public Task Ready { get; }

    private void Record(string kind, string evt, object obj)
    {
        lock (_changes)
        {
            _changes.Add(new Observe.RecordedChange(_clock.GetUtcNow(), kind, evt, obj));
            var seen = kind switch { "Pod" => _seenPods, "ReplicaSet" => _seenSets, _ => null };
            if (seen is not null && obj is IKubernetesObject<V1ObjectMeta> { Metadata: { } meta })
            {
                if (evt == "DELETED") seen.Remove(meta.Name);
                else seen[meta.Name] = meta.ResourceVersion;
            }
        }
    }

    /// <summary>The timeline so far; recording continues.</summary>
    public Timeline Snapshot()
    {
        if (_final is not null) return _final;
        var end = _clock.GetUtcNow();
        lock (_changes) return new Timeline(_start, end, _changes.ToList(), _clusterLabel) { ClockNote = _clock.NoteBetween(_start, end) };
    }

    /// <summary>Stops the watches and returns the final timeline (calling it again returns the same timeline).</summary>
    public Timeline Stop()
    {
        if (_final is not null) return _final;
        WaitUntilCaughtUp(TimeSpan.FromSeconds(5));
        WaitForQuiet();
        var timeline = Snapshot();
        _stop.Cancel();
        try { Task.WaitAll(_loops, TimeSpan.FromSeconds(5)); } catch (AggregateException) { /* cancelled loops */ }
        _final = timeline;
        return timeline;
    }

    /// <summary>
    /// Watch events arrive a little after the change that caused them, later still on a busy machine. Before freezing the
    /// timeline, wait until the watches show exactly what a fresh list shows: the same pods and ReplicaSets at the same
    /// resourceVersions (so a deletion the caller already saw through the API is in the timeline too).
    /// </summary>
    private void WaitUntilCaughtUp(TimeSpan limit)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                var pods = _client.CoreV1.ListNamespacedPod(_namespace).Items.ToDictionary(p => p.Metadata.Name, p => p.Metadata.ResourceVersion);
                var sets = _client.AppsV1.ListNamespacedReplicaSet(_namespace).Items.ToDictionary(r => r.Metadata.Name, r => r.Metadata.ResourceVersion);
                lock (_changes)
                    if (SameVersions(pods, _seenPods) && SameVersions(sets, _seenSets)) return;
            }
            catch (Exception) { return; } // cluster gone or namespace deleted: keep what was recorded
            Thread.Sleep(50);
        }
    }

    private static bool SameVersions(Dictionary<string, string> listed, Dictionary<string, string> seen) =>
        listed.Count == seen.Count && listed.All(kv => seen.TryGetValue(kv.Key, out var rv) && rv == kv.Value);

    /// <summary>
    /// Events (core/v1 Events) have no such check: they only accumulate. Before freezing the timeline, let in-flight events land:
    /// wait until 150 ms pass without a new change (at most 1 s).
    /// </summary>
    private void WaitForQuiet()
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(1);
        while (DateTimeOffset.UtcNow < deadline)
        {
            int before;
            lock (_changes) before = _changes.Count;
            Thread.Sleep(150);
            lock (_changes) if (_changes.Count == before) return;
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
