namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>The three standard streams a command runs with (after its redirections).</summary>
internal sealed record ShellIo(LineInput In, IOutputStream Out, IOutputStream Err);

/// <summary>
/// One shell process's state: variables (and which are exported), positional parameters, functions, traps, working
/// directory, <c>$?</c>, background jobs. A subshell (<c>( … )</c>, a pipeline element, <c>$( … )</c>) is a copy.
/// </summary>
internal sealed class ShellState
{
    private static int nextPid = 100;

    public required ProcessContext Process { get; init; }
    public Dictionary<string, string> Variables { get; private init; } = new(StringComparer.Ordinal);
    public HashSet<string> Exported { get; private init; } = new(StringComparer.Ordinal);
    public Dictionary<string, Command> Functions { get; private init; } = new(StringComparer.Ordinal);
    /// <summary>Signal name (TERM, INT, EXIT…) → action; "" means ignored.</summary>
    public Dictionary<string, string> Traps { get; private init; } = new(StringComparer.Ordinal);
    public List<string> Positional { get; set; } = [];
    /// <summary>$0, and ash's "commandname" (prefix of messages: set for a script file or <c>sh -c cmd name</c>).</summary>
    public required string Arg0 { get; set; }
    public bool HasCommandName { get; set; }
    public bool Interactive { get; set; }
    public string WorkingDirectory { get; set; } = "/";
    public int LastStatus { get; set; }
    public int? LastBackgroundPid { get; set; }
    /// <summary>Status of the last <c>$( … )</c> of the command being expanded.</summary>
    public int? SubstitutionStatus { get; set; }
    public int Pid { get; init; }
    public int CurrentLine { get; set; } = 1;
    public JobTable Jobs { get; private init; } = new();
    /// <summary>SIGKILL for this shell and all it started (also cancelled when SIGTERM ends it).</summary>
    public required CancellationToken Kill { get; init; }
    /// <summary>Only the shell the runtime started handles signals; subshells reset traps (POSIX 2.11).</summary>
    public ShellSignals? Signals { get; init; }

    public static int NewPid() => Interlocked.Increment(ref nextPid);

    public string? Get(string name) => Variables.GetValueOrDefault(name);

    public void Set(string name, string value, bool export = false)
    {
        Variables[name] = value;
        if (export) Exported.Add(name);
    }

    public void Unset(string name)
    {
        Variables.Remove(name);
        Exported.Remove(name);
        Functions.Remove(name);
    }

    /// <summary>The environment a started program gets: exported variables plus <c>VAR=x cmd</c> prefixes.</summary>
    public Dictionary<string, string> EnvironmentFor(IEnumerable<KeyValuePair<string, string>> prefix)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Exported)
            if (Variables.TryGetValue(name, out var v)) env[name] = v;
        foreach (var (k, v) in prefix) env[k] = v;
        return env;
    }

    public ShellState Subshell(CancellationToken kill) => new()
    {
        Process = Process,
        Variables = new(Variables, StringComparer.Ordinal),
        Exported = new(Exported, StringComparer.Ordinal),
        Functions = new(Functions, StringComparer.Ordinal),
        Traps = Traps.Where(t => t.Value.Length == 0).ToDictionary(StringComparer.Ordinal), // ignored stay ignored
        Positional = [.. Positional],
        Arg0 = Arg0,
        HasCommandName = HasCommandName,
        Interactive = false,
        WorkingDirectory = WorkingDirectory,
        LastStatus = LastStatus,
        LastBackgroundPid = LastBackgroundPid,
        Pid = Pid, // $$ stays the parent shell's PID in a subshell
        CurrentLine = CurrentLine,
        Kill = kill,
    };

    /// <summary>
    /// A child process context: same container and network, these streams and environment, no signals of its own – unless
    /// <paramref name="replacesShell"/> (the <c>exec</c> builtin: execve keeps the PID, so the program gets the shell's SIGTERM).
    /// </summary>
    public ProcessContext ChildProcess(ShellIo io, Dictionary<string, string> environment, bool replacesShell = false) => new()
    {
        Files = Process.Files,
        Environment = environment,
        WorkingDirectory = WorkingDirectory,
        Stdin = io.In,
        Stdout = io.Out,
        Stderr = io.Err,
        Time = Process.Time,
        Sandbox = Process.Sandbox,
        Network = Process.Network,
        Image = Process.Image,
        ContainerName = Process.ContainerName,
        // The runtime signals the container's PID 1 only; children of the shell never see SIGTERM from the kubelet.
        Terminating = replacesShell ? Process.Terminating : CancellationToken.None,
    };

    /// <summary>ash's message prefix (shell/ash.c ash_vmsg): "sh: ", "sh: cd: line 1: ", "script: line 3: ".</summary>
    public string MessagePrefix(string? builtin = null)
    {
        var prefix = Arg0 + ": ";
        var commandName = builtin ?? (HasCommandName ? Arg0 : null);
        if (commandName is null) return prefix;
        if (commandName != Arg0) prefix += commandName + ": ";
        if (!Interactive) prefix += $"line {CurrentLine}: ";
        return prefix;
    }
}

/// <summary>Background jobs of one shell: <c>$!</c>, <c>wait</c>, <c>kill</c>.</summary>
internal sealed class JobTable
{
    private readonly object gate = new();
    private readonly Dictionary<int, Job> jobs = [];

    public Job Add(int pid, Task<int> completion, CancellationTokenSource cts, Func<int, bool> signal)
    {
        var job = new Job(pid, completion, cts, signal);
        lock (gate) jobs[pid] = job;
        return job;
    }

    public Job? Get(int pid) { lock (gate) return jobs.GetValueOrDefault(pid); }

    public IReadOnlyList<Job> All { get { lock (gate) return [.. jobs.Values]; } }

    public void Forget(int pid) { lock (gate) jobs.Remove(pid); }

    /// <summary>Ends every job (the container's PID 1 exited: the kernel kills the rest of the PID namespace).</summary>
    public void KillAll()
    {
        foreach (var j in All) j.Signal(9);
    }
}

/// <param name="Signal">Delivers a signal number; false if the process already ended.</param>
internal sealed record Job(int Pid, Task<int> Completion, CancellationTokenSource Cancellation, Func<int, bool> Signal);
