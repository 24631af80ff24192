namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>
/// Runs parsed commands in one shell process (<see cref="ShellState"/>): lists, and-or lists, compound commands.
/// Simple commands, pipelines and jobs are in the other parts of this class.
/// </summary>
internal sealed partial class Interpreter
{
    public Interpreter(ShellState state)
    {
        State = state;
        Expander = new Expander(this);
    }

    public ShellState State { get; }
    public Expander Expander { get; }

    public async Task<int> ExecuteAsync(Command command, ShellIo io)
    {
        State.Kill.ThrowIfCancellationRequested();
        var status = command switch
        {
            CommandList list => await RunListAsync(list, io),
            AndOr andOr => await RunAndOrAsync(andOr, io),
            Pipeline pipeline => await RunPipelineAsync(pipeline, io),
            SimpleCommand simple => await RunSimpleAsync(simple, io),
            Redirected r => await RunRedirectedAsync(r, io),
            BraceGroup g => await RunListAsync(g.Body, io),
            Subshell s => await RunInSubshellAsync(s.Body, io, State.Kill, () => 9),
            IfCommand i => await RunIfAsync(i, io),
            LoopCommand l => await RunLoopAsync(l, io),
            ForCommand f => await RunForAsync(f, io),
            CaseCommand c => await RunCaseAsync(c, io),
            FunctionDefinition d => Define(d),
            _ => throw new InvalidOperationException(command.GetType().Name),
        };
        State.LastStatus = status;
        return status;
    }

    public async Task<int> RunListAsync(CommandList list, ShellIo io)
    {
        var status = 0;
        foreach (var item in list.Items)
        {
            if (item.Background)
            {
                StartBackground(item.Command, io);
                status = 0;
            }
            else status = await ExecuteAsync(item.Command, io);
            State.LastStatus = status;
            State.Kill.ThrowIfCancellationRequested();
            await RunPendingTrapsAsync(io);
        }
        return status;
    }

    private async Task<int> RunAndOrAsync(AndOr andOr, ShellIo io)
    {
        var status = await ExecuteAsync(andOr.First, io);
        foreach (var (isAnd, next) in andOr.Rest)
            if (isAnd == (status == 0)) status = await ExecuteAsync(next, io);
        return status;
    }

    private async Task<int> RunRedirectedAsync(Redirected r, ShellIo io)
    {
        var redirected = await Redirections.ApplyAsync(this, r.Redirections, io);
        return redirected is null ? 1 : await ExecuteAsync(r.Inner, redirected);
    }

    private async Task<int> RunIfAsync(IfCommand command, ShellIo io)
    {
        foreach (var (condition, body) in command.Branches)
            if (await RunListAsync(condition, io) == 0) return await RunListAsync(body, io);
        return command.Else is null ? 0 : await RunListAsync(command.Else, io);
    }

    private async Task<int> RunLoopAsync(LoopCommand loop, ShellIo io)
    {
        var status = 0;
        while (true)
        {
            // A loop whose commands all complete synchronously must still let the rest of the cluster run.
            await Task.Yield();
            State.Kill.ThrowIfCancellationRequested();
            if ((await RunListAsync(loop.Condition, io) == 0) == loop.Until) break;
            try { status = await RunListAsync(loop.Body, io); }
            catch (LoopControlException c)
            {
                if (c.Levels > 1) throw new LoopControlException(c.IsBreak, c.Levels - 1);
                if (c.IsBreak) break;
            }
        }
        return status;
    }

    private async Task<int> RunForAsync(ForCommand loop, ShellIo io)
    {
        var items = loop.Items is null ? [.. State.Positional] : await Expander.FieldsAsync(loop.Items, io);
        var status = 0;
        foreach (var item in items)
        {
            await Task.Yield();
            State.Kill.ThrowIfCancellationRequested();
            State.Set(loop.Variable, item);
            try { status = await RunListAsync(loop.Body, io); }
            catch (LoopControlException c)
            {
                if (c.Levels > 1) throw new LoopControlException(c.IsBreak, c.Levels - 1);
                if (c.IsBreak) break;
            }
        }
        return status;
    }

    private async Task<int> RunCaseAsync(CaseCommand command, ShellIo io)
    {
        var subject = await Expander.StringAsync(command.Subject, io);
        foreach (var (patterns, body) in command.Arms)
            foreach (var pattern in patterns)
                if (Glob.Matches(await Expander.PatternAsync(pattern, io), subject))
                    return body is null ? 0 : await RunListAsync(body, io);
        return 0;
    }

    private int Define(FunctionDefinition definition)
    {
        State.Functions[definition.Name] = definition.Body;
        return 0;
    }

    /// <summary>Runs a trap's action for each signal that arrived (between commands, or after an interrupted wait).</summary>
    public async Task RunPendingTrapsAsync(ShellIo io)
    {
        if (State.Signals is not { } signals) return;
        while (signals.Take() is { } signal)
        {
            string? action;
            lock (State.Traps) action = State.Traps.GetValueOrDefault(signal);
            if (string.IsNullOrEmpty(action)) continue;
            await RunTrapActionAsync(action, io);
        }
    }

    /// <summary>A trap's action runs in the current shell; <c>$?</c> is what it was before (POSIX 2.14 trap).</summary>
    public async Task RunTrapActionAsync(string action, ShellIo io)
    {
        var saved = State.LastStatus;
        await RunScriptTextAsync(action, io);
        State.LastStatus = saved;
    }

    /// <summary>Parses and runs text in this shell (trap actions, <c>eval</c>, <c>.</c>); syntax errors are reported.</summary>
    public async Task<int> RunScriptTextAsync(string text, ShellIo io)
    {
        var parser = new Parser(new Lexer(text));
        var status = 0;
        while (true)
        {
            CommandList? list;
            try { list = parser.ParseNextLine(); }
            catch (ShellSyntaxException e)
            {
                await io.Err.WriteAsync(State.MessagePrefix() + e.Message + "\n", State.Kill);
                return 2;
            }
            if (list is null) return status;
            status = await RunListAsync(list, io);
        }
    }
}
