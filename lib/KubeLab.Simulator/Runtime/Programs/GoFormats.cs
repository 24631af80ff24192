using System.Globalization;
using System.Text;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>How Go programs (agnhost) print times, durations, log lines and JSON.</summary>
public static class GoFormats
{
    /// <summary>The standard logger's prefix (log.LstdFlags): "2006/01/02 15:04:05 " in the container's zone (UTC).</summary>
    public static string LogPrefix(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy/MM/dd HH:mm:ss ", CultureInfo.InvariantCulture);

    /// <summary>
    /// time.Time's String(): "2006-01-02 15:04:05.999999999 -0700 MST" plus the monotonic reading "m=+12.345678901"
    /// (seconds since the process started; Go's runtime counts from its own start).
    /// </summary>
    public static string TimeString(DateTimeOffset now, TimeSpan sinceStart)
    {
        var utc = now.UtcDateTime;
        var fraction = (utc.Ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        var monotonic = sinceStart.TotalSeconds.ToString("F9", CultureInfo.InvariantCulture);
        return utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") +
               $" +0000 UTC m=+{monotonic}";
    }

    /// <summary>fmt's %v of a float64: the shortest representation that round-trips (strconv 'g', -1).</summary>
    public static string Float(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>time.Duration's String(): "1h2m3.5s", "1.5s", "150ms", "0s" (full precision of our 100 ns ticks).</summary>
    public static string Duration(TimeSpan d)
    {
        if (d == TimeSpan.Zero) return "0s";
        var sign = d < TimeSpan.Zero ? "-" : "";
        d = d.Duration();
        if (d < TimeSpan.FromSeconds(1))
        {
            var ns = d.Ticks * 100;
            if (ns < 1000) return $"{sign}{ns}ns";
            if (ns < 1_000_000) return sign + Trim(ns / 1000.0) + "µs";
            return sign + Trim(ns / 1_000_000.0) + "ms";
        }
        var hours = (long)d.TotalHours;
        var minutes = d.Minutes;
        var seconds = Trim(d.Seconds + d.Ticks % TimeSpan.TicksPerSecond / (double)TimeSpan.TicksPerSecond) + "s";
        if (hours > 0) return $"{sign}{hours}h{minutes}m{seconds}";
        return minutes > 0 ? $"{sign}{minutes}m{seconds}" : sign + seconds;

        static string Trim(double v) => v.ToString("0.#########", CultureInfo.InvariantCulture);
    }

    /// <summary>time.ParseDuration for the units programs take from users ("5s", "1m30s", "250ms", "0"); null if invalid.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        if (text == "0") return TimeSpan.Zero;
        var rest = text.AsSpan();
        var sign = 1;
        if (rest.Length > 0 && (rest[0] == '-' || rest[0] == '+')) { sign = rest[0] == '-' ? -1 : 1; rest = rest[1..]; }
        if (rest.IsEmpty) return null;
        double totalNs = 0;
        while (!rest.IsEmpty)
        {
            var n = 0;
            while (n < rest.Length && (char.IsAsciiDigit(rest[n]) || rest[n] == '.')) n++;
            if (n == 0 || !double.TryParse(rest[..n], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return null;
            rest = rest[n..];
            var u = 0;
            while (u < rest.Length && !char.IsAsciiDigit(rest[u]) && rest[u] != '.') u++;
            double? unit = rest[..u].ToString() switch
            {
                "ns" => 1, "us" or "µs" => 1e3, "ms" => 1e6, "s" => 1e9, "m" => 60e9, "h" => 3600e9, _ => null,
            };
            if (unit is null) return null;
            totalNs += value * unit.Value;
            rest = rest[u..];
        }
        return TimeSpan.FromTicks((long)(sign * totalNs / 100));
    }

    /// <summary>encoding/json's string escaping: quotes, backslash, control characters, and &lt; &gt; &amp; U+2028 U+2029 as \u escapes.</summary>
    public static string JsonString(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>json.Marshal of a map: keys in sorted order, no spaces.</summary>
    public static string JsonObject(IEnumerable<KeyValuePair<string, string>> fields) =>
        "{" + string.Join(",", fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => JsonString(f.Key) + ":" + JsonString(f.Value))) + "}";

    /// <summary>json.Marshal of a map[string][]string.</summary>
    public static string JsonObject(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> fields) =>
        "{" + string.Join(",", fields.OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => JsonString(f.Key) + ":[" + string.Join(",", f.Value.Select(JsonString)) + "]")) + "}";
}
