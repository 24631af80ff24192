using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>
/// busybox ash as far as the simulator models it (see README.md in this folder): <c>sh -c 'script' [$0 [args…]]</c>,
/// <c>sh script-file [args…]</c>, or commands read from stdin line by line (interactive, with a <c>/ # </c> prompt and
/// line editing when the session has a terminal, i.e. TERM is set).
/// Signals: the kubelet's SIGTERM (<see cref="ProcessContext.Terminating"/>) runs a <c>trap … TERM</c>; without a trap it
/// ends the shell with 143 – unless the shell is the container's PID 1 (<see cref="ProcessContext.IsContainerInit"/>), which
/// the kernel does not let a default-action signal kill, so the container lives until SIGKILL (137).
/// </summary>
public sealed class ShellProgram : IContainerProgram
{
    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        using var shellKill = CancellationTokenSource.CreateLinkedTokenSource(kill);
        var state = new ShellState
        {
            Process = process,
            Arg0 = argv.Count > 0 ? argv[0] : "sh",
            Kill = shellKill.Token,
            Signals = new ShellSignals(),
            Pid = process.IsContainerInit ? 1 : ShellState.NewPid(),
            WorkingDirectory = process.WorkingDirectory,
        };
        foreach (var (k, v) in process.Environment) state.Set(k, v, export: true);
        state.Variables.TryAdd("PATH", process.Image.Path);
        state.Set("PWD", process.WorkingDirectory, export: state.Exported.Contains("PWD"));
        var io = new ShellIo(LineInput.Of(process.Stdin), process.Stdout, process.Stderr);
        var shell = new Interpreter(state);

        var terminatedBy = 0;
        using var onTerm = process.Terminating.Register(() =>
        {
            string? action;
            lock (state.Traps) action = state.Traps.GetValueOrDefault("TERM");
            if (action is not null)
            {
                if (action.Length > 0) state.Signals.Raise("TERM");
                return; // trap '' TERM: ignored
            }
            if (process.IsContainerInit) return; // PID 1: the default action does not apply (pid_namespaces(7))
            terminatedBy = 15;
            shellKill.Cancel();
        });

        try
        {
            var status = await RunModeAsync(shell, argv, io);
            shellKill.Token.ThrowIfCancellationRequested();
            return await ExitAsync(shell, io, status);
        }
        catch (ShellExitException e)
        {
            return await ExitAsync(shell, io, e.Status);
        }
        catch (OperationCanceledException) when (shellKill.IsCancellationRequested)
        {
            return terminatedBy == 15 && !kill.IsCancellationRequested ? 128 + 15 : 128 + 9;
        }
        finally
        {
            // When the shell ends, its background jobs end with it (the container's processes stop with PID 1).
            state.Jobs.KillAll();
        }
    }

    private static async Task<int> ExitAsync(Interpreter shell, ShellIo io, int status)
    {
        string? exitTrap;
        lock (shell.State.Traps) exitTrap = shell.State.Traps.GetValueOrDefault("EXIT");
        if (string.IsNullOrEmpty(exitTrap)) return status;
        lock (shell.State.Traps) shell.State.Traps.Remove("EXIT");
        shell.State.LastStatus = status;
        try { await shell.RunTrapActionAsync(exitTrap, io); }
        catch (ShellExitException e) { return e.Status; }
        return status;
    }

    private static async Task<int> RunModeAsync(Interpreter shell, IReadOnlyList<string> argv, ShellIo io)
    {
        var s = shell.State;
        var i = 1;
        string? script = null;
        var stdinMode = false;
        for (; i < argv.Count && argv[i].StartsWith('-') && argv[i].Length > 1; i++)
        {
            var flag = argv[i];
            if (flag == "--") { i++; break; }
            if (flag == "-c") { script = ""; i++; break; }
            if (flag == "-s") { stdinMode = true; continue; }
            if (flag is "-i" or "-l" or "-e" or "-x") continue;
            await io.Err.WriteAsync($"{s.Arg0}: {flag}: not implemented in the simulator's shell\n", s.Kill);
            return 2;
        }
        if (script is not null)
        {
            // sh -c 'cmds' [name [args…]]: name becomes $0 and the prefix of messages (ash.c procargs).
            if (i >= argv.Count)
            {
                await io.Err.WriteAsync($"{s.Arg0}: -c requires an argument\n", s.Kill);
                return 2;
            }
            script = argv[i++];
            if (i < argv.Count) { s.Arg0 = argv[i++]; s.HasCommandName = true; }
            s.Positional = [.. argv.Skip(i)];
            return await RunScriptAsync(shell, script, io);
        }
        if (!stdinMode && i < argv.Count)
        {
            var path = argv[i++];
            s.Positional = [.. argv.Skip(i)];
            string text;
            try { text = s.Process.Files.ReadAllText(ContainerFileSystem.Combine(s.WorkingDirectory, path)); }
            catch (FileSystemException e)
            {
                // ash.c setinputfile: "can't open '%s'" with strerror, exit status 127.
                await io.Err.WriteAsync($"{s.Arg0}: can't open '{path}': {e.Error}\n", s.Kill);
                return 127;
            }
            s.Arg0 = path;
            s.HasCommandName = true;
            return await RunScriptAsync(shell, text, io);
        }
        s.Positional = [.. argv.Skip(i)];
        return await new InteractiveSession(shell, io).RunAsync();
    }

    /// <summary>Runs a script line by line; a syntax error stops it with status 2 after what came before has run.</summary>
    internal static async Task<int> RunScriptAsync(Interpreter shell, string script, ShellIo io)
    {
        var s = shell.State;
        var parser = new Parser(new Lexer(script));
        while (true)
        {
            CommandList? list;
            try { list = parser.ParseNextLine(); }
            catch (ShellSyntaxException e)
            {
                s.CurrentLine = e.Line;
                await io.Err.WriteAsync(s.MessagePrefix() + e.Message + "\n", s.Kill);
                return 2;
            }
            if (list is null) return s.LastStatus;
            try { await shell.RunListAsync(list, io); }
            catch (ShellFatalException e)
            {
                await io.Err.WriteAsync(s.MessagePrefix() + e.Message + "\n", s.Kill);
                return 2;
            }
            catch (LoopControlException) { }
            catch (FunctionReturnException r) { s.LastStatus = r.Status; }
        }
    }
}
