namespace KubeLab.Simulator.Runtime.Shell;

// The syntax tree of the shell language subset (POSIX "Shell Command Language", XCU 2.9/2.10), as the parser builds it.

/// <summary>Any command: simple, pipeline, and-or list, compound.</summary>
internal abstract record Command;

/// <summary>Commands separated by ';', '&amp;' or newlines; <see cref="ListItem.Background"/> marks '&amp;'.</summary>
internal sealed record CommandList(IReadOnlyList<ListItem> Items) : Command;

internal sealed record ListItem(Command Command, bool Background);

/// <summary><c>a &amp;&amp; b || c</c>: left-associative, each operator decides on the previous status.</summary>
internal sealed record AndOr(Command First, IReadOnlyList<(bool IsAnd, Command Next)> Rest) : Command;

internal sealed record Pipeline(IReadOnlyList<Command> Commands, bool Negated) : Command;

internal sealed record SimpleCommand(
    IReadOnlyList<Assignment> Assignments, IReadOnlyList<Word> Words, IReadOnlyList<Redirection> Redirections, int Line) : Command;

internal sealed record Assignment(string Name, Word Value);

/// <summary><c>[fd]op target</c>; op is one of &lt; &gt; &gt;&gt; &gt;| &lt;&gt; &gt;&amp; &lt;&amp;.</summary>
internal sealed record Redirection(int? Fd, string Op, Word Target)
{
    public int TargetFd => Fd ?? (Op.StartsWith('<') ? 0 : 1);
}

/// <summary>A compound command with redirections after it (<c>while …; done &lt; file</c>).</summary>
internal sealed record Redirected(Command Inner, IReadOnlyList<Redirection> Redirections) : Command;

internal sealed record BraceGroup(CommandList Body) : Command;

internal sealed record Subshell(CommandList Body) : Command;

internal sealed record IfCommand(IReadOnlyList<(CommandList Condition, CommandList Body)> Branches, CommandList? Else) : Command;

internal sealed record LoopCommand(bool Until, CommandList Condition, CommandList Body) : Command;

/// <summary><c>for name [in words]; do …; done</c>; without <c>in</c> it loops over "$@".</summary>
internal sealed record ForCommand(string Variable, IReadOnlyList<Word>? Items, CommandList Body) : Command;

internal sealed record CaseCommand(Word Subject, IReadOnlyList<(IReadOnlyList<Word> Patterns, CommandList? Body)> Arms) : Command;

internal sealed record FunctionDefinition(string Name, Command Body) : Command;

/// <summary>A word before expansion: literal, quoted and expandable parts in order.</summary>
internal sealed record Word(IReadOnlyList<WordPart> Parts)
{
    /// <summary>The text when the word is one unquoted literal (keywords, assignment names, function names).</summary>
    public string? PlainText => Parts is [LiteralPart { Quoted: false } l] ? l.Text : null;

    public static Word Literal(string text) => new([new LiteralPart(text, false)]);
}

internal abstract record WordPart(bool Quoted);

internal sealed record LiteralPart(string Text, bool Quoted) : WordPart(Quoted);

/// <summary><c>$name</c>, <c>${name}</c>, <c>${name:-word}</c>, <c>${#name}</c>… <see cref="Op"/> is null for a plain reference.</summary>
internal sealed record ParameterPart(string Name, string? Op, Word? Argument, bool Quoted) : WordPart(Quoted);

/// <summary><c>$( … )</c> or backquotes.</summary>
internal sealed record CommandSubstitutionPart(CommandList Body, bool Quoted) : WordPart(Quoted);

/// <summary><c>$(( … ))</c>: the expression text, expanded and evaluated when the word is.</summary>
internal sealed record ArithmeticPart(Word Expression, bool Quoted) : WordPart(Quoted);
