using System.Text;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Shell;

// Builtins about signals, jobs, input and running other code: trap, wait, kill, read, ., exec, command, type.
internal static partial class Builtins
{
    private static async Task<int> Trap(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        var s = sh.State;
        if (argv.Count == 1)
        {
            var sb = new StringBuilder();
            lock (s.Traps)
                foreach (var (signal, command) in s.Traps.OrderBy(t => t.Key, StringComparer.Ordinal))
                    sb.Append($"trap -- {Quote(command)} {signal}\n");
            await io.Out.WriteAsync(sb.ToString(), s.Kill);
            return 0;
        }
        // "trap SIG…" (first operand a signal number) and "trap - SIG…" reset; otherwise the first operand is the action.
        var reset = argv[1] == "-" || (argv.Count == 2) || int.TryParse(argv[1], out _);
        var action = reset ? null : argv[1];
        var status = 0;
        foreach (var spec in argv.Skip(reset && argv[1] != "-" ? 1 : 2))
        {
            if (SignalsOf(spec) is not { } signal)
            {
                await Error(sh, io, "trap", $"{spec}: bad trap");
                status = 1;
                continue;
            }
            lock (s.Traps)
            {
                if (action is null) s.Traps.Remove(signal);
                else s.Traps[signal] = action;
            }
        }
        return status;
    }

    private static string? SignalsOf(string spec) => ShellSignals.Normalize(spec);

