using System.Globalization;
using System.Text;

namespace KubeLab.Simulator.Runtime.Shell.Applets;

/// <summary>
/// busybox echo (coreutils/echo.c): leading options only if made of n, e, E; <c>-e</c> interprets \n \t \\ \c \0nnn \xHH….
/// </summary>
public sealed class EchoApplet : Applet
{
    public override string Name => "echo";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        var args = call.Args;
        var newline = true;
        var escapes = false;
        var i = 0;
        for (; i < args.Count && args[i].Length > 1 && args[i][0] == '-' && args[i].Skip(1).All(c => c is 'n' or 'e' or 'E'); i++)
            foreach (var c in args[i].Skip(1))
            {
                if (c == 'n') newline = false;
                else escapes = c == 'e';
            }
        var text = string.Join(' ', args.Skip(i));
        if (escapes)
        {
            var (expanded, stop) = Escapes.Expand(text, octalNeedsZero: true);
            text = expanded;
            if (stop) newline = false;
        }
        await call.Out(newline ? text + "\n" : text);
        return 0;
    }
}

/// <summary>Backslash escapes of <c>echo -e</c> and printf formats.</summary>
internal static class Escapes
{
    /// <returns>The text, and whether <c>\c</c> asked to stop all output there.</returns>
    public static (string Text, bool Stop) Expand(string text, bool octalNeedsZero)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length) { sb.Append(text[i]); continue; }
            var c = text[++i];
            switch (c)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'e': sb.Append('\u001b'); break;
                case '\\': sb.Append('\\'); break;
                case 'c': return (sb.ToString(), true);
                case 'x':
                    var hex = new string(text.Skip(i + 1).Take(2).TakeWhile(char.IsAsciiHexDigit).ToArray());
                    if (hex.Length == 0) { sb.Append("\\x"); break; }
                    sb.Append((char)int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += hex.Length;
                    break;
                case >= '0' and <= '7' when c == '0' || !octalNeedsZero:
                    var start = c == '0' && octalNeedsZero ? i + 1 : i;
                    var oct = new string(text.Skip(start).Take(3).TakeWhile(d => d is >= '0' and <= '7').ToArray());
                    sb.Append((char)(oct.Length == 0 ? 0 : Convert.ToInt32(oct, 8)));
                    i = start + oct.Length - 1;
                    break;
                default: sb.Append('\\').Append(c); break;
            }
        }
        return (sb.ToString(), false);
    }
}

