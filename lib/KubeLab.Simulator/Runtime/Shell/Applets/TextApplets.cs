using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KubeLab.Simulator.Runtime.Shell.Applets;

/// <summary>busybox head [-n N | -N]: the first lines; from stdin it stops reading once it has them.</summary>
public sealed class HeadApplet : Applet
{
    public override string Name => "head";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        var args = call.Args.Select(a => a.Length > 1 && a[0] == '-' && a.Skip(1).All(char.IsAsciiDigit) ? "-n" + a[1..] : a).ToList();
        if (await call.ParseAsync("qv", "nc", args) is not { } o) return 1;
        var count = 10;
        if (o.Values.TryGetValue('n', out var n) && !int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out count))
        {
            await call.Error($"invalid number '{n}'");
            return 1;
        }
        var operands = o.Operands.Count == 0 ? ["-"] : o.Operands;
        var status = 0;
        for (var i = 0; i < operands.Count; i++)
        {
            if (operands.Count > 1) await call.Out($"{(i > 0 ? "\n" : "")}==> {(operands[i] == "-" ? "standard input" : operands[i])} <==\n");
            if (operands[i] == "-")
            {
                var taken = 0;
                if (count > 0)
                    await foreach (var line in call.StdinLinesAsync())
                    {
                        await call.Out(line);
                        if (++taken >= count) break;
                    }
                continue;
            }
            if (await call.ReadInputAsync(operands[i]) is not { } text) { status = 1; continue; }
            await call.Out(string.Concat(AppletCall.Lines(text).Take(count)));
        }
        return status;
    }
}

/// <summary>busybox wc [-lwc]: counts per file and a total; a single count without file name prints the bare number.</summary>
public sealed class WcApplet : Applet
{
    public override string Name => "wc";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        if (await call.ParseAsync("lwcmL") is not { } o) return 1;
        var wanted = "lwc".Where(c => o.Has(c) || (c == 'c' && o.Has('m'))).ToList();
        if (wanted.Count == 0) wanted = ['l', 'w', 'c'];
        var operands = o.Operands.Count == 0 ? ["-"] : o.Operands;
        var bare = operands.Count == 1 && wanted.Count == 1;
        var totals = new long[3];
        var status = 0;
        foreach (var operand in operands)
        {
            if (await call.ReadInputAsync(operand) is not { } text) { status = 1; continue; }
            long[] counts = [text.Count(c => c == '\n'), text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length, Encoding.UTF8.GetByteCount(text)];
            for (var i = 0; i < 3; i++) totals[i] += counts[i];
            await call.Out(Row(wanted, counts, bare) + (operand == "-" ? "\n" : $" {operand}\n"));
        }
        if (operands.Count > 1) await call.Out(Row(wanted, totals, false) + " total\n");
        return status;
    }

    private static string Row(List<char> wanted, long[] counts, bool bare)
    {
        var values = wanted.Select(c => counts["lwc".IndexOf(c)]).ToList();
        if (bare) return values[0].ToString(CultureInfo.InvariantCulture);
        // wc.c: "%9u" for the first column, " %9u" for each further one.
        return string.Join(' ', values.Select(v => v.ToString(CultureInfo.InvariantCulture).PadLeft(9)));
    }
}

/// <summary>
/// busybox grep with -i -v -c -q -n -l -h -H -E -F -w -s: basic regular expressions (or extended with -E) on files or
/// stdin (line by line as it arrives). Status 0 if a line was selected, 1 if none, 2 on an error.
/// </summary>
public sealed class GrepApplet : Applet
{
    public override string Name => "grep";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        if (await call.ParseAsync("ivcqnlhHEFwsrox", "e") is not { } o) return 2;
        var operands = o.Operands.ToList();
        string pattern;
        if (o.Values.TryGetValue('e', out var e)) pattern = e;
        else if (operands.Count > 0) { pattern = operands[0]; operands.RemoveAt(0); }
        else { await call.Error("usage: grep [-ivcqnlhHEFwso] PATTERN [FILE]..."); return 2; }
        Regex regex;
        try { regex = Compile(pattern, o); }
        catch (ArgumentException) { await call.Error($"bad regex '{pattern}'"); return 2; }
        if (operands.Count == 0) operands.Add("-");
        var showNames = (operands.Count > 1 || o.Has('H')) && !o.Has('h');
        var matchedAny = false;
        var error = false;
        foreach (var operand in operands)
        {
            var count = 0;
            var lineNo = 0;
            var name = operand == "-" ? "(standard input)" : operand;
            IAsyncEnumerable<string> lines;
            if (operand == "-") lines = call.StdinLinesAsync();
            else
            {
                string? text;
                try { text = call.Files.ReadAllText(call.PathOf(operand)); }
                catch (Filesystem.FileSystemException ex)
                {
                    if (!o.Has('s')) await call.Error($"{operand}: {ex.Error}");
                    error = true;
                    continue;
                }
                lines = AppletCall.Lines(text).ToAsyncEnumerable();
            }
            await foreach (var line in lines)
            {
                lineNo++;
                var content = line.TrimEnd('\n');
                if (regex.IsMatch(content) == o.Has('v')) continue;
                matchedAny = true;
                count++;
                if (o.Has('q')) return 0;
                if (o.Has('l')) break;
                if (o.Has('c')) continue;
                var prefix = (showNames ? name + ":" : "") + (o.Has('n') ? lineNo.ToString(CultureInfo.InvariantCulture) + ":" : "");
                if (o.Has('o') && !o.Has('v'))
                    foreach (Match m in regex.Matches(content)) await call.Out(prefix + m.Value + "\n");
                else await call.Out(prefix + content + "\n");
            }
            if (o.Has('l') && count > 0) await call.Out(name + "\n");
            else if (o.Has('c')) await call.Out((showNames ? name + ":" : "") + count.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        return error && !(o.Has('s') && matchedAny) ? 2 : matchedAny ? 0 : 1;
    }

    /// <summary>POSIX BRE/ERE → .NET: in a BRE, \( \) \{ \} \| \+ \? are the operators and ( ) { } | + ? are literal.</summary>
    private static Regex Compile(string pattern, Options o)
    {
        string expression;
        if (o.Has('F')) expression = Regex.Escape(pattern);
        else if (o.Has('E')) expression = pattern;
        else
        {
            var sb = new StringBuilder();
            for (var i = 0; i < pattern.Length; i++)
            {
                var c = pattern[i];
                if (c == '\\' && i + 1 < pattern.Length)
                {
                    var n = pattern[++i];
                    sb.Append("(){}|+?".Contains(n) ? n.ToString() : "\\" + n);
                }
                else sb.Append("(){}|+?".Contains(c) ? "\\" + c : c.ToString());
            }
            expression = sb.ToString();
        }
        if (o.Has('w')) expression = $@"\b(?:{expression})\b";
        if (o.Has('x')) expression = $"^(?:{expression})$";
        return new Regex(expression, (o.Has('i') ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.CultureInvariant);
    }
}
