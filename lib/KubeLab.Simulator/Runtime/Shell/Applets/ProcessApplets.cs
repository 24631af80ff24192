using System.Globalization;
using System.Text;

namespace KubeLab.Simulator.Runtime.Shell.Applets;

/// <summary>
/// busybox sleep (coreutils/sleep.c, FANCY_SLEEP): durations N, N.5, with s/m/h/d suffixes, summed; "inf…" sleeps until
/// killed. Time is the cluster clock, so <c>sleep 60</c> takes a simulated minute.
/// </summary>
public sealed class SleepApplet : Applet
{
    public override string Name => "sleep";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        var args = call.Args.SkipWhile(a => a == "--").ToList();
        if (args.Count == 0)
        {
            await call.Process.Stderr.WriteAsync("BusyBox v1.36.1 multi-call binary.\n\nUsage: sleep [N]...\n", call.Kill);
            return 1;
        }
        if (args[0].StartsWith("inf", StringComparison.OrdinalIgnoreCase))
        {
            await Task.Delay(Timeout.Infinite, call.Kill);
            return 0;
        }
        var total = TimeSpan.Zero;
        foreach (var a in args)
        {
            if (Parse(a) is not { } d) { await call.Error($"invalid number '{a}'"); return 1; }
            total += d;
        }
        // Task.Delay accepts at most ~49 days at once.
        while (total > TimeSpan.Zero)
        {
            var step = total > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : total;
            await Task.Delay(step, call.Process.Time, call.Kill);
            total -= step;
        }
        return 0;
    }

    public static TimeSpan? Parse(string text)
    {
        if (text.Length == 0) return null;
        var unit = text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
        var number = unit == 0 ? text : text[..^1];
        if (unit == 0) unit = 1;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return null;
        return TimeSpan.FromSeconds(value * unit);
    }
}

/// <summary>busybox true / false.</summary>
public sealed class ExitStatusApplet(string name, int status) : Applet
{
    public override string Name => name;
    internal override Task<int> RunAsync(AppletCall call) => Task.FromResult(status);
}

/// <summary>busybox seq [-s SEP] [-w] [FIRST [INC]] LAST (integers).</summary>
public sealed class SeqApplet : Applet
{
    public override string Name => "seq";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        if (await call.ParseAsync("w", "s") is not { } o) return 1;
        var numbers = new List<long>();
        foreach (var a in o.Operands)
        {
            if (!long.TryParse(a, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            {
                await call.Error($"invalid number '{a}'");
                return 1;
            }
            numbers.Add(v);
        }
        var (first, inc, last) = numbers.Count switch
        {
            1 => (1L, 1L, numbers[0]),
            2 => (numbers[0], 1L, numbers[1]),
            3 => (numbers[0], numbers[1], numbers[2]),
            _ => (0L, 0L, 0L),
        };
        if (numbers.Count is < 1 or > 3 || inc == 0)
        {
            await call.Process.Stderr.WriteAsync("BusyBox v1.36.1 multi-call binary.\n\nUsage: seq [-w] [-s SEP] [FIRST [INC]] LAST\n", call.Kill);
            return 1;
        }
        var separator = o.Values.GetValueOrDefault('s', "\n");
        var width = o.Has('w') ? Math.Max(first.ToString(CultureInfo.InvariantCulture).Length, last.ToString(CultureInfo.InvariantCulture).Length) : 0;
        var sb = new StringBuilder();
        var count = 0;
        for (var v = first; inc > 0 ? v <= last : v >= last; v += inc)
        {
            if (count++ > 0) sb.Append(separator);
            sb.Append(v.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'));
            if (sb.Length > 65536) { await call.Out(sb.ToString()); sb.Clear(); }
        }
        if (count > 0) sb.Append('\n');
        await call.Out(sb.ToString());
        return 0;
    }
}

/// <summary>
/// busybox kill as a program (not the shell builtin): the modelled runtime does not expose other processes' PIDs, so
/// every PID is reported as busybox does for one that does not exist.
/// </summary>
public sealed class KillApplet : Applet
{
    public override string Name => "kill";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        var pids = call.Args.Where(a => !a.StartsWith('-')).ToList();
        if (pids.Count == 0) { await call.Error("usage: kill [-s SIG | -SIG] PID..."); return 1; }
        foreach (var pid in pids) await call.Error($"can't kill pid {pid}: No such process");
        return 1;
    }
}
