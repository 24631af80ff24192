using System.Text;
using k8s.Models;

namespace KubeLab.Simulator.Api;

/// <summary>
/// A Kubernetes label selector (k8s.io/apimachinery/pkg/labels). Requirements are ANDed.
/// Grammar: <c>key</c>, <c>!key</c>, <c>key=v</c>, <c>key==v</c>, <c>key!=v</c>, <c>key in (a,b)</c>, <c>key notin (a,b)</c>,
/// <c>key&gt;n</c>, <c>key&lt;n</c>. As in Kubernetes, <c>!=</c> and <c>notin</c> also match objects that lack the key.
/// </summary>
public sealed class LabelSelector
{
    // An array, not an IReadOnlyList: Matches runs for every pod of every controller sync, and an interface foreach allocates.
    private readonly LabelRequirement[] requirements;
    private readonly bool selectsNothing;

    private LabelSelector(IReadOnlyList<LabelRequirement> requirements, bool selectsNothing)
    {
        // Kubernetes keeps requirements sorted by key so that the string form is canonical.
        this.requirements = requirements.OrderBy(r => r.Key, StringComparer.Ordinal).ToArray();
        this.selectsNothing = selectsNothing;
    }

    public static LabelSelector Everything { get; } = new([], false);

    /// <summary>Selects no object – what a nil metav1.LabelSelector means for controllers.</summary>
    public static LabelSelector Nothing { get; } = new([], true);

    /// <summary>True when the selector matches every object.</summary>
    public bool IsEmpty => !selectsNothing && requirements.Length == 0;

    public IReadOnlyList<LabelRequirement> Requirements => requirements;

    public static LabelSelector Parse(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector)) return Everything;
        return new LabelSelector(new LabelSelectorParser(selector).ParseAll(), false);
    }

    public static LabelSelector FromV1(V1LabelSelector? selector)
    {
        if (selector is null) return Nothing;
        var reqs = new List<LabelRequirement>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
            reqs.Add(LabelRequirement.Create(key, LabelOperator.Equals, [value ?? ""])); // JSON null decodes to "" in Go's map[string]string
        // JSON null decodes to Go's zero value: an empty requirement, an empty string.
        foreach (var expr in (selector.MatchExpressions ?? []).Select(e => e ?? new V1LabelSelectorRequirement { Key = "", OperatorProperty = "" }))
        {
            var op = expr.OperatorProperty switch
            {
                "In" => LabelOperator.In,
                "NotIn" => LabelOperator.NotIn,
                "Exists" => LabelOperator.Exists,
                "DoesNotExist" => LabelOperator.DoesNotExist,
                _ => throw new FormatException($"\"{expr.OperatorProperty}\" is not a valid label selector operator"),
            };
            reqs.Add(LabelRequirement.Create(expr.Key ?? "", op, expr.Values?.Select(v => v ?? "").ToList() ?? []));
        }
        return new LabelSelector(reqs, false);
    }

    public bool Matches(IDictionary<string, string>? labels)
    {
        if (selectsNothing) return false;
        if (requirements.Length == 0) return true;
        foreach (var r in requirements)
            if (!r.Matches(labels)) return false;
        return true;
    }

    public override string ToString() => string.Join(",", requirements.Select(r => r.ToString()));
}

public enum LabelOperator { Equals, DoubleEquals, NotEquals, In, NotIn, Exists, DoesNotExist, GreaterThan, LessThan }

