using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;

namespace KubeLab.Simulator.Kubelet;

/// <summary>
/// What a simulated container "does" once started. There are no real processes: the model reads the container's
/// command and args and decides how long it runs and with which exit code.
/// <list type="bullet">
/// <item>No command, an unknown program, or a script with anything we do not model (servers, loops, <c>sleep infinity</c>): runs until stopped.</item>
/// <item><c>sleep N</c> (also <c>5s</c>, <c>2m</c>, fractions): runs N seconds, then exits 0.</item>
/// <item><c>true</c> exits 0, <c>false</c> exits 1, <c>exit N</c> exits N.</item>
/// <item><c>sh -c "…"</c> / <c>bash -c "…"</c> scripts made only of <c>sleep</c>, <c>exit</c>, <c>echo</c>/<c>printf</c>/<c>date</c>/<c>true</c>/<c>false</c>,
/// joined by <c>;</c>, <c>&amp;&amp;</c>, <c>||</c> or new lines: the sleeps add up and the exit code follows shell rules.</item>
/// </list>
/// The kubelet turns the outcome into container states, restarts (restartPolicy) and pod phases. New behaviours
/// (e.g. for Jobs) are new cases here, not new branches in the kubelet.
/// </summary>
public sealed record ContainerBehavior(TimeSpan? RunsFor, int ExitCode)
{
    public static ContainerBehavior Forever { get; } = new(null, 0);

    public bool RunsForever => RunsFor is null;

    private static readonly string[] Shells = ["sh", "bash", "ash", "dash", "zsh"];
    private static readonly string[] QuickCommands = ["echo", "printf", "date", "true", "hostname", "env", "printenv", "whoami", "id", "uname", "pwd", ":"];

    public static ContainerBehavior Of(V1Container container) =>
        Of([.. container.Command ?? [], .. container.Args ?? []]);

    public static ContainerBehavior Of(IReadOnlyList<string> argv)
    {
        if (argv.Count == 0) return Forever; // the image's own entrypoint: a server, as far as the course is concerned
        var program = Path.GetFileName(argv[0]);
        if (Shells.Contains(program))
        {
            var c = argv.ToList().IndexOf("-c");
            if (c < 0 && argv.Count > 1 && argv[1].StartsWith('-') && argv[1].Contains('c')) c = 1; // e.g. "-ec"
            return c >= 0 && c + 1 < argv.Count ? OfScript(argv[c + 1]) : Forever;
        }
        return OfSimpleCommand(argv) switch
        {
            { } step => new ContainerBehavior(step.Duration, step.ExitCode),
            null => Forever,
        };
    }

    /// <summary>A tiny shell: statements separated by ';' or new lines, chained by '&amp;&amp;' and '||'.</summary>
    public static ContainerBehavior OfScript(string script)
    {
        var total = TimeSpan.Zero;
        var status = 0;
        foreach (var statement in script.Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split "a && b || c" keeping the operators.
            var parts = Regex.Split(statement, @"\s*(&&|\|\|)\s*");
            var op = ";";
            foreach (var part in parts)
            {
                if (part is "&&" or "||") { op = part; continue; }
                var skip = (op == "&&" && status != 0) || (op == "||" && status == 0);
                if (skip) continue;
                var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"', '\'')).ToList();
                if (words.Count == 0) continue;
                if (words[0] == "exit")
                {
                    var code = words.Count > 1 && int.TryParse(words[1], out var n) ? n & 0xFF : status;
                    return new ContainerBehavior(total, code);
                }
                var step = OfSimpleCommand(words);
                if (step is null) return Forever; // something we do not model: assume it keeps running
                total += step.Value.Duration;
                status = step.Value.ExitCode;
            }
        }
        return new ContainerBehavior(total, status);
    }

    private static (TimeSpan Duration, int ExitCode)? OfSimpleCommand(IReadOnlyList<string> argv)
    {
        var program = Path.GetFileName(argv[0]);
        if (program == "false") return (TimeSpan.Zero, 1);
        if (QuickCommands.Contains(program)) return (TimeSpan.Zero, 0);
        if (program == "sleep" && argv.Count > 1)
        {
            var total = TimeSpan.Zero;
            foreach (var arg in argv.Skip(1))
            {
                if (ParseSleep(arg) is not { } d) return null; // "sleep infinity" and friends
                total += d;
            }
            return (total, 0);
        }
        return null;
    }

    /// <summary>GNU sleep syntax: a number with an optional suffix s, m, h or d.</summary>
    public static TimeSpan? ParseSleep(string arg)
    {
        var m = Regex.Match(arg, @"^(\d+(?:\.\d+)?)([smhd]?)$");
        if (!m.Success) return null;
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "m" => TimeSpan.FromMinutes(value),
            "h" => TimeSpan.FromHours(value),
            "d" => TimeSpan.FromDays(value),
            _ => TimeSpan.FromSeconds(value),
        };
    }

    /// <summary>The course's convention for images that cannot be pulled: names containing "does-not-exist" or the tag ":nonexistent".</summary>
    public static bool ImageExists(string image) =>
        !image.Contains("does-not-exist", StringComparison.OrdinalIgnoreCase) &&
        !image.EndsWith(":nonexistent", StringComparison.OrdinalIgnoreCase);
}
