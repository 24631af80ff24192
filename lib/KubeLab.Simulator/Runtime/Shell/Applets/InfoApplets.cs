using System.Globalization;
using System.Text;

namespace KubeLab.Simulator.Runtime.Shell.Applets;

/// <summary>busybox env: prints the environment, or runs a program with <c>NAME=value</c> added (<c>-i</c>: only those).</summary>
public sealed class EnvApplet : Applet
{
    public override string Name => "env";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        var args = call.Args.ToList();
        var env = new Dictionary<string, string>(call.Process.Environment, StringComparer.Ordinal);
        var i = 0;
        for (; i < args.Count && args[i].StartsWith('-'); i++)
        {
            if (args[i] is "-i" or "-") env.Clear();
            else if (args[i] == "-u" && i + 1 < args.Count) env.Remove(args[++i]);
            else if (args[i] == "--") { i++; break; }
            else { await call.Error($"invalid option -- '{args[i].TrimStart('-')}'"); return 1; }
        }
        for (; i < args.Count && args[i].Contains('=') && !args[i].StartsWith('='); i++)
        {
            var eq = args[i].IndexOf('=');
            env[args[i][..eq]] = args[i][(eq + 1)..];
        }
        if (i >= args.Count)
        {
            await call.Out(string.Concat(env.Select(kv => $"{kv.Key}={kv.Value}\n")));
            return 0;
        }
        var argv = args.Skip(i).ToList();
        var path = env.GetValueOrDefault("PATH") ?? call.Process.Image.Path;
        if (call.Process.Image.Lookup(argv[0], path) is not { } found)
        {
            // env execvp()s the program: busybox's "can't execute 'x': No such file or directory", status 127.
            await call.Error($"can't execute '{argv[0]}': No such file or directory");
            return 127;
        }
        return await found.Program.RunAsync(call.Process.With(environment: env), argv, call.Kill);
    }
}

/// <summary>busybox printenv [NAME…]: the values asked for (status 1 if one is unset), or the whole environment.</summary>
public sealed class PrintenvApplet : Applet
{
    public override string Name => "printenv";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        var env = call.Process.Environment;
        if (call.Args.Count == 0)
        {
            await call.Out(string.Concat(env.Select(kv => $"{kv.Key}={kv.Value}\n")));
            return 0;
        }
        var status = 0;
        foreach (var name in call.Args)
        {
            if (env.TryGetValue(name, out var v)) await call.Out(v + "\n");
            else status = 1;
        }
        return status;
    }
}

/// <summary>busybox hostname: the Pod's hostname (the sandbox's UTS namespace); <c>-i</c> its IP address.</summary>
public sealed class HostnameApplet : Applet
{
    public override string Name => "hostname";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        if (await call.ParseAsync("isfd") is not { } o) return 1;
        if (o.Operands.Count > 0)
        {
            await call.Error("sethostname: Operation not permitted");
            return 1;
        }
        var sandbox = call.Process.Sandbox;
        var text = o.Has('i') ? sandbox.Ip ?? "" : o.Has('s') ? sandbox.Hostname.Split('.')[0] : sandbox.Hostname;
        await call.Out(text + "\n");
        return 0;
    }
}

/// <summary>
/// busybox date on the cluster clock: default format "%a %b %e %H:%M:%S %Z %Y" ("Thu Dec  3 04:05:06 UTC 2026"),
/// <c>+FORMAT</c> with the common strftime conversions, <c>-u</c>/<c>-R</c>/<c>-I</c>. Containers run in UTC.
/// Setting the date is not permitted.
/// </summary>
public sealed class DateApplet : Applet
{
    public override string Name => "date";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        if (await call.ParseAsync("uRI") is not { } o) return 1;
        var now = call.Process.Time.GetUtcNow();
        var format = o.Has('R') ? "%a, %d %b %Y %H:%M:%S %z" : o.Has('I') ? "%Y-%m-%d" : "%a %b %e %H:%M:%S %Z %Y";
        foreach (var operand in o.Operands)
        {
            if (operand.StartsWith('+')) format = operand[1..];
            else
            {
                await call.Error("can't set date: Operation not permitted");
                return 1;
            }
        }
        await call.Out(Format(now, format) + "\n");
        return 0;
    }

    internal static string Format(DateTimeOffset t, string format)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length) { sb.Append(format[i]); continue; }
            var c = format[++i];
            sb.Append(c switch
            {
                'Y' => t.Year.ToString(inv),
                'y' => t.ToString("yy", inv),
                'm' => t.ToString("MM", inv),
                'd' => t.ToString("dd", inv),
                'e' => t.Day.ToString(inv).PadLeft(2),
                'H' => t.ToString("HH", inv),
                'I' => t.ToString("hh", inv),
                'M' => t.ToString("mm", inv),
                'S' => t.ToString("ss", inv),
                'N' => (t.Ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", inv),
                'p' => t.Hour < 12 ? "AM" : "PM",
                's' => t.ToUnixTimeSeconds().ToString(inv),
                'a' => t.ToString("ddd", inv),
                'A' => t.ToString("dddd", inv),
                'b' or 'h' => t.ToString("MMM", inv),
                'B' => t.ToString("MMMM", inv),
                'j' => t.DayOfYear.ToString("D3", inv),
                'u' => (t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek).ToString(inv),
                'w' => ((int)t.DayOfWeek).ToString(inv),
                'Z' => "UTC",
                'z' => "+0000",
                'F' => t.ToString("yyyy-MM-dd", inv),
                'T' => t.ToString("HH:mm:ss", inv),
                'D' => t.ToString("MM/dd/yy", inv),
                'R' => t.ToString("HH:mm", inv),
                'c' => Format(t, "%a %b %e %H:%M:%S %Y"),
                'n' => "\n",
                't' => "\t",
                '%' => "%",
                _ => "%" + c,
            });
        }
        return sb.ToString();
    }
}

/// <summary>busybox id: the modelled runtime runs every container as root (uid 0), in root's groups of the busybox image.</summary>
public sealed class IdApplet : Applet
{
    public override string Name => "id";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        if (await call.ParseAsync("ugGnr") is not { } o) return 1;
        string text;
        if (o.Has('u') || o.Has('g')) text = o.Has('n') ? "root" : "0";
        else if (o.Has('G')) text = o.Has('n') ? "root wheel" : "0 10";
        else text = "uid=0(root) gid=0(root) groups=0(root),10(wheel)";
        await call.Out(text + "\n");
        return 0;
    }
}
