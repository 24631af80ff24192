namespace KubeLab.Cli;

/// <summary>A mistake or missing prerequisite on the user's side: printed as a message, never with a stack trace.</summary>
internal sealed class UserError(string message, int exitCode = 2) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
