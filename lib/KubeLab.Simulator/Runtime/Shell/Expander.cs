using System.Globalization;
using System.Text;

namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>
/// Word expansion (XCU 2.6): parameters, command substitution, arithmetic, then field splitting on IFS (only of what
/// unquoted expansions produced), pathname expansion, quote removal. "$@" gives one field per positional parameter.
/// </summary>
internal sealed class Expander(Interpreter interpreter)
{
    private const byte Plain = 0, Quoted = 1, Expanded = 2;
    private ShellState State => interpreter.State;

    /// <summary>One field under construction: its characters and where each came from.</summary>
    private sealed class Field
    {
        public StringBuilder Text { get; } = new();
        public List<byte> Kinds { get; } = [];
        public bool HasQuoted { get; set; }

        public void Append(string text, byte kind)
        {
            Text.Append(text);
            for (var i = 0; i < text.Length; i++) Kinds.Add(kind);
            if (kind == Quoted) HasQuoted = true;
        }
    }

    /// <summary>Command arguments, <c>for</c> lists: split and globbed fields.</summary>
    public async Task<List<string>> FieldsAsync(IEnumerable<Word> words, ShellIo io)
    {
        var result = new List<string>();
        foreach (var word in words)
            foreach (var field in await ExpandAsync(word, io))
                foreach (var split in Split(field))
                    result.AddRange(Pathnames(split));
        return result;
    }

    /// <summary>Assignment values, redirection targets, <c>case</c> subjects: one string, no splitting or globbing.</summary>
    public async Task<string> StringAsync(Word word, ShellIo io) =>
        string.Join(' ', (await ExpandAsync(word, io)).Select(f => f.Text.ToString()));

    /// <summary>A pattern (<c>case</c>, <c>${x%pat}</c>): quoted special characters are escaped so they match literally.</summary>
    public async Task<string> PatternAsync(Word word, ShellIo io)
    {
        var sb = new StringBuilder();
        foreach (var f in await ExpandAsync(word, io)) sb.Append(AsPattern(f));
        return sb.ToString();
    }

