using System.Globalization;
using System.Text;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Shell.Applets;

/// <summary>
/// busybox tail (coreutils/tail.c): the last N lines (<c>-n N</c>, <c>-n +N</c> from line N); <c>-f</c> then keeps
/// printing what is appended until killed (a truncated file is read again from its start); <c>-F</c> also retries a file
/// that does not exist yet, after the usual "can't open" warning, checking once a second as tail.c does, and follows a
/// file replaced under the same name.
/// </summary>
public sealed class TailApplet : Applet
{
    public override string Name => "tail";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        var args = call.Args.Select(a => a.Length > 1 && a[0] == '-' && a.Skip(1).All(char.IsAsciiDigit) ? "-n" + a[1..] : a).ToList();
        if (await call.ParseAsync("fFqv", "ncs", args) is not { } o) return 1;
        var count = 10;
        var fromTop = false;
        if (o.Values.TryGetValue('n', out var n))
        {
            fromTop = n.StartsWith('+');
            if (!int.TryParse(n.TrimStart('+', '-'), NumberStyles.None, CultureInfo.InvariantCulture, out count))
            {
                await call.Error($"invalid number '{n}'");
                return 1;
            }
        }
        var follow = o.Has('f') || o.Has('F');
        var retry = o.Has('F');
        var operands = o.Operands.Count == 0 ? ["-"] : o.Operands;
        var status = 0;
        var followers = new List<Task>();
        for (var i = 0; i < operands.Count; i++)
        {
            var operand = operands[i];
            if (operands.Count > 1) await call.Out($"{(i > 0 ? "\n" : "")}==> {(operand == "-" ? "standard input" : operand)} <==\n");
            if (operand == "-")
            {
                var lines = new List<string>();
                await foreach (var line in call.StdinLinesAsync()) lines.Add(line);
                await call.Out(Select(lines, count, fromTop));
                continue;
            }
            var path = call.PathOf(operand);
            var file = Open(call, path);
            if (file is null)
            {
                await call.Error($"can't open '{operand}': No such file or directory");
                if (!retry) { status = 1; continue; }
            }
            long offset = 0;
            if (file is not null)
            {
                var content = file.Read();
                offset = content.LongLength;
                await call.Out(Select(AppletCall.Lines(Encoding.UTF8.GetString(content)), count, fromTop));
            }
            if (follow) followers.Add(FollowAsync(call, path, file, offset, retry));
        }
        if (followers.Count > 0) await Task.WhenAll(followers);
        return status;
    }

    private static string Select(List<string> lines, int count, bool fromTop) =>
        string.Concat(fromTop ? lines.Skip(Math.Max(0, count - 1)) : lines.TakeLast(count));

    private static RegularFile? Open(AppletCall call, string path)
    {
        try { return call.Files.Find(path) as RegularFile; }
        catch (FileSystemException) { return null; }
    }

    /// <summary>Prints what is appended to the file, until the process is killed.</summary>
    private static async Task FollowAsync(AppletCall call, string path, RegularFile? file, long offset, bool retry)
    {
        var time = call.Process.Time;
        while (true)
        {
            call.Kill.ThrowIfCancellationRequested();
            if (retry && Open(call, path) is { } current && !ReferenceEquals(current, file))
            {
                // -F: the name now refers to another file (created, or replaced): follow that one from its start.
                file = current;
                offset = 0;
            }
            if (file is null)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, call.Kill);
                continue;
            }
            var changed = file.Changed;
            var content = file.Read();
            if (content.LongLength < offset) offset = 0; // truncated: tail.c seeks back to the start
            if (content.LongLength > offset)
            {
                await call.Out(Encoding.UTF8.GetString(content, (int)offset, (int)(content.LongLength - offset)));
                offset = content.LongLength;
                continue;
            }
            // Wake on the next write; with -F also once a second to notice a replaced file.
            if (retry) await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(1), time, call.Kill)).Unwrap().WaitAsync(call.Kill);
            else await changed.WaitAsync(call.Kill);
        }
    }
}
