using System.Globalization;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Shell.Applets;

/// <summary>
/// busybox test / [ (coreutils/test.c): file tests -e -f -d -s -r -w -x -L -h, string tests -z -n = != (and ==),
/// integer comparisons -eq -ne -lt -gt -le -ge, ! -a -o and parentheses. Status 0 true, 1 false, 2 on error with
/// test.c's texts ("missing ]", "abc: bad number", "argument expected").
/// </summary>
public sealed class TestApplet : Applet
{
    public override string Name => "test";

    private sealed class SyntaxError(string message) : Exception(message);

    internal override async Task<int> RunAsync(AppletCall call)
    {
        var args = call.Args.ToList();
        if (call.Argv.Count > 0 && call.Argv[0] == "[")
        {
            if (args.Count == 0 || args[^1] != "]") { await call.Error("missing ]"); return 2; }
            args.RemoveAt(args.Count - 1);
        }
        if (args.Count == 0) return 1;
        try
        {
            var pos = 0;
            var result = Or(call, args, ref pos);
            if (pos != args.Count) throw new SyntaxError($"{args[pos]}: unknown operand");
            return result ? 0 : 1;
        }
        catch (SyntaxError e)
        {
            await call.Error(e.Message);
            return 2;
        }
    }

    private static bool Or(AppletCall call, List<string> a, ref int pos)
    {
        var value = And(call, a, ref pos);
        while (pos < a.Count && a[pos] == "-o") { pos++; value = And(call, a, ref pos) | value; }
        return value;
    }

    private static bool And(AppletCall call, List<string> a, ref int pos)
    {
        var value = Not(call, a, ref pos);
        while (pos < a.Count && a[pos] == "-a") { pos++; value = Not(call, a, ref pos) & value; }
        return value;
    }

    private static bool Not(AppletCall call, List<string> a, ref int pos)
    {
        if (pos < a.Count && a[pos] == "!" && pos + 1 < a.Count) { pos++; return !Not(call, a, ref pos); }
        return Primary(call, a, ref pos);
    }

    private static readonly string[] Binary = ["=", "==", "!=", "-eq", "-ne", "-lt", "-gt", "-le", "-ge", "<", ">"];

    private static bool Primary(AppletCall call, List<string> a, ref int pos)
    {
        if (pos >= a.Count) throw new SyntaxError("argument expected");
        var t = a[pos];
        if (t == "(" && pos + 2 < a.Count)
        {
            pos++;
            var v = Or(call, a, ref pos);
            if (pos >= a.Count || a[pos] != ")") throw new SyntaxError("')' expected");
            pos++;
            return v;
        }
        if (pos + 2 < a.Count && Binary.Contains(a[pos + 1]))
        {
            var left = t;
            var op = a[pos + 1];
            var right = a[pos + 2];
            pos += 3;
            return op switch
            {
                "=" or "==" => left == right,
                "!=" => left != right,
                "<" => string.CompareOrdinal(left, right) < 0,
                ">" => string.CompareOrdinal(left, right) > 0,
                _ => Compare(Number(left), Number(right), op),
            };
        }
        if (t.Length == 2 && t[0] == '-' && "efdsrwxLhznbcpS".Contains(t[1]) && pos + 1 < a.Count)
        {
            var operand = a[pos + 1];
            pos += 2;
            return t[1] switch
            {
                'z' => operand.Length == 0,
                'n' => operand.Length > 0,
                _ => FileTest(call, t[1], operand),
            };
        }
        pos++;
        return t.Length > 0;
    }

    private static bool Compare(long l, long r, string op) => op switch
    {
        "-eq" => l == r, "-ne" => l != r, "-lt" => l < r, "-gt" => l > r, "-le" => l <= r, _ => l >= r,
    };

    private static long Number(string s) =>
        long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw new SyntaxError($"{s}: bad number");

    private static bool FileTest(AppletCall call, char test, string operand)
    {
        FileNode? node;
        try { node = call.Files.Find(call.PathOf(operand), followLast: test is not ('L' or 'h')); }
        catch (FileSystemException) { return false; }
        return test switch
        {
            'e' or 'r' => node is not null,
            'f' => node is RegularFile,
            'd' => node is DirectoryNode,
            's' => node is RegularFile { Length: > 0 } || node is DirectoryNode,
            'w' => node is not null && !call.Files.IsReadOnly(call.PathOf(operand)),
            'x' => node is DirectoryNode || (node is not null && (node.Mode & 0x49) != 0),
            'L' or 'h' => node is SymlinkNode,
            _ => false,
        };
    }
}
