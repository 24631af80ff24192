using System.Text;

namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>
/// <c>sh</c> reading commands from stdin (<c>kubectl exec -i[t] pod -- sh</c>). With a terminal (TERM set) it behaves like
/// ash's line editing: prompt <c>/ # </c> (busybox PS1 "\w \$ " for root), echo of typed characters, backspace, Ctrl-C
/// discards the line, Ctrl-D on an empty line exits; a command left incomplete continues after a <c>&gt; </c> prompt.
/// </summary>
internal sealed class InteractiveSession(Interpreter shell, ShellIo io)
{
    private ShellState State => shell.State;
    private bool Tty => State.Get("TERM") is { Length: > 0 };

    public async Task<int> RunAsync()
    {
        State.Interactive = Tty;
        var pending = new StringBuilder();
        while (true)
        {
            if (Tty) await io.Out.WriteAsync(pending.Length == 0 ? Prompt() : "> ", State.Kill);
            var line = Tty ? await EditLineAsync() : await io.In.ReadLineAsync(State.Kill);
            if (line is null)
            {
                if (Tty) await io.Out.WriteAsync("\n", State.Kill);
                return State.LastStatus;
            }
            if (line == "\u0003") { pending.Clear(); continue; } // Ctrl-C
            pending.Append(line).Append('\n');
            CommandList program;
            try { program = Parser.Parse(pending.ToString()); }
            catch (ShellSyntaxException e) when (e.Incomplete) { continue; }
            catch (ShellSyntaxException e)
            {
                pending.Clear();
                await io.Err.WriteAsync(State.MessagePrefix() + e.Message + "\n", State.Kill);
                State.LastStatus = 2;
                continue;
            }
            pending.Clear();
            try { await shell.RunListAsync(program, io); }
            catch (ShellFatalException e)
            {
                await io.Err.WriteAsync(State.MessagePrefix() + e.Message + "\n", State.Kill);
                State.LastStatus = 2;
                if (!Tty) return 2;
            }
            catch (LoopControlException) { }
            catch (FunctionReturnException r) { State.LastStatus = r.Status; }
        }
    }

    private string Prompt()
    {
        var dir = State.WorkingDirectory;
        if (State.Get("HOME") is { Length: > 1 } home && (dir == home || dir.StartsWith(home + "/", StringComparison.Ordinal)))
            dir = "~" + dir[home.Length..];
        return $"{dir} # ";
    }

    /// <summary>One edited line from a terminal in raw mode; null at Ctrl-D on an empty line or end of input.</summary>
    private async Task<string?> EditLineAsync()
    {
        var line = new StringBuilder();
        while (true)
        {
            var chunk = await io.In.ReadAsync(State.Kill);
            if (chunk is null) return line.Length > 0 ? line.ToString() : null;
            for (var i = 0; i < chunk.Length; i++)
            {
                var c = chunk[i];
                switch (c)
                {
                    case '\r' or '\n':
                        if (c == '\r' && i + 1 < chunk.Length && chunk[i + 1] == '\n') i++;
                        if (i + 1 < chunk.Length) io.In.Unread(chunk[(i + 1)..]);
                        await io.Out.WriteAsync("\n", State.Kill);
                        return line.ToString();
                    case '\u0003':
                        await io.Out.WriteAsync("^C\n", State.Kill);
                        if (i + 1 < chunk.Length) io.In.Unread(chunk[(i + 1)..]);
                        return "\u0003";
                    case '\u0004':
                        if (line.Length == 0) return null;
                        break;
                    case '\u007f' or '\b':
                        if (line.Length > 0)
                        {
                            line.Length--;
                            await io.Out.WriteAsync("\b \b", State.Kill);
                        }
                        break;
                    default:
                        if (char.IsControl(c)) break;
                        line.Append(c);
                        await io.Out.WriteAsync(c.ToString(), State.Kill);
                        break;
                }
            }
        }
    }
}