    private static string AsPattern(Field f)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < f.Text.Length; i++)
        {
            var c = f.Text[i];
            if (c == '\\' || (f.Kinds[i] == Quoted && c is '*' or '?' or '[' or ']')) sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    private async Task<List<Field>> ExpandAsync(Word word, ShellIo io)
    {
        var fields = new List<Field>();
        var current = new Field();
        foreach (var part in word.Parts)
        {
            switch (part)
            {
                case LiteralPart l:
                    current.Append(l.Text, l.Quoted ? Quoted : Plain);
                    if (l.Quoted) current.HasQuoted = true;
                    break;
                case ParameterPart { Name: "@", Op: null, Quoted: true }:
                    // "$@": each parameter its own field; the first joins what precedes, the last what follows.
                    for (var i = 0; i < State.Positional.Count; i++)
                    {
                        if (i > 0) { fields.Add(current); current = new Field(); }
                        current.Append(State.Positional[i], Quoted);
                    }
                    break;
                default:
                    var value = await ValueAsync(part, io);
                    current.Append(value, part.Quoted ? Quoted : Expanded);
                    if (part.Quoted) current.HasQuoted = true;
                    break;
            }
        }
        fields.Add(current);
        return fields;
    }

    private Task<string> ValueAsync(WordPart part, ShellIo io) => part switch
    {
        ParameterPart p => ParameterAsync(p, io),
        CommandSubstitutionPart c => SubstituteAsync(c.Body, io),
        ArithmeticPart a => ArithmeticAsync(a, io),
        _ => throw new InvalidOperationException(part.GetType().Name),
    };

    /// <summary>IFS field splitting of the characters unquoted expansions produced.</summary>
    private IEnumerable<Field> Split(Field field)
    {
        var ifs = State.Get("IFS") ?? " \t\n";
        var current = new Field { HasQuoted = field.HasQuoted && !field.Kinds.Contains(Expanded) };
        var any = false;
        for (var i = 0; i < field.Text.Length; i++)
        {
            var c = field.Text[i];
            var kind = field.Kinds[i];
            if (kind == Expanded && ifs.Contains(c))
            {
                var whitespace = c is ' ' or '\t' or '\n';
                if (current.Text.Length > 0 || current.HasQuoted || !whitespace) yield return current;
                current = new Field();
                any = true;
                continue;
            }
            current.Append(c.ToString(), kind);
        }
        if (current.Text.Length > 0 || current.HasQuoted || (!any && field.HasQuoted)) yield return current;
    }

    private IEnumerable<string> Pathnames(Field field)
    {
        var text = field.Text.ToString();
        var globbable = false;
        for (var i = 0; i < text.Length; i++)
            if (field.Kinds[i] != Quoted && text[i] is '*' or '?' or '[') globbable = true;
        if (!globbable) return [text];
        var matches = Glob.ExpandPaths(State.Process.Files, State.WorkingDirectory, AsPattern(field));
        return matches.Count > 0 ? matches : [text];
    }

    private async Task<string> ParameterAsync(ParameterPart p, ShellIo io)
    {
        var value = Lookup(p.Name);
        async Task<string> Argument() => p.Argument is null ? "" : await StringAsync(p.Argument, io);
        switch (p.Op)
        {
            case null: return value ?? "";
            case "length": return (value ?? "").Length.ToString(CultureInfo.InvariantCulture);
            case ":-": return string.IsNullOrEmpty(value) ? await Argument() : value;
            case "-": return value ?? await Argument();
            case ":+": return string.IsNullOrEmpty(value) ? "" : await Argument();
            case "+": return value is null ? "" : await Argument();
            case ":=" or "=":
                if (p.Op == ":=" ? !string.IsNullOrEmpty(value) : value is not null) return value!;
                if (!Parser.NameRegex().IsMatch(p.Name)) throw new ShellFatalException($"{p.Name}: bad variable name");
                var assigned = await Argument();
                State.Set(p.Name, assigned);
                return assigned;
            case ":?" or "?":
                if (p.Op == ":?" ? !string.IsNullOrEmpty(value) : value is not null) return value!;
                var message = await Argument();
                // ash.c varunset: "%s: parameter not set" or "…: parameter null", or the given word.
                throw new ShellFatalException($"{p.Name}: {(message.Length > 0 ? message : value is null ? "parameter not set" : "parameter null")}");
            default:
                var pattern = p.Argument is null ? "" : await PatternAsync(p.Argument, io);
                return Glob.RemoveAffix(value ?? "", pattern, suffix: p.Op.StartsWith('%'), longest: p.Op.Length == 2);
        }
    }

    /// <summary>A parameter's value, or null when unset: specials ($? $$ $! $# $@ $* $0 $-), positionals, variables.</summary>
    public string? Lookup(string name) => name switch
    {
        "?" => State.LastStatus.ToString(CultureInfo.InvariantCulture),
        "$" => State.Pid.ToString(CultureInfo.InvariantCulture),
        "!" => State.LastBackgroundPid?.ToString(CultureInfo.InvariantCulture),
        "#" => State.Positional.Count.ToString(CultureInfo.InvariantCulture),
        "@" or "*" => string.Join(' ', State.Positional),
        "0" => State.Arg0,
        "-" => State.Interactive ? "i" : "",
        _ when char.IsAsciiDigit(name[0]) => int.Parse(name, CultureInfo.InvariantCulture) is var n && n <= State.Positional.Count ? State.Positional[n - 1] : null,
        _ => State.Get(name),
    };

    /// <summary><c>$( … )</c>: the output of a subshell, trailing newlines removed; <c>$?</c> becomes its status.</summary>
    private async Task<string> SubstituteAsync(CommandList body, ShellIo io)
    {
        var output = new BufferOutput();
        var status = await interpreter.RunInSubshellAsync(body, io with { Out = output }, State.Kill, () => 9);
        State.SubstitutionStatus = status;
        return output.ToString().TrimEnd('\n');
    }

    private async Task<string> ArithmeticAsync(ArithmeticPart a, ShellIo io)
    {
        var text = await StringAsync(a.Expression, io);
        return Arithmetic.Evaluate(text, name => Lookup(name)).ToString(CultureInfo.InvariantCulture);
    }
}
