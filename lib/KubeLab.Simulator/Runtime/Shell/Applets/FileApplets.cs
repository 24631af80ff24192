using System.Globalization;
using System.Text;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Shell.Applets;

/// <summary>busybox cat: files in order ("-" or none: stdin, passed on as it arrives); a missing file is reported, the rest printed.</summary>
public sealed class CatApplet : Applet
{
    public override string Name => "cat";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        if (await call.ParseAsync("uvetAn") is not { } o) return 1;
        var operands = o.Operands.Count == 0 ? ["-"] : o.Operands;
        var status = 0;
        foreach (var operand in operands)
        {
            if (operand == "-")
            {
                while (await call.Process.Stdin.ReadAsync(call.Kill) is { } chunk) await call.Out(chunk);
                continue;
            }
            if (await call.ReadInputAsync(operand) is { } text) await call.Out(text);
            else status = 1;
        }
        return status;
    }
}

/// <summary>
/// busybox ls (coreutils/ls.c) with -l -a -A -1 -d: sorted names, one per line unless on a terminal; long format
/// "mode nlink user group size date name [-> target]" with the date as "Mmm dd HH:MM" (or the year when older than
/// six months). Owner is always root (the modelled runtime has one user).
/// </summary>
public sealed class LsApplet : Applet
{
    public override string Name => "ls";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        if (await call.ParseAsync("laA1dhFp") is not { } o) return 1;
        var operands = o.Operands.Count == 0 ? ["."] : o.Operands;
        var status = 0;
        var files = new List<(string Name, FileNode Node)>();
        var dirs = new List<string>();
        foreach (var operand in operands)
        {
            FileNode? node;
            try { node = call.Files.Find(call.PathOf(operand), followLast: !o.Has('l') || operand.EndsWith('/')); }
            catch (FileSystemException e) { await call.Error($"{operand}: {e.Error}"); status = 1; continue; }
            if (node is SymlinkNode && !o.Has('l')) node = call.Files.Find(call.PathOf(operand));
            if (node is null) { await call.Error($"{operand}: No such file or directory"); status = 1; continue; }
            if (node is DirectoryNode && !o.Has('d')) dirs.Add(operand);
            else files.Add((operand, node));
        }
        var output = new StringBuilder();
        var tty = call.Process.Environment.ContainsKey("TERM") && !o.Has('1');
        Format(call, files, o, tty, output, withTotal: false);
        foreach (var dir in dirs)
        {
            if (operands.Count > 1) output.Append(output.Length > 0 ? "\n" : "").Append(dir).Append(":\n");
            var path = call.PathOf(dir);
            var entries = call.Files.List(path).Where(e => o.Has('a') || o.Has('A') || !e.Name.StartsWith('.')).ToList();
            if (o.Has('a'))
            {
                entries.Insert(0, ("..", call.Files.Find(ContainerFileSystem.Normalize(path + "/..")) ?? new DirectoryNode()));
                entries.Insert(0, (".", call.Files.Find(path)!));
            }
            Format(call, entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToList(), o, tty, output, withTotal: true);
        }
        await call.Out(output.ToString());
        return status;
    }

    private static void Format(AppletCall call, List<(string Name, FileNode Node)> entries, Options o, bool tty, StringBuilder output, bool withTotal)
    {
        if (o.Has('l'))
        {
            if (withTotal) output.Append($"total {entries.Sum(e => Blocks(e.Node))}\n");
            var now = call.Process.Time.GetUtcNow();
            foreach (var (name, node) in entries) output.Append(LongLine(name, node, now)).Append('\n');
            return;
        }
        if (!tty || entries.Count == 0)
        {
            foreach (var (name, _) in entries) output.Append(name).Append('\n');
            return;
        }
        // Columns on a terminal (80 wide), filled top to bottom like ls.c's showfiles.
        var width = entries.Max(e => e.Name.Length) + 2;
        var columns = Math.Max(1, 80 / width);
        var rows = (entries.Count + columns - 1) / columns;
        for (var r = 0; r < rows; r++)
        {
            var line = new StringBuilder();
            for (var c = 0; c < columns; c++)
            {
                var i = c * rows + r;
                if (i < entries.Count) line.Append(entries[i].Name.PadRight(width));
            }
            output.Append(line.ToString().TrimEnd()).Append('\n');
        }
    }

    private static long Blocks(FileNode node) => node switch
    {
        RegularFile f => (f.Length + 4095) / 4096 * 4,
        DirectoryNode => 4,
        _ => 0,
    };

    internal static string LongLine(string name, FileNode node, DateTimeOffset now)
    {
        var (type, size, nlink) = node switch
        {
            DirectoryNode => ('d', 4096L, 2),
            SymlinkNode s => ('l', (long)Encoding.UTF8.GetByteCount(s.Target), 1),
            RegularFile f => ('-', f.Length, 1),
            _ => ('?', 0L, 1),
        };
        var mode = type == 'l' ? "lrwxrwxrwx" : type + Permissions(node.Mode);
        var time = node.ModifiedAt.ToUniversalTime();
        var age = now - time;
        var date = age < TimeSpan.FromDays(365.0 / 2) && age > TimeSpan.FromMinutes(-15)
            ? time.ToString("MMM ", CultureInfo.InvariantCulture) + time.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) + time.ToString(" HH:mm", CultureInfo.InvariantCulture)
            : time.ToString("MMM ", CultureInfo.InvariantCulture) + time.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) + time.Year.ToString(CultureInfo.InvariantCulture).PadLeft(6);
        var line = $"{mode,-10} {nlink,4} {"root",-8} {"root",-8} {size,9} {date} {name}";
        return node is SymlinkNode link ? line + " -> " + link.Target : line;
    }

    private static string Permissions(int mode)
    {
        var sb = new StringBuilder();
        for (var shift = 6; shift >= 0; shift -= 3)
        {
            var bits = (mode >> shift) & 7;
            sb.Append((bits & 4) != 0 ? 'r' : '-').Append((bits & 2) != 0 ? 'w' : '-').Append((bits & 1) != 0 ? 'x' : '-');
        }
        return sb.ToString();
    }
}

