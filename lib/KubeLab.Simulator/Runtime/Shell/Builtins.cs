using System.Globalization;
using System.Text;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Runtime.Shell.Applets;

namespace KubeLab.Simulator.Runtime.Shell;

internal delegate Task<int> Builtin(Interpreter shell, IReadOnlyList<string> argv, ShellIo io);

/// <summary>
/// Commands the shell runs itself (ash's builtin table: they work even when the image has no such program). echo, printf,
/// test/[ are ash builtins too and share the applets' code.
/// </summary>
internal static partial class Builtins
{
    private static readonly Dictionary<string, Builtin> Table = new(StringComparer.Ordinal)
    {
        [":"] = (_, _, _) => Task.FromResult(0),
        ["true"] = (_, _, _) => Task.FromResult(0),
        ["false"] = (_, _, _) => Task.FromResult(1),
        ["echo"] = Applet(new EchoApplet()),
        ["printf"] = Applet(new PrintfApplet()),
        ["test"] = Applet(new TestApplet()),
        ["["] = Applet(new TestApplet()),
        ["cd"] = Cd,
        ["pwd"] = async (sh, _, io) => { await io.Out.WriteAsync(sh.State.WorkingDirectory + "\n", sh.State.Kill); return 0; },
        ["export"] = Export,
        ["local"] = Local,
        ["unset"] = Unset,
        ["exit"] = Exit,
        ["return"] = async (sh, argv, io) => throw new FunctionReturnException(argv.Count > 1 ? await Number(sh, argv, 1, io) ?? 2 : sh.State.LastStatus),
        ["break"] = (sh, argv, io) => LoopControl(sh, argv, io, isBreak: true),
        ["continue"] = (sh, argv, io) => LoopControl(sh, argv, io, isBreak: false),
        ["shift"] = Shift,
        ["set"] = Set,
        ["trap"] = Trap,
        ["wait"] = Wait,
        ["kill"] = Kill,
        ["read"] = Read,
        ["eval"] = (sh, argv, io) => sh.RunScriptTextAsync(string.Join(' ', argv.Skip(1)), io),
        ["."] = Source,
        ["source"] = Source,
        ["exec"] = Exec,
        ["command"] = CommandBuiltin,
        ["type"] = Type,
    };

    public static Builtin? Find(string name) => Table.GetValueOrDefault(name);

    public static bool IsBuiltin(string name) => Table.ContainsKey(name);

    private static Builtin Applet(Applet program) => (sh, argv, io) =>
        program.RunNamedAsync("sh", sh.State.ChildProcess(io, sh.State.EnvironmentFor([])), argv, sh.State.Kill);

    private static async Task Error(Interpreter sh, ShellIo io, string builtin, string message) =>
        await io.Err.WriteAsync(sh.State.MessagePrefix(builtin) + message + "\n", sh.State.Kill);

