namespace KubeLab;

public sealed partial class Lab
{
    /// <summary>
    /// Polls every consumer every <paramref name="every"/> (cluster time, default 5 s) until each one sees <paramref name="expected"/>
    /// (compared after trimming trailing newlines) or <paramref name="window"/> (cluster time since <paramref name="since"/>, default
    /// now) has passed. Measures how a ConfigMap/Secret change propagates: a mounted file after the kubelet's next sync, an environment
    /// variable or a subPath file never (until the pod is replaced). Exec failures count as "unreadable" samples, not errors.
    /// </summary>
    public async Task<ConsumerTimeline> WatchConsumersAsync(IReadOnlyList<ConfigConsumer> consumers, string expected, TimeSpan window,
        TimeSpan? every = null, DateTimeOffset? since = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(consumers);
        if (consumers.Count == 0) throw new ArgumentException("Name at least one consumer.", nameof(consumers));
        var start = since ?? Clock.GetUtcNow();
        var period = every ?? TimeSpan.FromSeconds(5);
        var samples = consumers.Select(_ => new List<(double, string?)>()).ToArray();
        var seen = new double?[consumers.Count];
        while (true)
        {
            for (var i = 0; i < consumers.Count; i++)
            {
                if (seen[i] is not null) continue;
                string? value;
                try { value = await consumers[i].ReadAsync(this, ct).ConfigureAwait(false); }
                catch (PodAccessException) { value = null; }
                var at = (Clock.GetUtcNow() - start).TotalSeconds;
                samples[i].Add((at, value));
                if (value == expected.TrimEnd('\n')) seen[i] = at;
            }
            var elapsed = Clock.GetUtcNow() - start;
            if (seen.All(s => s is not null) || elapsed >= window) break;
            var wait = period < window - elapsed ? period : window - elapsed;
            // Cluster time → real time at the clock's current speed (the clock's own timers run in real time).
            await Task.Delay(TimeSpan.FromTicks((long)(wait.Ticks / Math.Max(Clock.Speed, 0.001))), ct).ConfigureAwait(false);
        }
        var result = consumers.Select((c, i) => new ConsumerObservation(c, samples[i], seen[i])).ToList();
        return new ConsumerTimeline(expected, window.TotalSeconds, result, Clock.NoteBetween(start, Clock.GetUtcNow()));
    }
}