/// <summary>busybox touch: creates missing files (not with -c) and sets the modification time to now.</summary>
public sealed class TouchApplet : Applet
{
    public override string Name => "touch";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        if (await call.ParseAsync("cam") is not { } o) return 1;
        if (o.Operands.Count == 0) { await call.Error("missing file operand"); return 1; }
        var status = 0;
        foreach (var operand in o.Operands)
        {
            var path = call.PathOf(operand);
            try
            {
                var node = call.Files.Find(path);
                if (node is null && o.Has('c')) continue;
                if (node is DirectoryNode d) { d.ModifiedAt = call.Process.Time.GetUtcNow(); continue; }
                call.Files.WriteFile(path, [], append: true);
            }
            catch (FileSystemException e) { await call.Error($"{operand}: {e.Error}"); status = 1; }
        }
        return status;
    }
}

/// <summary>busybox mkdir [-p]: "can't create directory 'x': File exists" and the like.</summary>
public sealed class MkdirApplet : Applet
{
    public override string Name => "mkdir";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        if (await call.ParseAsync("pv", "m") is not { } o) return 1;
        if (o.Operands.Count == 0) { await call.Error("missing operand"); return 1; }
        var status = 0;
        foreach (var operand in o.Operands)
        {
            try { call.Files.CreateDirectory(call.PathOf(operand), parents: o.Has('p')); }
            catch (FileSystemException e) { await call.Error($"can't create directory '{operand}': {e.Error}"); status = 1; }
        }
        return status;
    }
}

/// <summary>busybox rm [-rf]: "can't remove 'x': No such file or directory", "'x' is a directory".</summary>
public sealed class RmApplet : Applet
{
    public override string Name => "rm";

    internal override async Task<int> RunAsync(AppletCall call)
    {
        if (await call.ParseAsync("rRfiv") is not { } o) return 1;
        var recursive = o.Has('r') || o.Has('R');
        var force = o.Has('f');
        if (o.Operands.Count == 0 && !force) { await call.Error("missing operand"); return 1; }
        var status = 0;
        foreach (var operand in o.Operands)
        {
            var path = call.PathOf(operand);
            try
            {
                var node = call.Files.Find(path, followLast: false);
                if (node is null)
                {
                    if (!force) { await call.Error($"can't remove '{operand}': No such file or directory"); status = 1; }
                    continue;
                }
                if (node is DirectoryNode && !recursive) { await call.Error($"'{operand}' is a directory"); status = 1; continue; }
                call.Files.Delete(path, recursive);
            }
            catch (FileSystemException e) { await call.Error($"can't remove '{operand}': {e.Error}"); status = 1; }
        }
        return status;
    }
}
