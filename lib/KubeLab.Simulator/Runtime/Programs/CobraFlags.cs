namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// Flag parsing as spf13/cobra (pflag) does for agnhost: <c>--name=value</c>, <c>--name value</c>, bare <c>--bool</c>;
/// agnhost also accepts klog's logging flags on every command (agnhost.go adds them as persistent flags).
/// </summary>
public sealed class CobraFlags
{
    private static readonly HashSet<string> KlogFlags = new(StringComparer.Ordinal)
    {
        "v", "vmodule", "logtostderr", "alsologtostderr", "log_dir", "log_file", "log_file_max_size", "one_output",
        "skip_headers", "skip_log_headers", "stderrthreshold", "add_dir_header", "log_backtrace_at",
    };

    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    /// <summary>Parses argv after the subcommand; returns pflag's error text for an unknown flag, or null.</summary>
    public static (CobraFlags Flags, string? Error) Parse(IEnumerable<string> args, IReadOnlyCollection<string> known, IReadOnlyCollection<string> booleans)
    {
        var flags = new CobraFlags();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (!a.StartsWith('-') || a == "-") { flags.Positional.Add(a); continue; }
            var body = a.TrimStart('-');
            var eq = body.IndexOf('=');
            var name = eq < 0 ? body : body[..eq];
            if (!known.Contains(name) && !KlogFlags.Contains(name)) return (flags, $"unknown flag: --{name}");
            string value;
            if (eq >= 0) value = body[(eq + 1)..];
            else if (booleans.Contains(name) || name is "logtostderr" or "alsologtostderr" or "one_output" or "skip_headers" or "skip_log_headers" or "add_dir_header") value = "true";
            else if (i + 1 < list.Count) value = list[++i];
            else return (flags, $"flag needs an argument: --{name}");
            flags.values[name] = value;
        }
        return (flags, null);
    }

    public string? Get(string name) => values.GetValueOrDefault(name);

    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) && int.TryParse(v, out var n) ? n : fallback;

    public bool Bool(string name, bool fallback) => values.TryGetValue(name, out var v) ? v is "true" or "1" or "t" or "T" or "TRUE" or "True" : fallback;

    /// <summary>pflag's error for an int flag that is not a number, or null.</summary>
    public string? IntError(string name) =>
        values.TryGetValue(name, out var v) && !int.TryParse(v, out _)
            ? $"invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax" : null;
}