    /// <summary>
    /// <c>wait [pid…]</c>: the status of the (last) job waited for. A trapped signal interrupts it with 128+signal,
    /// after which the trap runs (POSIX 2.11).
    /// </summary>
    private static async Task<int> Wait(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        var s = sh.State;
        var jobs = new List<Job>();
        var status = 0;
        if (argv.Count == 1) jobs.AddRange(s.Jobs.All);
        foreach (var arg in argv.Skip(1))
        {
            if (!int.TryParse(arg, out var pid)) { await Error(sh, io, "wait", $"Illegal number: {arg}"); return 2; }
            if (s.Jobs.Get(pid) is { } j) jobs.Add(j);
            else status = 127;
        }
        foreach (var job in jobs)
        {
            var interrupt = s.Signals?.InterruptToken ?? CancellationToken.None;
            if (s.Signals?.HasPending == true) return 128 + 15;
            try
            {
                await ((Task)job.Completion).WaitAsync(interrupt).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
            {
                return 128 + 15;
            }
            catch (OperationCanceledException)
            {
                s.Kill.ThrowIfCancellationRequested();
            }
            s.Kill.ThrowIfCancellationRequested();
            status = job.Completion.IsCompletedSuccessfully ? job.Completion.Result : 128 + 9;
            s.Jobs.Forget(job.Pid);
        }
        return argv.Count == 1 ? 0 : status;
    }

    private static async Task<int> Kill(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        var s = sh.State;
        var signal = 15;
        var args = argv.Skip(1).ToList();
        if (args is ["-l", ..])
        {
            await io.Out.WriteAsync(" 1) HUP\n 2) INT\n 3) QUIT\n 9) KILL\n10) USR1\n12) USR2\n13) PIPE\n14) ALRM\n15) TERM\n", s.Kill);
            return 0;
        }
        if (args.Count > 1 && args[0] is "-s" or "-n") { signal = ShellSignals.Number(ShellSignals.Normalize(args[1]) ?? ""); args.RemoveRange(0, 2); }
        else if (args.Count > 0 && args[0].StartsWith('-') && args[0].Length > 1)
        {
            var spec = args[0][1..];
            signal = spec == "0" ? 0 : ShellSignals.Number(ShellSignals.Normalize(spec) ?? "");
            args.RemoveAt(0);
        }
        if (signal < 0) { await Error(sh, io, "kill", $"bad signal name '{argv[1]}'"); return 1; }
        if (args.Count == 0) { await io.Err.WriteAsync("kill: usage: kill [-s SIG | -SIG] PID...\n", s.Kill); return 1; }
        var status = 0;
        foreach (var arg in args)
        {
            var job = int.TryParse(arg.TrimStart('%'), out var pid) ? s.Jobs.Get(pid) : null;
            var delivered = job is not null && !job.Completion.IsCompleted && (signal == 0 || job.Signal(signal));
            if (!delivered)
            {
                // Only the shell's own jobs are visible to the model; other PIDs do not exist here.
                await Error(sh, io, "kill", $"can't kill pid {arg}: No such process");
                status = 1;
            }
        }
        return status;
    }

    /// <summary><c>read [-r] [-p prompt] name…</c>: one line split on IFS; interrupted by a trapped signal.</summary>
    private static async Task<int> Read(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        var s = sh.State;
        var raw = false;
        var names = new List<string>();
        for (var i = 1; i < argv.Count; i++)
        {
            if (argv[i] == "-r") raw = true;
            else if (argv[i] == "-p" && i + 1 < argv.Count) await io.Err.WriteAsync(argv[++i], s.Kill);
            else if (argv[i].StartsWith('-')) { await Error(sh, io, "read", $"{argv[i]}: not implemented in the simulator's shell"); return 2; }
            else names.Add(argv[i]);
        }
        if (names.Count == 0) names.Add("REPLY");
        var interrupt = s.Signals?.InterruptToken ?? CancellationToken.None;
        string? line;
        var text = new StringBuilder();
        using var both = CancellationTokenSource.CreateLinkedTokenSource(s.Kill, interrupt);
        try
        {
            while (true)
            {
                line = await io.In.ReadLineAsync(both.Token);
                if (line is null) break;
                if (!raw && line.EndsWith('\\')) { text.Append(line[..^1]); continue; } // backslash-newline continues
                text.Append(line);
                break;
            }
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested && !s.Kill.IsCancellationRequested)
        {
            return 128 + 15;
        }
        var value = raw ? text.ToString() : Unbackslash(text.ToString());
        var ifs = s.Get("IFS") ?? " \t\n";
        var fields = SplitForRead(value, ifs, names.Count);
        for (var i = 0; i < names.Count; i++) s.Set(names[i], i < fields.Count ? fields[i] : "");
        return line is null ? 1 : 0;
    }

    private static string Unbackslash(string text)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length) i++;
            sb.Append(text[i]);
        }
        return sb.ToString();
    }

    private static List<string> SplitForRead(string value, string ifs, int count)
    {
        var whitespace = ifs.Where(c => c is ' ' or '\t' or '\n').ToArray();
        value = value.Trim(whitespace);
        var fields = new List<string>();
        var i = 0;
        while (i < value.Length && fields.Count < count - 1)
        {
            var start = i;
            while (i < value.Length && !ifs.Contains(value[i])) i++;
            fields.Add(value[start..i]);
            while (i < value.Length && whitespace.Contains(value[i])) i++;
            if (i < value.Length && ifs.Contains(value[i]) && !whitespace.Contains(value[i])) i++;
            while (i < value.Length && whitespace.Contains(value[i])) i++;
        }
        if (i < value.Length || fields.Count < count) fields.Add(value[i..].TrimEnd(whitespace));
        return fields;
    }

    private static async Task<int> Source(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        if (argv.Count < 2) return 0;
        var s = sh.State;
        string text;
        try { text = s.Process.Files.ReadAllText(ContainerFileSystem.Combine(s.WorkingDirectory, argv[1])); }
        catch (FileSystemException e)
        {
            await Error(sh, io, argv[0], $"can't open '{argv[1]}': {e.Error}");
            return 2;
        }
        return await sh.RunScriptTextAsync(text, io);
    }

    /// <summary><c>exec cmd …</c>: the command replaces the shell, so the shell ends with its status.</summary>
    private static async Task<int> Exec(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        if (argv.Count < 2) return 0;
        // execve(2): the program replaces the shell (same PID), so SIGTERM to the shell – PID 1 in a container – reaches it.
        var status = await sh.RunExternalAsync([.. argv.Skip(1)], [], io, replacesShell: true);
        throw new ShellExitException(status);
    }

    private static async Task<int> CommandBuiltin(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        if (argv.Count < 2) return 0;
        if (argv[1] is "-v" or "-V")
        {
            var status = 0;
            foreach (var name in argv.Skip(2))
            {
                var where = Where(sh, name);
                if (where is null) { status = 127; continue; }
                await io.Out.WriteAsync(where + "\n", sh.State.Kill);
            }
            return status;
        }
        var rest = argv.Skip(1).ToList();
        return Find(rest[0]) is { } builtin ? await builtin(sh, rest, io) : await sh.RunExternalAsync(rest, [], io);
    }

    private static async Task<int> Type(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        var status = 0;
        foreach (var name in argv.Skip(1))
        {
            string text;
            if (sh.State.Functions.ContainsKey(name)) text = $"{name} is a function";
            else if (IsBuiltin(name)) text = $"{name} is a shell builtin";
            else if (Where(sh, name) is { } path) text = $"{name} is {path}";
            else { text = $"{name}: not found"; status = 127; }
            await io.Out.WriteAsync(text + "\n", sh.State.Kill);
        }
        return status;
    }

    private static string? Where(Interpreter sh, string name) =>
        sh.State.Functions.ContainsKey(name) || IsBuiltin(name) ? name
        : sh.State.Process.Image.Lookup(name, sh.State.Get("PATH") ?? sh.State.Process.Image.Path)?.Path;
}
