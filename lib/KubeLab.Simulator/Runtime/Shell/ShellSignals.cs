namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>
/// Signals delivered to the shell that have a trap: they are queued and their trap runs when the current foreground
/// command has finished (ash runs traps between commands), except that <c>wait</c> and <c>read</c> are interrupted at once
/// – which is why <c>trap 'exit 0' TERM; sleep 3600 &amp; wait</c> exits promptly and <c>trap … TERM; sleep 3600</c> does not.
/// </summary>
internal sealed class ShellSignals
{
    private readonly object gate = new();
    private readonly Queue<string> pending = new();
    private CancellationTokenSource interrupt = new();

    /// <summary>Cancelled when a trapped signal arrives (taken at the start of an interruptible wait).</summary>
    public CancellationToken InterruptToken { get { lock (gate) return interrupt.Token; } }

    public bool HasPending { get { lock (gate) return pending.Count > 0; } }

    public void Raise(string signal)
    {
        CancellationTokenSource old;
        lock (gate)
        {
            pending.Enqueue(signal);
            old = interrupt;
            interrupt = new CancellationTokenSource();
        }
        old.Cancel();
    }

    public string? Take()
    {
        lock (gate) return pending.Count > 0 ? pending.Dequeue() : null;
    }

    public static int Number(string name) => name switch
    {
        "HUP" => 1, "INT" => 2, "QUIT" => 3, "KILL" => 9, "USR1" => 10, "USR2" => 12, "PIPE" => 13, "ALRM" => 14, "TERM" => 15,
        "CHLD" => 17, "CONT" => 18, "STOP" => 19,
        _ => -1,
    };

    /// <summary>"TERM", "SIGTERM", "15" → "TERM"; "EXIT"/"0" → "EXIT"; null if unknown.</summary>
    public static string? Normalize(string spec)
    {
        var s = spec.ToUpperInvariant();
        if (s.StartsWith("SIG", StringComparison.Ordinal)) s = s[3..];
        if (s is "EXIT" or "0") return "EXIT";
        if (int.TryParse(s, out var n)) return Names.FirstOrDefault(x => Number(x) == n);
        return Number(s) > 0 ? s : null;
    }

    private static readonly string[] Names = ["HUP", "INT", "QUIT", "KILL", "USR1", "USR2", "PIPE", "ALRM", "TERM", "CHLD", "CONT", "STOP"];
}

/// <summary><c>exit N</c> (or the end of a subshell): unwinds to the shell's top level.</summary>
internal sealed class ShellExitException(int status) : Exception($"exit {status}")
{
    public int Status { get; } = status;
}

/// <summary><c>break N</c> / <c>continue N</c>.</summary>
internal sealed class LoopControlException(bool isBreak, int levels) : Exception(isBreak ? "break" : "continue")
{
    public bool IsBreak { get; } = isBreak;
    public int Levels { get; } = levels;
}

/// <summary><c>return N</c> from a function.</summary>
internal sealed class FunctionReturnException(int status) : Exception("return")
{
    public int Status { get; } = status;
}

/// <summary>
/// An error ash treats as fatal in a non-interactive shell (bad substitution, arithmetic error, <c>${x:?}</c>): the message
/// is printed and the shell exits with status 2; an interactive shell returns to its prompt.
/// </summary>
internal sealed class ShellFatalException(string message) : Exception(message);
