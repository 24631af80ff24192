using System.Globalization;

namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>
/// <c>$(( … ))</c> (XCU 2.6.4): signed 64-bit integers, variables by name, + - * / % unary - + ! ~, comparisons,
/// &amp;&amp; ||, bit operators, parentheses. Assignment operators (<c>i+=1</c>, <c>i++</c>) are not implemented.
/// Errors use ash's words ("arithmetic syntax error", "divide by zero").
/// </summary>
internal sealed class Arithmetic
{
    private static readonly string[][] Levels =
        [["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<=", ">=", "<", ">"], ["<<", ">>"], ["+", "-"], ["*", "/", "%"]];

    private readonly List<string> tokens;
    private readonly Func<string, string?> lookup;
    private int pos;

    private Arithmetic(List<string> tokens, Func<string, string?> lookup)
    {
        this.tokens = tokens;
        this.lookup = lookup;
    }

    public static long Evaluate(string text, Func<string, string?> lookup)
    {
        var parser = new Arithmetic(Tokenize(text), lookup);
        if (parser.tokens.Count == 0) return 0;
        var value = parser.Binary(0);
        if (parser.pos != parser.tokens.Count) throw Error();
        return value;
    }

    private static ShellFatalException Error() => new("arithmetic syntax error");

    private static List<string> Tokenize(string text)
    {
        var list = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            var start = i;
            if (char.IsAsciiLetterOrDigit(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
            }
            else if (i + 1 < text.Length && new[] { "||", "&&", "==", "!=", "<=", ">=", "<<", ">>", "++", "--", "+=", "-=", "*=", "/=" }.Contains(text.Substring(i, 2))) i += 2;
            else i++;
            list.Add(text[start..i]);
        }
        return list;
    }

    private string? Peek => pos < tokens.Count ? tokens[pos] : null;

    private long Binary(int level)
    {
        if (level == Levels.Length) return Unary();
        var left = Binary(level + 1);
        while (Peek is { } op && Levels[level].Contains(op))
        {
            pos++;
            var right = Binary(level + 1);
            left = op switch
            {
                "||" => left != 0 || right != 0 ? 1 : 0,
                "&&" => left != 0 && right != 0 ? 1 : 0,
                "|" => left | right, "^" => left ^ right, "&" => left & right,
                "==" => left == right ? 1 : 0, "!=" => left != right ? 1 : 0,
                "<=" => left <= right ? 1 : 0, ">=" => left >= right ? 1 : 0, "<" => left < right ? 1 : 0, ">" => left > right ? 1 : 0,
                "<<" => left << (int)right, ">>" => left >> (int)right,
                "+" => left + right, "-" => left - right, "*" => left * right,
                "/" => right == 0 ? throw new ShellFatalException("divide by zero") : left / right,
                _ => right == 0 ? throw new ShellFatalException("divide by zero") : left % right,
            };
        }
        return left;
    }

    private long Unary()
    {
        var t = Peek ?? throw Error();
        pos++;
        switch (t)
        {
            case "-": return -Unary();
            case "+": return Unary();
            case "!": return Unary() == 0 ? 1 : 0;
            case "~": return ~Unary();
            case "(":
                var v = Binary(0);
                if (Peek != ")") throw Error();
                pos++;
                return v;
        }
        if (Peek is "++" or "--" or "=" or "+=" or "-=" or "*=" or "/=")
            throw new ShellFatalException("arithmetic assignment is not implemented in the simulator's shell");
        if (char.IsAsciiDigit(t[0])) return Number(t);
        if (char.IsAsciiLetter(t[0]) || t[0] == '_')
        {
            var value = lookup(t);
            return string.IsNullOrWhiteSpace(value) ? 0 : Number(value.Trim());
        }
        throw Error();
    }

    private static long Number(string text)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
            long.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex)) return hex;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
        throw Error();
    }
}
