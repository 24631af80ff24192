using System.Text;

namespace KubeLab.Notebooks.Tests.KubectlCorpus;

/// <summary>A command as written → kubectl's argument list, with the namespace and kubeconfig added where kubectl reads them.</summary>
public static class KubectlCommandLine
{
    /// <summary>Splits like a POSIX shell for the cases the prose uses: spaces separate, '…' and "…" group.</summary>
    public static List<string> Split(string command)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var ch in command)
        {
            if (quote is not null)
            {
                if (ch == quote) quote = null; else current.Append(ch);
            }
            else if (ch is '\'' or '"') { quote = ch; inWord = true; }
            else if (char.IsWhiteSpace(ch))
            {
                if (inWord) args.Add(current.ToString());
                current.Clear();
                inWord = false;
            }
            else { current.Append(ch); inWord = true; }
        }
        if (quote is not null) throw new FormatException($"unterminated {quote} in: {command}");
        if (inWord) args.Add(current.ToString());
        return args;
    }

    /// <summary>The arguments after "kubectl", plus <c>-n</c> (unless the command names a namespace) and <c>--kubeconfig</c>
    /// (unless it names one), both before a <c>--</c>: what follows it is the container's command (<c>kubectl exec … -- cmd</c>).</summary>
    public static List<string> ForCluster(string command, string ns, string kubeconfig)
    {
        var args = Split(command);
        if (args.Count == 0 || args[0] != "kubectl") throw new FormatException($"not a kubectl command: {command}");
        args.RemoveAt(0);
        var end = args.IndexOf("--");
        var flags = end < 0 ? args : args[..end];
        var extra = new List<string>();
        if (!flags.Any(a => a is "-n" or "-A" or "--all-namespaces" || a.StartsWith("--namespace", StringComparison.Ordinal) || a.StartsWith("-n=", StringComparison.Ordinal)))
            extra.AddRange(["-n", ns]);
        if (!flags.Any(a => a.StartsWith("--kubeconfig", StringComparison.Ordinal)))
            extra.Add("--kubeconfig=" + kubeconfig);
        args.InsertRange(end < 0 ? args.Count : end, extra);
        return args;
    }

    /// <summary>Commands that stream until interrupted: <c>logs -f</c>, <c>get -w</c>.</summary>
    public static bool Streams(IReadOnlyList<string> args)
    {
        var end = args.ToList().IndexOf("--");
        var flags = end < 0 ? args : args.Take(end).ToList();
        return flags.Any(a => a is "-f" or "--follow" or "-w" or "--watch" or "--follow=true" or "--watch=true")
            && flags.Count > 0 && flags[0] is "logs" or "get";
    }
}
