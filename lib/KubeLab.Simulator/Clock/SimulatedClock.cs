using System.Collections.Concurrent;

namespace KubeLab.Simulator.Clock;

/// <summary>
/// The cluster's clock: a <see cref="TimeProvider"/> that runs <see cref="Speed"/> times faster than the clock beneath it,
/// so a CronJob's minute or an HPA's 300 s window fit into a test or a notebook cell.
/// <c>now = anchor + (real elapsed since anchor) × speed</c>; changing the speed re-anchors at the current simulated
/// instant, so simulated time never jumps (and never runs backwards). Timers created through it fire after their due time
/// divided by the speed, and are re-planned when the speed changes while they wait.
/// Everything in the simulator that reads time (store timestamps, controllers, kubelet delays, GC) uses this one clock.
/// </summary>
public sealed class SimulatedClock : TimeProvider
{
    /// <summary>The fastest speed accepted: beyond this, controllers' millisecond delays round to nothing.</summary>
    public const double MaxSpeed = 1000;

    private readonly TimeProvider real;
    private readonly object gate = new();
    private readonly ConcurrentDictionary<ScaledTimer, byte> timers = new();
    // Elapsed real time is read from the underlying provider's GetUtcNow (so a test's manual clock drives the cluster);
    // the result is clamped so the simulated clock never runs backwards even if the wall clock is adjusted.
    private DateTimeOffset realAnchor; // real.GetUtcNow() at the last re-anchor
    private DateTimeOffset simAnchor;  // simulated time at the last re-anchor
    private DateTimeOffset lastReturned;
    private double speed;

    public SimulatedClock(double speed = 1, TimeProvider? real = null)
    {
        Validate(speed);
        this.real = real ?? System;
        this.speed = speed;
        realAnchor = this.real.GetUtcNow();
        simAnchor = realAnchor;
        lastReturned = simAnchor;
    }

    /// <summary>How many simulated seconds pass per real second.</summary>
    public double Speed { get { lock (gate) return speed; } }

    /// <summary>Raised after <see cref="SetSpeed"/> changed the speed.</summary>
    public event Action<double>? SpeedChanged;

    public override TimeZoneInfo LocalTimeZone => real.LocalTimeZone;

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate) return NowLocked();
    }

    private DateTimeOffset NowLocked()
    {
        var realElapsed = real.GetUtcNow() - realAnchor;
        var now = simAnchor + TimeSpan.FromTicks((long)(realElapsed.Ticks * speed));
        if (now < lastReturned) now = lastReturned;
        lastReturned = now;
        return now;
    }

    // Monotonic timestamps in simulated ticks: GetElapsedTime and Stopwatch-style measurements follow the clock too.
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Changes the speed from now on; time already passed stays as it is and pending timers are re-planned.</summary>
    public void SetSpeed(double newSpeed)
    {
        Validate(newSpeed);
        lock (gate)
        {
            simAnchor = NowLocked();
            realAnchor = real.GetUtcNow();
            speed = newSpeed;
        }
        foreach (var t in timers.Keys) t.Replan();
        SpeedChanged?.Invoke(newSpeed);
    }

    public static void Validate(double speed)
    {
        if (double.IsNaN(speed) || double.IsInfinity(speed) || speed <= 0 || speed > MaxSpeed)
            throw new ArgumentOutOfRangeException(nameof(speed), speed, $"The clock speed must be a number greater than 0 and at most {MaxSpeed}.");
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ScaledTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Real time that passes until <paramref name="simulated"/> has passed on this clock at the current speed.</summary>
    internal TimeSpan ToReal(TimeSpan simulated)
    {
        if (simulated <= TimeSpan.Zero) return TimeSpan.Zero;
        // Whole milliseconds, rounded up: system timers truncate to milliseconds, so a 0.6 ms wait fired at once, found the
        // simulated instant not yet reached and re-armed itself in a loop (at 10,000 pods ~5 % of the CPU went to timer wake-ups).
        // System timers accept at most ~49 days; a longer wait (a yearly CronJob) is re-planned when this one fires.
        var ms = Math.Ceiling(simulated.Ticks / Speed / TimeSpan.TicksPerMillisecond);
        return TimeSpan.FromTicks(Math.Min(MaxRealWait.Ticks, (long)Math.Max(1, ms) * TimeSpan.TicksPerMillisecond));
    }

    private static readonly TimeSpan MaxRealWait = TimeSpan.FromDays(1);

    /// <summary>
    /// A timer whose due time is a simulated instant. It waits on a real timer for (due − now) / speed and, when that fires,
    /// checks the simulated clock again (a speed change may have moved the instant further away).
    /// </summary>
    private sealed class ScaledTimer : ITimer
    {
        private readonly SimulatedClock clock;
        private readonly TimerCallback callback;
        private readonly object? state;
        private readonly ITimer inner;
        private readonly object gate = new();
        private DateTimeOffset? due;
        private TimeSpan period = Timeout.InfiniteTimeSpan;
        private bool disposed;

        public ScaledTimer(SimulatedClock clock, TimerCallback callback, object? state)
        {
            this.clock = clock;
            this.callback = callback;
            this.state = state;
            inner = clock.real.CreateTimer(_ => OnRealTick(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool disarmed;
            lock (gate)
            {
                if (disposed) return false;
                this.period = period;
                due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
                disarmed = due is null;
            }
            if (disarmed) clock.timers.TryRemove(this, out _); else clock.timers[this] = 0;
            Replan();
            return true;
        }

        public void Replan()
        {
            lock (gate)
            {
                if (disposed) return;
                if (due is not { } d) { inner.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan); return; }
                inner.Change(clock.ToReal(d - clock.GetUtcNow()), Timeout.InfiniteTimeSpan);
            }
        }

        private void OnRealTick()
        {
            bool finished;
            lock (gate)
            {
                if (disposed || due is not { } d) return;
                var now = clock.GetUtcNow();
                if (now < d) { inner.Change(clock.ToReal(d - now), Timeout.InfiniteTimeSpan); return; } // the clock slowed down
                due = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : d + period;
                if (due is { } next) inner.Change(clock.ToReal(next - now), Timeout.InfiniteTimeSpan);
                finished = due is null;
            }
            if (finished) clock.timers.TryRemove(this, out _);
            callback(state);
        }

        public void Dispose()
        {
            lock (gate) disposed = true;
            clock.timers.TryRemove(this, out _);
            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
