using System.Text;

namespace KubeLab.Simulator.Runtime.Shell;

internal enum TokenKind { Eof, Newline, Word, Semi, Amp, AndIf, OrIf, Pipe, LParen, RParen, DSemi, Redirect }

internal sealed record Token(TokenKind Kind, string Text, Word? Word, int? IoNumber, int Line)
{
    /// <summary>How ash names the token in "unexpected …" (ash.c tokname: the first four unquoted, the rest in quotes).</summary>
    public string Describe(bool asKeyword) => Kind switch
    {
        TokenKind.Eof => "end of file",
        TokenKind.Newline => "newline",
        TokenKind.Redirect => "redirection",
        TokenKind.Word when asKeyword && Word?.PlainText is { } k && Parser.Keywords.Contains(k) => $"\"{k}\"",
        TokenKind.Word => "word",
        _ => $"\"{Text}\"",
    };
}

/// <summary>
/// Splits shell input into tokens (XCU 2.3 Token Recognition): operators, newlines and words, where a word keeps its
/// quoting and its <c>$…</c>/<c>$( … )</c>/backquote parts for expansion. Keywords are left to the parser.
/// </summary>
internal sealed class Lexer(string source, int position = 0, int line = 1)
{
    private static readonly string[] Operators = ["&&", "||", ";;", "<<", ">>", "<&", ">&", "<>", ">|", "&", "|", ";", "(", ")", "<", ">"];
    private int pos = position;
    private Token? peeked;

    public int Line { get; private set; } = line;
    /// <summary>Where the next unread character is (a nested <c>$( … )</c> parser hands this back).</summary>
    public int Position => peeked is null ? pos : throw new InvalidOperationException("token peeked");

    public Token Peek() => peeked ??= Read();

    public Token Next()
    {
        var t = Peek();
        peeked = null;
        return t;
    }

    private char At(int i) => i < source.Length ? source[i] : '\0';
    private bool AtEnd => pos >= source.Length;

    private Token Read()
    {
        while (!AtEnd)
        {
            var c = source[pos];
            if (c is ' ' or '\t' or '\r') pos++;
            else if (c == '\\' && At(pos + 1) == '\n') { pos += 2; Line++; }
            else if (c == '#') { while (!AtEnd && source[pos] != '\n') pos++; }
            else break;
        }
        if (AtEnd) return new Token(TokenKind.Eof, "", null, null, Line);
        var line = Line;
        if (source[pos] == '\n')
        {
            pos++;
            Line++;
            return new Token(TokenKind.Newline, "\n", null, null, line);
        }
        // An IO number: digits directly before '<' or '>' ("2>&1").
        var digits = pos;
        while (digits < source.Length && char.IsAsciiDigit(source[digits])) digits++;
        if (digits > pos && (At(digits) is '<' or '>'))
        {
            var fd = int.Parse(source.AsSpan(pos, digits - pos), System.Globalization.CultureInfo.InvariantCulture);
            pos = digits;
            return ReadOperator(line, fd) ?? throw new InvalidOperationException();
        }
        return ReadOperator(line, null) ?? new Token(TokenKind.Word, "", ReadWord(), null, line);
    }