/// <summary>
/// busybox printf (coreutils/printf.c): %s %b %c %d %i %u %x %X %o %f %e %g %% with flags, width and precision; the
/// format is reused while arguments remain; a bad number prints "invalid number 'x'" and gives status 1.
/// </summary>
public sealed class PrintfApplet : Applet
{
    public override string Name => "printf";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        var args = call.Args.ToList();
        if (args.Count > 0 && args[0] == "--") args.RemoveAt(0);
        if (args.Count == 0)
        {
            await call.Error("usage: printf FORMAT [ARGUMENT...]");
            return 1;
        }
        var format = args[0];
        var queue = new Queue<string>(args.Skip(1));
        var output = new StringBuilder();
        var status = 0;
        do
        {
            var stop = await FormatOnce(call, format, queue, output, () => status = 1);
            if (stop) break;
        } while (queue.Count > 0);
        await call.Out(output.ToString());
        return status;
    }

    private static async Task<bool> FormatOnce(AppletCall call, string format, Queue<string> args, StringBuilder output, Action failed)
    {
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c == '\\')
            {
                var length = EscapeLength(format, i);
                var (text, stop) = Escapes.Expand(format.Substring(i, length), octalNeedsZero: false);
                output.Append(text);
                if (stop) return true;
                i += length - 1;
                continue;
            }
            if (c != '%') { output.Append(c); continue; }
            if (i + 1 < format.Length && format[i + 1] == '%') { output.Append('%'); i++; continue; }
            var j = i + 1;
            while (j < format.Length && "-+ #0".Contains(format[j])) j++;
            while (j < format.Length && char.IsAsciiDigit(format[j])) j++;
            if (j < format.Length && format[j] == '.') { j++; while (j < format.Length && char.IsAsciiDigit(format[j])) j++; }
            if (j >= format.Length)
            {
                await call.Error($"{format[i..]}: invalid format");
                failed();
                return true;
            }
            var spec = format[(i + 1)..j];
            var conv = format[j];
            var arg = args.Count > 0 ? args.Dequeue() : null;
            output.Append(await Convert1(call, spec, conv, arg, failed));
            i = j;
        }
        return false;
    }

    private static int EscapeLength(string format, int i)
    {
        if (i + 1 >= format.Length) return 1;
        var c = format[i + 1];
        if (c is >= '0' and <= '7') return 1 + format.Skip(i + 1).Take(3).TakeWhile(d => d is >= '0' and <= '7').Count();
        if (c == 'x') return 2 + format.Skip(i + 2).Take(2).TakeWhile(char.IsAsciiHexDigit).Count();
        return 2;
    }

    private static async Task<string> Convert1(AppletCall call, string spec, char conv, string? arg, Action failed)
    {
        var left = spec.Contains('-');
        var zero = spec.TrimStart('-', '+', ' ', '#').StartsWith('0') && !left;
        var digits = spec.TrimStart('-', '+', ' ', '#', '0');
        var parts = digits.Split('.');
        var width = parts[0].Length > 0 ? int.Parse(parts[0], CultureInfo.InvariantCulture) : 0;
        int? precision = parts.Length > 1 ? (parts[1].Length > 0 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0) : null;
        string text;
        switch (conv)
        {
            case 's': text = arg ?? ""; if (precision is { } p && p < text.Length) text = text[..p]; break;
            case 'b': text = Escapes.Expand(arg ?? "", octalNeedsZero: true).Text; break;
            case 'c': text = string.IsNullOrEmpty(arg) ? "" : arg[..1]; break;
            case 'd' or 'i' or 'u' or 'x' or 'X' or 'o':
                var n = await Integer(call, arg, failed);
                text = conv switch
                {
                    'x' => n.ToString("x", CultureInfo.InvariantCulture),
                    'X' => n.ToString("X", CultureInfo.InvariantCulture),
                    'o' => System.Convert.ToString(n, 8),
                    _ => n.ToString(CultureInfo.InvariantCulture),
                };
                if (spec.Contains('+') && n >= 0 && conv is 'd' or 'i') text = "+" + text;
                break;
            case 'f' or 'e' or 'g' or 'E' or 'G':
                double d = 0;
                if (!string.IsNullOrEmpty(arg) && !double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                {
                    await call.Error($"invalid number '{arg}'");
                    failed();
                }
                text = conv is 'f' ? d.ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture)
                    : d.ToString((conv is 'e' or 'E' ? conv.ToString() : "G") + (precision ?? 6), CultureInfo.InvariantCulture);
                break;
            default:
                await call.Error($"%{spec}{conv}: invalid format");
                failed();
                return "";
        }
        if (text.Length >= width) return text;
        if (left) return text.PadRight(width);
        if (zero && conv is not ('s' or 'c' or 'b'))
            return text.StartsWith('-') ? "-" + text[1..].PadLeft(width - 1, '0') : text.PadLeft(width, '0');
        return text.PadLeft(width);
    }

    private static async Task<long> Integer(AppletCall call, string? arg, Action failed)
    {
        if (string.IsNullOrEmpty(arg)) return 0;
        if (arg.Length >= 2 && arg[0] is '\'' or '"') return arg[1];
        if (long.TryParse(arg, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
        if (arg.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && long.TryParse(arg[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out n)) return n;
        await call.Error($"invalid number '{arg}'");
        failed();
        return 0;
    }
}
