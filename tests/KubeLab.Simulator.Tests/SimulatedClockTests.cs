using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Clock;

namespace KubeLab.Simulator.Tests;

/// <summary>The accelerated cluster clock: GET/PUT /kubelab/v1/clock, monotonic speed changes, API timestamps, shrinking delays.</summary>
public sealed class SimulatedClockTests : IAsyncLifetime
{
    private SimulatedCluster cluster = null!;
    private IKubernetes client = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { ClockSpeed = 10 });
        client = cluster.CreateClient();
        http = cluster.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        client.Dispose();
        await cluster.DisposeAsync();
    }

    private async Task<(int Status, JsonObject Body)> ClockAsync(HttpMethod method, string? body = null)
    {
        using var req = new HttpRequestMessage(method, "/kubelab/v1/clock");
        if (body is not null) req.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var resp = await http.SendAsync(req);
        return ((int)resp.StatusCode, (JsonObject)JsonNode.Parse(await resp.Content.ReadAsStringAsync())!);
    }

    private static DateTimeOffset Now(JsonObject clock) => DateTimeOffset.Parse(clock["now"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Clock_endpoint_reports_the_speed_and_a_time_running_that_many_times_faster()
    {
        var outer = System.Diagnostics.Stopwatch.StartNew();
        var (status, first) = await ClockAsync(HttpMethod.Get);
        var inner = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(200, status);
        Assert.Equal(10, first["speed"]!.GetValue<double>());
        await Task.Delay(500);
        inner.Stop();
        var second = (await ClockAsync(HttpMethod.Get)).Body;
        outer.Stop();
        AssertElapsedAtSpeed(Now(second) - Now(first), 10, inner.Elapsed, outer.Elapsed);
    }

    /// <summary>
    /// The server read its clock somewhere inside each request, so the simulated interval lies between speed × the real time
    /// strictly between the two requests and speed × the real time spanning both: a bound that holds however loaded the machine is.
    /// </summary>
    private static void AssertElapsedAtSpeed(TimeSpan simulated, double speed, TimeSpan realBetween, TimeSpan realSpanning)
    {
        var low = speed * realBetween.TotalSeconds * 0.98;
        var high = speed * realSpanning.TotalSeconds * 1.02 + 0.01;
        Assert.InRange(simulated.TotalSeconds, low, high);
    }

    [Fact]
    public async Task Changing_the_speed_keeps_time_monotonic_and_changes_its_rate()
    {
        var samples = new List<DateTimeOffset>();
        var intervals = new List<(double Speed, TimeSpan Between, TimeSpan Spanning)>();
        foreach (var speed in new[] { 50.0, 1.0, 20.0, 1.0 })
        {
            var outer = System.Diagnostics.Stopwatch.StartNew();
            var (status, body) = await ClockAsync(HttpMethod.Put, $$"""{"speed": {{speed}}}""");
            var inner = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(200, status);
            Assert.Equal(speed, body["speed"]!.GetValue<double>());
            samples.Add(Now(body));
            await Task.Delay(200);
            inner.Stop();
            samples.Add(Now((await ClockAsync(HttpMethod.Get)).Body));
            outer.Stop();
            intervals.Add((speed, inner.Elapsed, outer.Elapsed));
        }
        for (var i = 1; i < samples.Count; i++) Assert.True(samples[i] >= samples[i - 1], $"time ran backwards at sample {i}: {samples[i - 1]:O} → {samples[i]:O}");
        for (var k = 0; k < intervals.Count; k++)
            AssertElapsedAtSpeed(samples[2 * k + 1] - samples[2 * k], intervals[k].Speed, intervals[k].Between, intervals[k].Spanning);
        await ClockAsync(HttpMethod.Put, """{"speed": 10}""");
    }

    [Theory]
    [InlineData("""{"speed": 0}""")]
    [InlineData("""{"speed": -2}""")]
    [InlineData("""{"speed": 5000}""")]
    [InlineData("""{"speed": "fast"}""")]
    [InlineData("""{"tempo": 3}""")]
    [InlineData("not json")]
    public async Task Bad_clock_requests_get_a_400_Status_and_leave_the_speed_alone(string body)
    {
        var (status, answer) = await ClockAsync(HttpMethod.Put, body);
        Assert.Equal(400, status);
        Assert.Equal("Status", answer["kind"]!.GetValue<string>());
        Assert.Contains("speed", answer["message"]!.GetValue<string>() + answer["reason"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(10, (await ClockAsync(HttpMethod.Get)).Body["speed"]!.GetValue<double>());
    }

    [Fact]
    public async Task Other_methods_on_the_clock_are_405()
    {
        var (status, answer) = await ClockAsync(HttpMethod.Delete);
        Assert.Equal(405, status);
        Assert.Equal("MethodNotAllowed", answer["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Api_timestamps_follow_the_simulated_clock()
    {
        var ns = $"clock-{Guid.NewGuid().ToString("N")[..6]}";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var spanning = System.Diagnostics.Stopwatch.StartNew();
        var before = cluster.Clock.GetUtcNow();
        await Task.Delay(1000);
        var cm = await client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("later"), ns);
        spanning.Stop();
        var created = new DateTimeOffset(cm.Metadata.CreationTimestamp!.Value.ToUniversalTime());
        // At least one real second at 10× is ten cluster seconds; at most the real time spanning it all, × 10
        // (timestamps have whole-second precision, hence the 1 s slack on each side).
        Assert.InRange((created - before).TotalSeconds, 9, 10 * spanning.Elapsed.TotalSeconds + 1);
        Assert.True(created > DateTimeOffset.UtcNow.AddSeconds(5), "the cluster's clock should be ahead of the wall clock at 10×");
    }

    [Fact]
    public async Task Kubelet_delays_shrink_with_the_speed_but_keep_their_cluster_length()
    {
        var ns = $"sleep-{Guid.NewGuid().ToString("N")[..6]}";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var pod = Objects.Pod("sleeper");
        pod.Spec.RestartPolicy = "Never";
        pod.Spec.Containers[0].Command = ["sleep", "30"];
        var started = DateTime.UtcNow;
        await client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        var done = await ObservedState.Until(() => client.CoreV1.ReadNamespacedPodAsync("sleeper", ns), p => p.Status?.Phase == "Succeeded",
            "sleep 30 to finish at 10×", seconds: 20);
        // ~3 real seconds at 10×; the bound leaves room for a loaded machine while staying well under 30 real seconds.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "30 cluster seconds at 10× should take about 3 real seconds");
        var terminated = done.Status.ContainerStatuses[0].State.Terminated;
        // Never early; late only by the kubelet's reaction (× 10 in cluster time), well short of what 1× would give.
        Assert.InRange((terminated.FinishedAt!.Value - terminated.StartedAt!.Value).TotalSeconds, 29, 38);
    }

    [Fact]
    public async Task A_waiting_timer_is_replanned_when_the_speed_rises()
    {
        var clock = new SimulatedClock(1);
        var started = DateTime.UtcNow;
        var delay = Task.Delay(TimeSpan.FromSeconds(20), clock);
        await Task.Delay(100);
        clock.SetSpeed(200); // 20 s at 200× is 0.1 s
        await delay.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.SetSpeed(0));
    }

    [Fact]
    public async Task A_waiting_timer_is_not_early_when_the_speed_drops()
    {
        var clock = new SimulatedClock(100);
        var start = clock.GetUtcNow();
        var delay = Task.Delay(TimeSpan.FromSeconds(30), clock); // 0.3 s real at 100×
        await Task.Delay(50);
        clock.SetSpeed(10); // the remaining ~25 s now take ~2.5 s real
        await delay.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(clock.GetUtcNow() - start >= TimeSpan.FromSeconds(30), "the timer fired before 30 cluster seconds had passed");
    }

    [Fact]
    public void Timers_far_in_the_future_are_accepted()
    {
        // A yearly CronJob waits ~365 days: longer than a system timer allows; the clock must re-plan, not throw.
        var clock = new SimulatedClock(1);
        using var timer = clock.CreateTimer(_ => { }, null, TimeSpan.FromDays(400), Timeout.InfiniteTimeSpan);
        Assert.True(timer.Change(TimeSpan.FromDays(3650), Timeout.InfiniteTimeSpan));
    }

    /// <summary>Records the waits the simulated clock asks of the real timers beneath it; its time stands still, so the
    /// simulated clock does not move between planning a timer and asking for its wait (at 1000x a busy machine's 2 ms are 2 s).</summary>
    private sealed class RecordingTime : TimeProvider
    {
        private static readonly DateTimeOffset Frozen = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

        public List<TimeSpan> Waits { get; } = [];

        public override DateTimeOffset GetUtcNow() => Frozen;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new Timer(this);

        private sealed class Timer(RecordingTime owner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                if (dueTime != Timeout.InfiniteTimeSpan) lock (owner.Waits) owner.Waits.Add(dueTime);
                return true;
            }

            public void Dispose() { }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    [Theory]
    [InlineData(1, 0.4, 1)]     // less than a millisecond: a whole one, not 0 (system timers truncate: 0 fired at once and spun)
    [InlineData(1, 1.2, 2)]
    [InlineData(1, 3.0, 3)]
    [InlineData(1000, 10.0, 1)] // 10 cluster ms at 1000x: 0.01 ms real, rounded up to 1
    [InlineData(1000, 2500.0, 3)]
    public void Real_waits_are_whole_milliseconds_rounded_up(double speed, double clusterMs, int realMs)
    {
        var real = new RecordingTime();
        var clock = new SimulatedClock(speed, real);
        using var timer = clock.CreateTimer(_ => { }, null, TimeSpan.FromMilliseconds(clusterMs), Timeout.InfiniteTimeSpan);
        Assert.Equal(TimeSpan.FromMilliseconds(realMs), Assert.Single(real.Waits));
    }
}