/// <summary>One requirement of a label selector, validated like labels.NewRequirement.</summary>
public sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    public static LabelRequirement Create(string key, LabelOperator op, IReadOnlyList<string> values)
    {
        var keyError = LabelValidation.QualifiedNameError(key);
        if (keyError is not null) throw new FormatException($"unable to parse requirement: key: Invalid value: \"{key}\": {keyError}");
        switch (op)
        {
            case LabelOperator.In or LabelOperator.NotIn when values.Count == 0:
                throw new FormatException("unable to parse requirement: values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty");
            case LabelOperator.Equals or LabelOperator.DoubleEquals or LabelOperator.NotEquals when values.Count != 1:
                throw new FormatException("unable to parse requirement: values: Invalid value: null: exact-match compatibility requires one single value");
            case LabelOperator.Exists or LabelOperator.DoesNotExist when values.Count != 0:
                throw new FormatException("unable to parse requirement: values: Invalid value: null: values set must be empty for exists and does not exist");
            case LabelOperator.GreaterThan or LabelOperator.LessThan when values.Count != 1 || !long.TryParse(values[0], out _):
                throw new FormatException($"unable to parse requirement: values[0]: Invalid value: \"{values.FirstOrDefault()}\": for 'Gt', 'Lt' operators, the value must be an integer");
        }
        for (var i = 0; i < values.Count; i++)
        {
            var err = LabelValidation.LabelValueError(values[i]);
            if (err is not null) throw new FormatException($"unable to parse requirement: values[{i}][{key}]: Invalid value: \"{values[i]}\": {err}");
        }
        var sorted = op is LabelOperator.In or LabelOperator.NotIn ? values.Distinct().Order(StringComparer.Ordinal).ToList() : values.ToList();
        return new LabelRequirement(key, op, sorted);
    }

    public bool Matches(IDictionary<string, string>? labels)
    {
        string? value = null;
        var has = labels is not null && labels.TryGetValue(Key, out value);
        return Operator switch
        {
            LabelOperator.Equals or LabelOperator.DoubleEquals or LabelOperator.In => has && Values.Contains(value!),
            LabelOperator.NotEquals or LabelOperator.NotIn => !has || !Values.Contains(value!),
            LabelOperator.Exists => has,
            LabelOperator.DoesNotExist => !has,
            LabelOperator.GreaterThan => has && long.TryParse(value, out var g) && g > long.Parse(Values[0]),
            LabelOperator.LessThan => has && long.TryParse(value, out var l) && l < long.Parse(Values[0]),
            _ => false,
        };
    }

    public override string ToString() => Operator switch
    {
        LabelOperator.Exists => Key,
        LabelOperator.DoesNotExist => "!" + Key,
        LabelOperator.Equals => $"{Key}={Values[0]}",
        LabelOperator.DoubleEquals => $"{Key}=={Values[0]}",
        LabelOperator.NotEquals => $"{Key}!={Values[0]}",
        LabelOperator.In => $"{Key} in ({string.Join(",", Values)})",
        LabelOperator.NotIn => $"{Key} notin ({string.Join(",", Values)})",
        LabelOperator.GreaterThan => $"{Key}>{Values[0]}",
        LabelOperator.LessThan => $"{Key}<{Values[0]}",
        _ => Key,
    };
}

/// <summary>Tokenizer + parser following the shape of apimachinery's labels lexer (identifiers, operators, parentheses, commas).</summary>
internal sealed class LabelSelectorParser(string input)
{
    private enum Tok { End, Ident, Comma, Open, Close, Not, Eq, DoubleEq, NotEq, In, NotIn, Gt, Lt }

    private readonly List<(Tok Kind, string Text)> tokens = Lex(input);
    private int pos;

    private (Tok Kind, string Text) Peek => tokens[pos];
    private (Tok Kind, string Text) Next() => tokens[pos++];

    public List<LabelRequirement> ParseAll()
    {
        var result = new List<LabelRequirement>();
        while (true)
        {
            result.Add(ParseRequirement());
            var t = Next();
            if (t.Kind == Tok.End) return result;
            if (t.Kind != Tok.Comma) throw Error($"found '{t.Text}', expected: ',' or 'end of string'");
            if (Peek.Kind == Tok.End) throw Error("found '', expected: identifier after ','");
        }
    }

