using k8s;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Tests.ControllerRuntime;

/// <summary>
/// The recorder's EventCorrelator as client-go applies it (tools/record/events_cache.go): similar events combined after 10
/// distinct messages, repeats counted, and 25 events per source and object before the 1-per-5-minutes refill.
/// </summary>
public class EventCorrelationTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private async Task<(EventRecorder Recorder, ManualTime Time, string Ns, CancellationTokenSource Stop)> StartAsync()
    {
        var ns = await f.NewNamespaceAsync("ev");
        var time = new ManualTime();
        var recorder = new EventRecorder(f.Client, time, "replicaset-controller");
        var stop = new CancellationTokenSource();
        _ = recorder.RunAsync(stop.Token);
        return (recorder, time, ns, stop);
    }

    private static V1ObjectReference ReplicaSet(string ns) =>
        new() { Kind = "ReplicaSet", ApiVersion = "apps/v1", Name = "web-5d4f", NamespaceProperty = ns, Uid = Guid.NewGuid().ToString() };

    private Task<IList<Corev1Event>> EventsAsync(string ns) =>
        f.Client.CoreV1.ListNamespacedEventAsync(ns).ContinueWith(t => t.Result.Items);

    [Fact]
    public async Task Ten_distinct_messages_become_one_combined_event_and_the_25th_event_is_the_last_written()
    {
        var (recorder, time, ns, stop) = await StartAsync();
        using var _ = stop;
        var rs = ReplicaSet(ns);
        for (var i = 1; i <= 30; i++)
        {
            recorder.Normal(rs, "SuccessfulCreate", $"Created pod: web-5d4f-{i:D3}");
            time.Now += TimeSpan.FromMilliseconds(10);
        }

        var combined = await ObservedState.Until(() => EventsAsync(ns),
            e => e.Any(x => x.Message.StartsWith(EventAggregator.CombinedPrefix, StringComparison.Ordinal) && x.Count == 16),
            "the combined event counted up to 16", describe: e => string.Join("; ", e.Select(x => $"{x.Message} ×{x.Count}")));
        // 9 events of their own, then one combined event for the 10th…25th (16 writes); the spam filter drops 26…30.
        Assert.Equal(9, combined.Count(x => x.Message.StartsWith("Created pod: ", StringComparison.Ordinal)));
        var one = Assert.Single(combined, x => x.Message.StartsWith(EventAggregator.CombinedPrefix, StringComparison.Ordinal));
        Assert.Equal(EventAggregator.CombinedPrefix + "Created pod: web-5d4f-025", one.Message);

        // Five minutes later one token is back: the next event is written, and its count includes the dropped ones (client-go
        // counts an observation before the spam filter decides).
        time.Now += TimeSpan.FromMinutes(5);
        recorder.Normal(rs, "SuccessfulCreate", "Created pod: web-5d4f-031");
        var later = await ObservedState.Until(() => EventsAsync(ns), e => e.Any(x => x.Count == 22), "the combined event at count 22",
            describe: e => string.Join("; ", e.Select(x => $"{x.Message} ×{x.Count}")));
        Assert.Equal(EventAggregator.CombinedPrefix + "Created pod: web-5d4f-031", Assert.Single(later, x => x.Count == 22).Message);
        Assert.Equal(10, later.Count);
    }

    [Fact]
    public async Task A_repeated_event_is_counted_on_one_object_and_other_objects_have_their_own_budget()
    {
        var (recorder, _, ns, stop) = await StartAsync();
        using var _ = stop;
        var a = ReplicaSet(ns);
        var b = new V1ObjectReference { Kind = "Pod", ApiVersion = "v1", Name = "other", NamespaceProperty = ns, Uid = Guid.NewGuid().ToString() };
        for (var i = 0; i < 40; i++) recorder.Warning(a, "FailedCreate", "Error creating: pods \"web\" is forbidden");
        recorder.Normal(b, "Pulled", "Container image \"nginx:1.27.0\" already present on machine");

        var events = await ObservedState.Until(() => EventsAsync(ns), e => e.Any(x => x.Count == 25) && e.Any(x => x.InvolvedObject.Name == "other"),
            "one counted event and the other object's event", describe: e => string.Join("; ", e.Select(x => $"{x.Message} ×{x.Count}")));
        Assert.Equal(2, events.Count);
        // The other object's event came last: every dropped one before it was already handled, and none made a new object.
        Assert.Equal(25, Assert.Single(events, x => x.InvolvedObject.Name == "web-5d4f").Count);
    }
}