    private Token? ReadOperator(int line, int? ioNumber)
    {
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(source, pos, op, 0, op.Length) != 0) continue;
            pos += op.Length;
            if (op == "<<") throw new ShellSyntaxException("here-documents (<<) are not implemented in the simulator's shell", line);
            var kind = op switch
            {
                "&&" => TokenKind.AndIf, "||" => TokenKind.OrIf, ";;" => TokenKind.DSemi, "&" => TokenKind.Amp,
                "|" => TokenKind.Pipe, ";" => TokenKind.Semi, "(" => TokenKind.LParen, ")" => TokenKind.RParen,
                _ => TokenKind.Redirect,
            };
            return new Token(kind, op, null, ioNumber, line);
        }
        return null;
    }

    private static bool EndsWord(char c) => c is ' ' or '\t' or '\r' or '\n' or ';' or '&' or '|' or '(' or ')' or '<' or '>';

    private Word ReadWord()
    {
        var parts = new List<WordPart>();
        ReadParts(parts, EndsWord, doubleQuoted: false);
        return new Word(parts);
    }

    /// <summary>Reads word parts until an unquoted character <paramref name="stop"/> accepts (not consumed) or the end.</summary>
    private void ReadParts(List<WordPart> parts, Func<char, bool> stop, bool doubleQuoted)
    {
        var literal = new StringBuilder();
        void Flush()
        {
            if (literal.Length > 0) parts.Add(new LiteralPart(literal.ToString(), doubleQuoted));
            literal.Clear();
        }
        while (!AtEnd && !stop(source[pos]))
        {
            var c = source[pos];
            switch (c)
            {
                case '\\':
                    var next = At(pos + 1);
                    if (next == '\n') { pos += 2; Line++; continue; }
                    if (pos + 1 >= source.Length) { literal.Append('\\'); pos++; continue; }
                    if (doubleQuoted && next is not ('$' or '`' or '"' or '\\')) { literal.Append('\\'); pos++; continue; }
                    Flush();
                    parts.Add(new LiteralPart(next.ToString(), true));
                    pos += 2;
                    continue;
                case '\'' when !doubleQuoted:
                    Flush();
                    var end = source.IndexOf('\'', pos + 1);
                    if (end < 0) throw new ShellSyntaxException("unterminated quoted string", Line, incomplete: true);
                    var text = source[(pos + 1)..end];
                    Line += text.Count(ch => ch == '\n');
                    parts.Add(new LiteralPart(text, true));
                    pos = end + 1;
                    continue;
                case '"' when !doubleQuoted:
                    Flush();
                    pos++;
                    var inner = new List<WordPart>();
                    ReadParts(inner, ch => ch == '"', doubleQuoted: true);
                    if (AtEnd) throw new ShellSyntaxException("unterminated quoted string", Line, incomplete: true);
                    pos++;
                    parts.AddRange(inner.Count > 0 ? inner : [new LiteralPart("", true)]);
                    continue;
                case '$':
                    if (ReadDollar(doubleQuoted) is { } part) { Flush(); parts.Add(part); }
                    else { literal.Append('$'); pos++; }
                    continue;
                case '`':
                    Flush();
                    parts.Add(ReadBackquote(doubleQuoted));
                    continue;
                case '\n':
                    Line++;
                    break;
            }
            literal.Append(c);
            pos++;
        }
        Flush();
    }

    private WordPart? ReadDollar(bool quoted)
    {
        var c = At(pos + 1);
        if (c == '(' && At(pos + 2) == '(') return ReadArithmetic(quoted);
        if (c == '(')
        {
            var parser = new Parser(new Lexer(source, pos + 2, Line));
            var body = parser.ParseSubstitutionBody();
            pos = parser.Lexer.Position;
            Line = parser.Lexer.Line;
            return new CommandSubstitutionPart(body, quoted);
        }
        if (c == '{') return ReadBraced(quoted);
        if (char.IsAsciiLetter(c) || c == '_')
        {
            var start = pos + 1;
            var end = start;
            while (end < source.Length && (char.IsAsciiLetterOrDigit(source[end]) || source[end] == '_')) end++;
            pos = end;
            return new ParameterPart(source[start..end], null, null, quoted);
        }
        if (char.IsAsciiDigit(c) || c is '?' or '$' or '!' or '#' or '@' or '*' or '-')
        {
            pos += 2;
            return new ParameterPart(c.ToString(), null, null, quoted);
        }
        return null;
    }

    private static readonly string[] ParameterOps = [":-", ":=", ":+", ":?", "%%", "##", "-", "=", "+", "?", "%", "#"];

    private WordPart ReadBraced(bool quoted)
    {
        pos += 2; // "${"
        var length = false;
        if (At(pos) == '#' && At(pos + 1) != '}') { length = true; pos++; }
        var start = pos;
        if (char.IsAsciiLetter(At(pos)) || At(pos) == '_')
            while (char.IsAsciiLetterOrDigit(At(pos)) || At(pos) == '_') pos++;
        else if (char.IsAsciiDigit(At(pos)))
            while (char.IsAsciiDigit(At(pos))) pos++;
        else if (At(pos) is '?' or '$' or '!' or '#' or '@' or '*' or '-') pos++;
        var name = source[start..pos];
        if (name.Length == 0) throw BadSubstitution();
        if (length)
        {
            if (At(pos) != '}') throw BadSubstitution();
            pos++;
            return new ParameterPart(name, "length", null, quoted);
        }
        if (At(pos) == '}') { pos++; return new ParameterPart(name, null, null, quoted); }
        var op = ParameterOps.FirstOrDefault(o => string.CompareOrdinal(source, pos, o, 0, o.Length) == 0) ?? throw BadSubstitution();
        pos += op.Length;
        var parts = new List<WordPart>();
        ReadParts(parts, ch => ch == '}', doubleQuoted: quoted);
        if (AtEnd) throw new ShellSyntaxException("unterminated quoted string", Line, incomplete: true);
        pos++;
        return new ParameterPart(name, op, new Word(parts), quoted);
    }

    private ShellSyntaxException BadSubstitution()
    {
        while (!AtEnd && source[pos] != '}') pos++;
        return new ShellSyntaxException("bad substitution", Line);
    }

    private WordPart ReadArithmetic(bool quoted)
    {
        pos += 3; // "$(("
        var depth = 0;
        var start = pos;
        while (true)
        {
            if (AtEnd) throw new ShellSyntaxException("unterminated quoted string", Line, incomplete: true);
            var c = source[pos];
            if (c == '(') depth++;
            else if (c == ')')
            {
                if (depth == 0 && At(pos + 1) == ')') break;
                depth--;
            }
            pos++;
        }
        var inner = new Lexer(source[start..pos], 0, Line);
        pos += 2;
        var parts = new List<WordPart>();
        inner.ReadParts(parts, _ => false, doubleQuoted: true);
        return new ArithmeticPart(new Word(parts), quoted);
    }

    private WordPart ReadBackquote(bool quoted)
    {
        var text = new StringBuilder();
        pos++;
        while (true)
        {
            if (AtEnd) throw new ShellSyntaxException("unterminated quoted string", Line, incomplete: true);
            var c = source[pos];
            if (c == '`') { pos++; break; }
            if (c == '\\' && At(pos + 1) is '`' or '\\' or '$') { text.Append(source[pos + 1]); pos += 2; continue; }
            text.Append(c);
            pos++;
        }
        var body = new Parser(new Lexer(text.ToString(), 0, Line)).ParseProgram();
        return new CommandSubstitutionPart(body, quoted);
    }
}