    private LabelRequirement ParseRequirement()
    {
        var t = Next();
        if (t.Kind == Tok.Not)
        {
            var k = Next();
            if (k.Kind != Tok.Ident) throw Error($"found '{k.Text}', expected: identifier after '!'");
            return LabelRequirement.Create(k.Text, LabelOperator.DoesNotExist, []);
        }
        if (t.Kind != Tok.Ident) throw Error($"found '{t.Text}', expected: !, identifier, or 'end of string'");
        var key = t.Text;
        var op = Peek;
        switch (op.Kind)
        {
            case Tok.End or Tok.Comma:
                return LabelRequirement.Create(key, LabelOperator.Exists, []);
            case Tok.Eq or Tok.DoubleEq or Tok.NotEq or Tok.Gt or Tok.Lt:
            {
                Next();
                var v = Peek;
                string value;
                if (v.Kind == Tok.Ident) { Next(); value = v.Text; }
                else if (v.Kind is Tok.End or Tok.Comma) value = "";
                else throw Error($"found '{v.Text}', expected: identifier");
                var o = op.Kind switch
                {
                    Tok.Eq => LabelOperator.Equals,
                    Tok.DoubleEq => LabelOperator.DoubleEquals,
                    Tok.NotEq => LabelOperator.NotEquals,
                    Tok.Gt => LabelOperator.GreaterThan,
                    _ => LabelOperator.LessThan,
                };
                return LabelRequirement.Create(key, o, [value]);
            }
            case Tok.In or Tok.NotIn:
            {
                Next();
                if (Next().Kind != Tok.Open) throw Error("found '" + tokens[pos - 1].Text + "', expected: '('");
                var values = new List<string>();
                var expectValue = true;
                while (true)
                {
                    var n = Next();
                    if (n.Kind == Tok.Close) { if (expectValue && values.Count > 0) values.Add(""); break; }
                    if (n.Kind == Tok.Ident && expectValue) { values.Add(n.Text); expectValue = false; continue; }
                    if (n.Kind == Tok.Comma) { if (expectValue) values.Add(""); expectValue = true; continue; }
                    throw Error($"found '{n.Text}', expected: ',', ')' or identifier");
                }
                return LabelRequirement.Create(key, op.Kind == Tok.In ? LabelOperator.In : LabelOperator.NotIn, values);
            }
            default:
                throw Error($"found '{op.Text}', expected: in, notin, =, ==, !=, gt, lt");
        }
    }

    private static FormatException Error(string detail) => new($"unable to parse requirement: {detail}");

    private static List<(Tok, string)> Lex(string s)
    {
        var list = new List<(Tok, string)>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            switch (c)
            {
                case ',': list.Add((Tok.Comma, ",")); i++; continue;
                case '(': list.Add((Tok.Open, "(")); i++; continue;
                case ')': list.Add((Tok.Close, ")")); i++; continue;
                case '>': list.Add((Tok.Gt, ">")); i++; continue;
                case '<': list.Add((Tok.Lt, "<")); i++; continue;
                case '=':
                    if (i + 1 < s.Length && s[i + 1] == '=') { list.Add((Tok.DoubleEq, "==")); i += 2; }
                    else { list.Add((Tok.Eq, "=")); i++; }
                    continue;
                case '!':
                    if (i + 1 < s.Length && s[i + 1] == '=') { list.Add((Tok.NotEq, "!=")); i += 2; }
                    else { list.Add((Tok.Not, "!")); i++; }
                    continue;
            }
            var sb = new StringBuilder();
            while (i < s.Length && !char.IsWhiteSpace(s[i]) && ",()=!<>".IndexOf(s[i]) < 0) sb.Append(s[i++]);
            var word = sb.ToString();
            list.Add(word switch { "in" => (Tok.In, word), "notin" => (Tok.NotIn, word), _ => (Tok.Ident, word) });
        }
        list.Add((Tok.End, ""));
        return list;
    }
}
