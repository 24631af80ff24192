namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>
/// A parse error with busybox ash's wording (shell/ash.c raise_error_syntax: "syntax error: unexpected "fi"",
/// "syntax error: unexpected end of file (expecting "done")", "syntax error: unterminated quoted string").
/// <see cref="Incomplete"/>: the input ended too early, so an interactive shell reads another line (PS2) instead.
/// </summary>
internal sealed class ShellSyntaxException(string detail, int line, bool incomplete = false) : Exception("syntax error: " + detail)
{
    public int Line { get; } = line;
    public bool Incomplete { get; } = incomplete;
}
