using System.Text;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Shell.Applets;

/// <summary>
/// A busybox applet: one program of the multi-call binary. Messages are prefixed with the applet name as busybox's
/// bb_error_msg does ("cat: can't open 'x': No such file or directory"). Killed (SIGKILL), it reports 137.
/// </summary>
public abstract class Applet : IContainerProgram
{
    public abstract string Name { get; }

    public Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill) =>
        RunNamedAsync(Name, process, argv, kill);

    /// <summary>Runs with another message prefix: as an ash builtin (echo, printf, test) busybox's applet name is "sh".</summary>
    internal async Task<int> RunNamedAsync(string name, ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        try { return await RunAsync(new AppletCall(name, process, argv, kill)); }
        catch (OperationCanceledException) when (kill.IsCancellationRequested) { return 128 + 9; }
    }

    internal abstract Task<int> RunAsync(AppletCall call);
}

/// <summary>One run of an applet: its process, arguments and helpers for output and paths.</summary>
internal sealed class AppletCall(string name, ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
{
    public string Name { get; } = name;
    public ProcessContext Process { get; } = process;
    public IReadOnlyList<string> Argv { get; } = argv;
    public IReadOnlyList<string> Args { get; } = argv.Skip(1).ToList();
    public CancellationToken Kill { get; } = kill;
    public ContainerFileSystem Files => Process.Files;

    public Task Out(string text) => Process.Stdout.WriteAsync(text, Kill).AsTask();

    /// <summary>"name: message" on stderr.</summary>
    public Task Error(string message) => Process.Stderr.WriteAsync($"{Name}: {message}\n", Kill).AsTask();

    public string PathOf(string path) => ContainerFileSystem.Combine(Process.WorkingDirectory, path);

    public async Task<string> ReadStdinAsync()
    {
        var sb = new StringBuilder();
        while (await Process.Stdin.ReadAsync(Kill) is { } chunk) sb.Append(chunk);
        return sb.ToString();
    }

    /// <summary>Lines of stdin as they arrive (each with its "\n" if it had one), for filters in a pipeline.</summary>
    public async IAsyncEnumerable<string> StdinLinesAsync()
    {
        var buffer = new StringBuilder();
        while (await Process.Stdin.ReadAsync(Kill) is { } chunk)
        {
            buffer.Append(chunk);
            var text = buffer.ToString();
            var start = 0;
            for (var nl = text.IndexOf('\n'); nl >= 0; nl = text.IndexOf('\n', start))
            {
                yield return text[start..(nl + 1)];
                start = nl + 1;
            }
            buffer.Remove(0, start);
        }
        if (buffer.Length > 0) yield return buffer.ToString();
    }

    /// <summary>Splits text into lines that keep their "\n".</summary>
    public static List<string> Lines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var nl = text.IndexOf('\n'); nl >= 0; nl = text.IndexOf('\n', start))
        {
            lines.Add(text[start..(nl + 1)]);
            start = nl + 1;
        }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }

    /// <summary>A file's text, or "-" for stdin; null after busybox's "can't open 'x': reason".</summary>
    public async Task<string?> ReadInputAsync(string operand)
    {
        if (operand == "-") return await ReadStdinAsync();
        try { return Files.ReadAllText(PathOf(operand)); }
        catch (FileSystemException e)
        {
            await Error(e.Error == FileSystemException.IsADirectory ? $"read error: {e.Error}" : $"can't open '{operand}': {e.Error}");
            return null;
        }
    }

    /// <summary>getopt-style parsing: clustered flags (<c>-la</c>), values (<c>-n 5</c>, <c>-n5</c>), <c>--</c>.</summary>
    public async Task<Options?> ParseAsync(string flags, string valued = "", IReadOnlyList<string>? args = null)
    {
        var options = new Options();
        var list = args ?? Args;
        var i = 0;
        for (; i < list.Count; i++)
        {
            var a = list[i];
            if (a == "--") { i++; break; }
            if (a.Length < 2 || a[0] != '-') break;
            for (var j = 1; j < a.Length; j++)
            {
                var c = a[j];
                if (valued.Contains(c))
                {
                    string? value = j + 1 < a.Length ? a[(j + 1)..] : i + 1 < list.Count ? list[++i] : null;
                    if (value is null) { await Error($"option requires an argument -- '{c}'"); return null; }
                    options.Values[c] = value;
                    break;
                }
                if (!flags.Contains(c)) { await Error($"invalid option -- '{c}'"); return null; }
                options.Flags.Add(c);
            }
        }
        options.Operands.AddRange(list.Skip(i));
        return options;
    }
}

internal sealed class Options
{
    public HashSet<char> Flags { get; } = [];
    public Dictionary<char, string> Values { get; } = [];
    public List<string> Operands { get; } = [];
    public bool Has(char c) => Flags.Contains(c);
}
