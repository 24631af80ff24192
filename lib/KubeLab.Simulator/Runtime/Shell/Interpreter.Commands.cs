namespace KubeLab.Simulator.Runtime.Shell;

// Simple commands: expansion, assignments, redirections, then a function, a builtin, or a program of the image.
internal sealed partial class Interpreter
{
    private async Task<int> RunSimpleAsync(SimpleCommand command, ShellIo io)
    {
        State.CurrentLine = command.Line;
        State.SubstitutionStatus = null;
        var argv = await Expander.FieldsAsync(command.Words, io);
        var assignments = new List<KeyValuePair<string, string>>();
        foreach (var a in command.Assignments) assignments.Add(new(a.Name, await Expander.StringAsync(a.Value, io)));
        // An assignment-only command's status is that of its last command substitution, else 0 (XCU 2.9.1).
        var substitutionStatus = State.SubstitutionStatus ?? 0;

        var redirected = await Redirections.ApplyAsync(this, command.Redirections, io);
        if (redirected is null) return 1;

        if (argv.Count == 0)
        {
            foreach (var (name, value) in assignments) State.Set(name, value);
            return substitutionStatus;
        }

        var name0 = argv[0];
        if (State.Functions.TryGetValue(name0, out var body)) return await CallFunctionAsync(body, argv, assignments, redirected);
        if (Builtins.Find(name0) is { } builtin)
        {
            // VAR=x builtin: the assignment holds only while the builtin runs (IFS= read -r line).
            var saved = assignments.Select(a => (a.Key, Old: State.Get(a.Key))).ToList();
            foreach (var (name, value) in assignments) State.Variables[name] = value;
            try { return await builtin(this, argv, redirected); }
            finally
            {
                foreach (var (name, old) in saved)
                    if (old is null) State.Variables.Remove(name); else State.Variables[name] = old;
            }
        }
        return await RunExternalAsync(argv, assignments, redirected);
    }

    /// <summary>
    /// Finds argv[0] in the image (PATH search) and runs it as a child process; 127 and ash's text if absent. With
    /// <paramref name="replacesShell"/> (exec) the program takes the shell's place and receives the signals sent to it.
    /// </summary>
    public async Task<int> RunExternalAsync(IReadOnlyList<string> argv, IEnumerable<KeyValuePair<string, string>> prefix, ShellIo io, bool replacesShell = false)
    {
        var path = State.Get("PATH") ?? State.Process.Image.Path;
        var found = State.Process.Image.Lookup(argv[0], path);
        if (found is null)
        {
            // ash.c shellexec: "%s: %s", prog, errmsg(e, "not found"); exit status 127 for ENOENT.
            await io.Err.WriteAsync($"{State.MessagePrefix()}{argv[0]}: not found\n", State.Kill);
            return 127;
        }
        var child = State.ChildProcess(io, State.EnvironmentFor(prefix), replacesShell);
        return await found.Value.Program.RunAsync(child, argv, State.Kill);
    }

    private async Task<int> CallFunctionAsync(Command body, IReadOnlyList<string> argv, List<KeyValuePair<string, string>> assignments, ShellIo io)
    {
        foreach (var (name, value) in assignments) State.Set(name, value);
        var savedPositional = State.Positional;
        State.Positional = [.. argv.Skip(1)];
        try { return await ExecuteAsync(body, io); }
        catch (FunctionReturnException r) { return r.Status; }
        finally { State.Positional = savedPositional; }
    }
}
