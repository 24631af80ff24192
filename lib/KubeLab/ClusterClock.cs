using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using KubeLab.Connection;

namespace KubeLab;

/// <summary>
/// The cluster's clock as this process sees it. The KubeLab simulator can run its clock faster than real time
/// (<c>GET/PUT /kubelab/v1/clock</c>); a real cluster has no such endpoint (404) and is a plain 1× clock – capability
/// detection, not a guess from the cluster's name. As a <see cref="TimeProvider"/> it estimates cluster time locally:
/// <c>last known cluster time + local elapsed × speed</c>, so recordings and measurements are in cluster seconds.
/// </summary>
public sealed class ClusterClock : TimeProvider
{
    internal const string EndpointPath = "/kubelab/v1/clock";

    private readonly LabKubernetes? _client;
    private readonly Lock _gate = new();
    private readonly List<(DateTimeOffset From, double Speed)> _history = [];
    private long _localAnchor;
    private DateTimeOffset _clusterAnchor;
    private double _speed = 1;

    private ClusterClock(LabKubernetes? client, bool simulated)
    {
        _client = client;
        IsSimulated = simulated;
        Anchor(TimeProvider.System.GetUtcNow(), 1);
    }

    /// <summary>A real 1× clock (for a cluster without the clock endpoint).</summary>
    public static ClusterClock Real { get; } = new(null, false);

    /// <summary>True when the cluster's clock can be read and sped up (the KubeLab simulator).</summary>
    public bool IsSimulated { get; }

    /// <summary>Cluster seconds per real second: 1 on a real cluster.</summary>
    public double Speed { get { lock (_gate) return _speed; } }

    /// <summary>"simulated clock 20×" when the speed is not 1, otherwise null – what plots append to their time axes.</summary>
    public string? Note => NoteFor(Speed, Speed);

    internal static async Task<ClusterClock> DetectAsync(LabKubernetes client, CancellationToken ct)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Get, EndpointPath, ct: ct).ConfigureAwait(false);
        if (status != HttpStatusCode.OK || !TryParse(body, out var now, out var speed)) return new ClusterClock(client, false);
        var clock = new ClusterClock(client, true);
        clock.Anchor(now, speed);
        return clock;
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _clusterAnchor + TimeSpan.FromTicks((long)(Stopwatch.GetElapsedTime(_localAnchor).Ticks * _speed));
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Reads the cluster's clock (and re-synchronises the local estimate). On a real cluster: this machine's time.</summary>
    public async Task<DateTimeOffset> NowAsync(CancellationToken ct = default)
    {
        if (_client is null || !IsSimulated) return TimeProvider.System.GetUtcNow();
        var (status, body) = await _client.SendAsync(HttpMethod.Get, EndpointPath, ct: ct).ConfigureAwait(false);
        if (status != HttpStatusCode.OK || !TryParse(body, out var now, out var speed))
            throw new ClusterClockException($"Reading the simulator's clock failed (HTTP {(int)status}): {body}");
        Anchor(now, speed);
        return now;
    }

    /// <summary>
    /// Makes the cluster's clock run <paramref name="speed"/> times faster than real time (0 &lt; speed ≤ 1000). Time never jumps:
    /// the new speed applies from now on. Returns false (and changes nothing) on a cluster without a simulated clock.
    /// </summary>
    public async Task<bool> SetSpeedAsync(double speed, CancellationToken ct = default)
    {
        if (double.IsNaN(speed) || double.IsInfinity(speed) || speed <= 0 || speed > 1000)
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "The clock speed must be greater than 0 and at most 1000 (1 = real time).");
        if (_client is null || !IsSimulated) return false;
        var body = new JsonObject { ["speed"] = speed }.ToJsonString();
        var (status, answer) = await _client.SendAsync(HttpMethod.Put, EndpointPath, body, "application/json", ct).ConfigureAwait(false);
        if (status != HttpStatusCode.OK || !TryParse(answer, out var now, out var actual))
            throw new ClusterClockException($"Setting the simulator's clock speed to {speed.ToString(CultureInfo.InvariantCulture)} failed (HTTP {(int)status}): {answer}");
        Anchor(now, actual);
        return true;
    }

    /// <summary>The note for something recorded between two cluster instants: the speed(s) in force then, or null for 1×.</summary>
    internal string? NoteBetween(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate)
        {
            var speeds = _history.Where((h, i) => h.From <= to && (i + 1 >= _history.Count || _history[i + 1].From > from)).Select(h => h.Speed).ToList();
            return speeds.Count == 0 ? NoteFor(_speed, _speed) : NoteFor(speeds.Min(), speeds.Max());
        }
    }

    private static string? NoteFor(double min, double max)
    {
        static string F(double s) => s.ToString("0.##", CultureInfo.InvariantCulture) + "×";
        if (min == 1 && max == 1) return null;
        return min == max ? $"simulated clock {F(min)}" : $"simulated clock {F(min)}–{F(max)}";
    }

    private void Anchor(DateTimeOffset clusterNow, double speed)
    {
        lock (_gate)
        {
            _localAnchor = Stopwatch.GetTimestamp();
            _clusterAnchor = clusterNow;
            if (_history.Count == 0 || _history[^1].Speed != speed) _history.Add((clusterNow, speed));
            _speed = speed;
        }
    }

    private static bool TryParse(string body, out DateTimeOffset now, out double speed)
    {
        now = default;
        speed = 1;
        try
        {
            if (JsonNode.Parse(body) is not JsonObject o || o["speed"] is not JsonValue s || !s.TryGetValue(out speed)) return false;
            return o["now"]?.GetValue<string>() is { } text &&
                   DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out now);
        }
        catch (System.Text.Json.JsonException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    public override string ToString() => IsSimulated
        ? $"simulated clock {Speed.ToString("0.##", CultureInfo.InvariantCulture)}× (cluster time {GetUtcNow():yyyy-MM-dd HH:mm:ss}Z)"
        : "real clock (1×)";
}

/// <summary>The simulator's clock endpoint answered with an error.</summary>
public sealed class ClusterClockException(string message) : KubeLabException(message);