    /// <summary>argv[index] as a number, or null after ash's "Illegal number: x".</summary>
    private static async Task<int?> Number(Interpreter sh, IReadOnlyList<string> argv, int index, ShellIo io)
    {
        if (int.TryParse(argv[index], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        await Error(sh, io, argv[0], $"Illegal number: {argv[index]}");
        return null;
    }

    private static async Task<int> Cd(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        var s = sh.State;
        var arg = argv.Count > 1 ? argv[1] : s.Get("HOME") ?? "/";
        if (arg == "-") arg = s.Get("OLDPWD") ?? s.WorkingDirectory;
        var target = ContainerFileSystem.Normalize(ContainerFileSystem.Combine(s.WorkingDirectory, arg));
        string? error;
        try { error = s.Process.Files.Find(target) switch { DirectoryNode => null, null => FileSystemException.NoSuchFile, _ => FileSystemException.NotADirectory }; }
        catch (FileSystemException e) { error = e.Error; }
        if (error is not null)
        {
            // ash.c cdcmd: ash_msg_and_raise_perror("can't cd to %s", dest) – status 2.
            await Error(sh, io, "cd", $"can't cd to {arg}: {error}");
            return 2;
        }
        s.Set("OLDPWD", s.WorkingDirectory);
        s.WorkingDirectory = target;
        s.Set("PWD", target);
        if (argv.Count > 1 && argv[1] == "-") await io.Out.WriteAsync(target + "\n", s.Kill);
        return 0;
    }

    private static async Task<int> Export(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        var s = sh.State;
        var names = argv.Skip(1).Where(a => a != "-p").ToList();
        if (names.Count == 0)
        {
            var sb = new StringBuilder();
            foreach (var name in s.Exported.Order(StringComparer.Ordinal))
                sb.Append(s.Get(name) is { } v ? $"export {name}={Quote(v)}\n" : $"export {name}\n");
            await io.Out.WriteAsync(sb.ToString(), s.Kill);
            return 0;
        }
        foreach (var a in names)
        {
            var eq = a.IndexOf('=');
            var name = eq < 0 ? a : a[..eq];
            if (!Parser.NameRegex().IsMatch(name)) { await Error(sh, io, "export", $"{name}: bad variable name"); return 2; }
            if (eq >= 0) s.Set(name, a[(eq + 1)..], export: true);
            else s.Exported.Add(name);
        }
        return 0;
    }

    /// <summary><c>local x=1</c>: sets the variable (function scoping of locals is not modelled).</summary>
    private static Task<int> Local(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        foreach (var a in argv.Skip(1))
        {
            var eq = a.IndexOf('=');
            if (eq >= 0) sh.State.Set(a[..eq], a[(eq + 1)..]);
            else if (sh.State.Get(a) is null) sh.State.Set(a, "");
        }
        return Task.FromResult(0);
    }

    private static Task<int> Unset(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        foreach (var name in argv.Skip(1).Where(a => a is not ("-v" or "-f"))) sh.State.Unset(name);
        return Task.FromResult(0);
    }

    private static async Task<int> Exit(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        var status = sh.State.LastStatus;
        if (argv.Count > 1)
        {
            if (await Number(sh, argv, 1, io) is not { } n) return 2;
            status = n & 0xFF;
        }
        throw new ShellExitException(status);
    }

    private static async Task<int> LoopControl(Interpreter sh, IReadOnlyList<string> argv, ShellIo io, bool isBreak)
    {
        var levels = 1;
        if (argv.Count > 1)
        {
            if (await Number(sh, argv, 1, io) is not { } n || n < 1) return 2;
            levels = n;
        }
        throw new LoopControlException(isBreak, levels);
    }

    private static async Task<int> Shift(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        var n = 1;
        if (argv.Count > 1)
        {
            if (await Number(sh, argv, 1, io) is not { } parsed) return 2;
            n = parsed;
        }
        if (n > sh.State.Positional.Count) { await Error(sh, io, "shift", "can't shift that many"); return 2; }
        sh.State.Positional = [.. sh.State.Positional.Skip(n)];
        return 0;
    }

    private static async Task<int> Set(Interpreter sh, IReadOnlyList<string> argv, ShellIo io)
    {
        var s = sh.State;
        if (argv.Count == 1)
        {
            var sb = new StringBuilder();
            foreach (var (k, v) in s.Variables.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sb.Append($"{k}={Quote(v)}\n");
            await io.Out.WriteAsync(sb.ToString(), s.Kill);
            return 0;
        }
        if (argv[1] == "--") { s.Positional = [.. argv.Skip(2)]; return 0; }
        if (argv[1].StartsWith('-') || argv[1].StartsWith('+'))
        {
            await Error(sh, io, "set", $"{argv[1]}: not implemented in the simulator's shell");
            return 2;
        }
        s.Positional = [.. argv.Skip(1)];
        return 0;
    }

    /// <summary>Single-quotes a value as ash's <c>set</c>/<c>export -p</c>/<c>trap</c> listings do.</summary>
    internal static string Quote(string value) => "'" + value.Replace("'", "'\"'\"'") + "'";
}
