using System.Text.RegularExpressions;

namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>
/// Recursive-descent parser for the supported subset of the POSIX shell grammar (XCU 2.10): lists, and-or lists, pipelines,
/// simple commands with assignments and redirections, { } ( ) if while until for case, and name() functions.
/// Errors use ash's texts (shell/ash.c raise_error_unexpected_syntax): <c>unexpected "fi" (expecting "then")</c>.
/// </summary>
internal sealed partial class Parser(Lexer lexer)
{
    public static readonly HashSet<string> Keywords =
        ["!", "case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "then", "until", "while", "{", "}"];

    public Lexer Lexer { get; } = lexer;

    public static CommandList Parse(string script) => new Parser(new Lexer(script)).ParseProgram();

    /// <summary>A whole script: commands up to the end of input.</summary>
    public CommandList ParseProgram()
    {
        var list = ParseList([]);
        var t = Lexer.Peek();
        if (t.Kind != TokenKind.Eof) throw Unexpected(t, null);
        return list;
    }

    /// <summary>
    /// The next top-level line of commands (ash parses and runs a script one line at a time, so a syntax error on line 3
    /// comes after lines 1 and 2 ran), or null at the end of input.
    /// </summary>
    public CommandList? ParseNextLine()
    {
        SkipNewlines();
        if (Lexer.Peek().Kind == TokenKind.Eof) return null;
        var list = ParseList([], stopAtNewline: true);
        var t = Lexer.Peek();
        if (t.Kind == TokenKind.Newline) Lexer.Next();
        else if (t.Kind != TokenKind.Eof) throw Unexpected(t, null);
        return list;
    }

    /// <summary>The inside of <c>$( … )</c>: a list up to the closing parenthesis (consumed).</summary>
    public CommandList ParseSubstitutionBody()
    {
        var list = ParseList([]);
        var t = Lexer.Next();
        if (t.Kind != TokenKind.RParen) throw Unexpected(t, "\")\"");
        return list;
    }

    /// <summary>
    /// A compound list: and-or lists separated by ';', '&amp;' and newlines, until a token that cannot start a command
    /// (or one of the <paramref name="stops"/> keywords in command position). The stop token is not consumed.
    /// </summary>
    private CommandList ParseList(HashSet<string> stops, bool stopAtNewline = false)
    {
        var items = new List<ListItem>();
        while (true)
        {
            if (!stopAtNewline) SkipNewlines();
            var t = Lexer.Peek();
            if (!StartsCommand(t, stops)) break;
            var andOr = ParseAndOr();
            var sep = Lexer.Peek();
            if (sep.Kind == TokenKind.Amp) { Lexer.Next(); items.Add(new ListItem(andOr, true)); continue; }
            items.Add(new ListItem(andOr, false));
            if (sep.Kind == TokenKind.Semi || (sep.Kind == TokenKind.Newline && !stopAtNewline)) { Lexer.Next(); continue; }
            break;
        }
        return new CommandList(items);
    }

    private static bool StartsCommand(Token t, HashSet<string> stops) => t.Kind switch
    {
        TokenKind.Word => t.Word!.PlainText is not { } k || !(stops.Contains(k) || k is "then" or "do" or "done" or "fi" or "elif" or "else" or "esac" or "}" or "in"),
        TokenKind.Redirect or TokenKind.LParen => true,
        _ => false,
    };

    private void SkipNewlines()
    {
        while (Lexer.Peek().Kind == TokenKind.Newline) Lexer.Next();
    }

    private Command ParseAndOr()
    {
        var first = ParsePipeline();
        var rest = new List<(bool, Command)>();
        while (Lexer.Peek().Kind is TokenKind.AndIf or TokenKind.OrIf)
        {
            var isAnd = Lexer.Next().Kind == TokenKind.AndIf;
            SkipNewlines();
            rest.Add((isAnd, ParsePipeline()));
        }
        return rest.Count == 0 ? first : new AndOr(first, rest);
    }

    private Command ParsePipeline()
    {
        var negated = false;
        if (Lexer.Peek() is { Kind: TokenKind.Word, Word.PlainText: "!" }) { Lexer.Next(); negated = true; }
        var commands = new List<Command> { ParseCommand() };
        while (Lexer.Peek().Kind == TokenKind.Pipe)
        {
            Lexer.Next();
            SkipNewlines();
            commands.Add(ParseCommand());
        }
        return commands.Count == 1 && !negated ? commands[0] : new Pipeline(commands, negated);
    }

    private Command ParseCommand()
    {
        var t = Lexer.Peek();
        Command? compound = t.Kind == TokenKind.LParen ? ParseSubshell() : t.Word?.PlainText switch
        {
            "{" => ParseBraceGroup(),
            "if" => ParseIf(),
            "while" => ParseLoop(until: false),
            "until" => ParseLoop(until: true),
            "for" => ParseFor(),
            "case" => ParseCase(),
            _ => null,
        };
        if (compound is null) return ParseSimple();
        var redirections = new List<Redirection>();
        while (Lexer.Peek().Kind == TokenKind.Redirect) redirections.Add(ParseRedirection());
        return redirections.Count == 0 ? compound : new Redirected(compound, redirections);
    }

    private void Expect(string keyword)
    {
        var t = Lexer.Next();
        if (t.Kind != TokenKind.Word || t.Word!.PlainText != keyword) throw Unexpected(t, $"\"{keyword}\"");
    }

    /// <summary>A compound list that must hold at least one command (ash: "unexpected "then"" for <c>if then</c>).</summary>
    private CommandList ParseBody(params string[] stops)
    {
        var list = ParseList([.. stops]);
        if (list.Items.Count == 0) throw Unexpected(Lexer.Peek(), null);
        return list;
    }

    private Command ParseSubshell()
    {
        Lexer.Next();
        var body = ParseBody();
        var t = Lexer.Next();
        if (t.Kind != TokenKind.RParen) throw Unexpected(t, "\")\"");
        return new Subshell(body);
    }

    private Command ParseBraceGroup()
    {
        Lexer.Next();
        var body = ParseBody("}");
        Expect("}");
        return new BraceGroup(body);
    }

    private Command ParseIf()
    {
        Lexer.Next();
        var branches = new List<(CommandList, CommandList)>();
        CommandList? elseBody = null;
        while (true)
        {
            var condition = ParseBody("then");
            Expect("then");
            var body = ParseBody("elif", "else", "fi");
            branches.Add((condition, body));
            var t = Lexer.Next();
            var k = t.Kind == TokenKind.Word ? t.Word!.PlainText : null;
            if (k == "elif") continue;
            if (k == "else")
            {
                elseBody = ParseBody("fi");
                Expect("fi");
            }
            else if (k != "fi") throw Unexpected(t, "\"fi\"");
            return new IfCommand(branches, elseBody);
        }
    }

    private Command ParseLoop(bool until)
    {
        Lexer.Next();
        var condition = ParseBody("do");
        Expect("do");
        var body = ParseBody("done");
        Expect("done");
        return new LoopCommand(until, condition, body);
    }

    private Command ParseFor()
    {
        Lexer.Next();
        var nameToken = Lexer.Next();
        if (nameToken.Word?.PlainText is not { } name || !NameRegex().IsMatch(name)) throw Unexpected(nameToken, "word");
        List<Word>? items = null;
        SkipNewlines();
        if (Lexer.Peek() is { Kind: TokenKind.Word, Word.PlainText: "in" })
        {
            Lexer.Next();
            items = [];
            while (Lexer.Peek() is { Kind: TokenKind.Word } w && w.Word!.PlainText is not "do") items.Add(Lexer.Next().Word!);
            var sep = Lexer.Next();
            if (sep.Kind is not (TokenKind.Semi or TokenKind.Newline)) throw Unexpected(sep, "\"do\"");
        }
        else if (Lexer.Peek().Kind == TokenKind.Semi) Lexer.Next();
        SkipNewlines();
        Expect("do");
        var body = ParseBody("done");
        Expect("done");
        return new ForCommand(name, items, body);
    }

    private Command ParseCase()
    {
        Lexer.Next();
        var subject = Lexer.Next();
        if (subject.Kind != TokenKind.Word) throw Unexpected(subject, "word");
        SkipNewlines();
        Expect("in");
        var arms = new List<(IReadOnlyList<Word>, CommandList?)>();
        while (true)
        {
            SkipNewlines();
            var t = Lexer.Peek();
            if (t is { Kind: TokenKind.Word, Word.PlainText: "esac" }) { Lexer.Next(); break; }
            if (t.Kind == TokenKind.LParen) Lexer.Next();
            var patterns = new List<Word>();
            while (true)
            {
                var p = Lexer.Next();
                if (p.Kind != TokenKind.Word) throw Unexpected(p, "word");
                patterns.Add(p.Word!);
                var after = Lexer.Next();
                if (after.Kind == TokenKind.RParen) break;
                if (after.Kind != TokenKind.Pipe) throw Unexpected(after, "\")\"");
            }
            var body = ParseList(["esac"]);
            arms.Add((patterns, body.Items.Count == 0 ? null : body));
            SkipNewlines();
            var end = Lexer.Peek();
            if (end.Kind == TokenKind.DSemi) { Lexer.Next(); continue; }
            if (end is { Kind: TokenKind.Word, Word.PlainText: "esac" }) continue;
            throw Unexpected(Lexer.Next(), "\"esac\"");
        }
        return new CaseCommand(subject.Word!, arms);
    }

    private Command ParseSimple()
    {
        var line = Lexer.Peek().Line;
        var assignments = new List<Assignment>();
        var words = new List<Word>();
        var redirections = new List<Redirection>();
        while (true)
        {
            var t = Lexer.Peek();
            if (t.Kind == TokenKind.Redirect) { redirections.Add(ParseRedirection()); continue; }
            if (t.Kind != TokenKind.Word) break;
            Lexer.Next();
            if (words.Count == 0 && AsAssignment(t.Word!) is { } a) { assignments.Add(a); continue; }
            words.Add(t.Word!);
            // name() compound-command: a function definition.
            if (words.Count == 1 && assignments.Count == 0 && redirections.Count == 0 && Lexer.Peek().Kind == TokenKind.LParen
                && t.Word!.PlainText is { } fname && NameRegex().IsMatch(fname))
            {
                Lexer.Next();
                var close = Lexer.Next();
                if (close.Kind != TokenKind.RParen) throw Unexpected(close, "\")\"");
                SkipNewlines();
                return new FunctionDefinition(fname, ParseCommand());
            }
        }
        if (words.Count == 0 && assignments.Count == 0 && redirections.Count == 0) throw Unexpected(Lexer.Next(), null);
        return new SimpleCommand(assignments, words, redirections, line);
    }

    private Redirection ParseRedirection()
    {
        var op = Lexer.Next();
        var target = Lexer.Next();
        if (target.Kind != TokenKind.Word) throw Unexpected(target, null);
        return new Redirection(op.IoNumber, op.Text, target.Word!);
    }

    private static Assignment? AsAssignment(Word word)
    {
        if (word.Parts is not [LiteralPart { Quoted: false } first, ..]) return null;
        var m = AssignmentRegex().Match(first.Text);
        if (!m.Success) return null;
        var rest = first.Text[m.Length..];
        var parts = new List<WordPart>();
        if (rest.Length > 0) parts.Add(new LiteralPart(rest, false));
        parts.AddRange(word.Parts.Skip(1));
        return new Assignment(m.Groups[1].Value, new Word(parts));
    }

    private static ShellSyntaxException Unexpected(Token t, string? expecting) =>
        new($"unexpected {t.Describe(asKeyword: true)}{(expecting is null ? "" : $" (expecting {expecting})")}", t.Line,
            incomplete: t.Kind == TokenKind.Eof);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    internal static partial Regex NameRegex();

    [GeneratedRegex("^([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex AssignmentRegex();
}
