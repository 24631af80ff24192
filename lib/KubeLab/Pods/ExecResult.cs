using System.Text;

namespace KubeLab;

/// <summary>
/// What a command run with <see cref="Lab.ExecAsync"/> printed and how it ended – as <c>kubectl exec POD -c C -- CMD</c> shows it
/// (kubectl prints "command terminated with exit code N" for a non-zero exit).
/// </summary>
public sealed record ExecResult(string Stdout, string Stderr, int ExitCode) : IHtmlDisplayable
{
    public string Pod { get; init; } = "";
    public string? Container { get; init; }
    public IReadOnlyList<string> Command { get; init; } = [];

    public bool Succeeded => ExitCode == 0;

    /// <summary>
    /// What the exit code usually means when the command did not run at all, else null. 126: found but not executable – also what the
    /// container runtime (runc via containerd) returns when the executable is not in the image ("executable file not found in $PATH");
    /// 127: a shell did not find the command. Either way the image lacks the program (nginx:1.27 has curl but no wget; busybox:1.36 has wget).
    /// </summary>
    public string? Hint => ExitCode switch
    {
        126 => $"exit code 126: the program \"{Command.FirstOrDefault()}\" could not be started in this container – usually it is not in the image (the runtime's message is in stderr/stdout).",
        127 => "exit code 127: the shell did not find the command – the image does not contain that program.",
        _ => null,
    };

    /// <summary>The kubectl command line that does the same, for the reader to try.</summary>
    public string CommandLine =>
        $"kubectl exec {Pod}{(Container is null ? "" : " -c " + Container)} -- {string.Join(' ', Command.Select(Quote))}";

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./:=,@%+".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";

    public override string ToString()
    {
        var sb = new StringBuilder().Append("$ ").AppendLine(CommandLine);
        if (Stdout.Length > 0) sb.Append(Stdout).Append(Stdout.EndsWith('\n') ? "" : "\n");
        if (Stderr.Length > 0) sb.Append(Stderr).Append(Stderr.EndsWith('\n') ? "" : "\n");
        sb.Append(ExitCode == 0 ? "(exit code 0)" : $"command terminated with exit code {ExitCode}");
        if (Hint is { } h) sb.Append("\nHint: ").Append(h);
        return sb.ToString();
    }

    public string ToHtml()
    {
        var sb = new StringBuilder("<div class=\"kubelab-exec\" style=\"font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px\">");
        sb.Append("<div style=\"font-weight:bold\">$ ").Append(Html.Escape(CommandLine)).Append("</div>");
        if (Stdout.Length > 0) sb.Append("<pre style=\"margin:2px 0\">").Append(Html.Escape(Stdout)).Append("</pre>");
        if (Stderr.Length > 0) sb.Append("<pre style=\"margin:2px 0;color:#b00\">").Append(Html.Escape(Stderr)).Append("</pre>");
        sb.Append(ExitCode == 0
            ? "<div style=\"color:#2a7\">exit code 0</div>"
            : $"<div style=\"color:#b00\">command terminated with exit code {ExitCode}</div>");
        if (Hint is { } h) sb.Append("<div>Hint: ").Append(Html.Escape(h)).Append("</div>");
        return sb.Append("</div>").ToString();
    }
}
