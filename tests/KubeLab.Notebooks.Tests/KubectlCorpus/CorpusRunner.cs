using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KubeLab.Notebooks.Tests.KubectlCorpus;

public enum Verdict { Passed, Failed, NeedsKind }

/// <summary>What happened to one command: the arguments kubectl got, and its output (or the reason it was not run).</summary>
public sealed record CorpusResult(CorpusCommand Command, Verdict Verdict, string Ran, string Detail);

/// <summary>Runs the corpus against one cluster: each chapter's manifests applied into <c>lab-&lt;chapter&gt;</c> first, then every
/// command in the order the course shows it, resolved through <see cref="CorpusTable"/>. A command that fails is retried for a
/// while, since the objects it reads (a started container, a created ReplicaSet pod) converge after the apply.</summary>
public sealed partial class CorpusRunner(string root, string kubeconfig)
{
    private static readonly TimeSpan PerCommand = TimeSpan.FromSeconds(30);
    private readonly HashSet<string> _chaptersSetUp = [];

    /// <summary>Table keys that matched a command; the rest are stale.</summary>
    public HashSet<string> UsedKeys { get; } = [];

    [GeneratedRegex(@"<[^<>\s]+>|…|\[--")] private static partial Regex Placeholder();

    public static string Namespace(string chapter) => "lab-" + chapter;

    public async Task SetUpChapterAsync(string chapter)
    {
        if (!_chaptersSetUp.Add(chapter)) return;
        var ns = Namespace(chapter);
        var created = await KubectlProcess.RunAsync(root, ["create", "namespace", ns, "--kubeconfig=" + kubeconfig], PerCommand);
        if (created.ExitCode != 0) throw new InvalidOperationException($"creating {ns}: {created.Text}");
        if (!Directory.Exists(Path.Combine(root, "manifests", chapter))) return;
        var applied = await KubectlProcess.RunAsync(root, ["apply", "-f", $"manifests/{chapter}", "-n", ns, "--kubeconfig=" + kubeconfig], PerCommand);
        if (applied.ExitCode != 0) throw new InvalidOperationException($"applying manifests/{chapter}: {applied.Text}");
    }

    public async Task<CorpusResult> RunAsync(CorpusCommand command)
    {
        if (Lookup(CorpusTable.NeedsKind, command) is { } reason)
            return await CheckFlagsAsync(command, reason);
        var text = Lookup(CorpusTable.Rewrites, command) ?? command.Text;
        var expected = Lookup(CorpusTable.ExpectedFailures, command);
        var ns = Namespace(command.Chapter);

        var started = Stopwatch.StartNew();
        string? firstFailure = null;
        for (var attempt = 1; ; attempt++)
        {
            var result = await TryOnceAsync(command, text, ns, expected);
            if (result.Verdict == Verdict.Passed || started.Elapsed > PerCommand || IsUsageError(result.Detail))
                return result with { Detail = $"{result.Detail} [{started.Elapsed.TotalSeconds:0.0} s, {attempt} attempt(s)" +
                    (firstFailure is null || attempt == 1 ? "]" : $"; first: {firstFailure}]") };
            firstFailure ??= result.Detail;
            await Task.Delay(500);
        }
    }

    /// <summary>A command that needs kind is not run, but kubectl 1.32 still parses it: with <c>--help</c> before <c>--</c>, an
    /// unknown subcommand or flag fails ("unknown flag: --x") while a valid one prints the help.</summary>
    private async Task<CorpusResult> CheckFlagsAsync(CorpusCommand command, string reason)
    {
        var args = KubectlCommandLine.Split(command.Text).Skip(1).TakeWhile(a => a != "--").Append("--help").ToList();
        var parsed = await KubectlProcess.RunAsync(root, args, PerCommand);
        return parsed.ExitCode == 0
            ? new CorpusResult(command, Verdict.NeedsKind, "kubectl " + string.Join(" ", args), reason)
            : new CorpusResult(command, Verdict.Failed, "kubectl " + string.Join(" ", args), "kubectl 1.32 does not accept it: " + FirstLines(parsed.Text));
    }

    private async Task<CorpusResult> TryOnceAsync(CorpusCommand command, string text, string ns, string? expected)
    {
        var resolved = await SubstituteAsync(text, command.Chapter, ns);
        if (Placeholder().Match(resolved) is { Success: true } left)
            return new CorpusResult(command, Verdict.Failed, resolved,
                $"placeholder {left.Value} has no entry in CorpusTable.Substitutions (or no such object yet)");
        var args = KubectlCommandLine.ForCluster(resolved, ns, kubeconfig);
        var ran = "kubectl " + string.Join(" ", args.Select(a => a.Contains(' ') ? $"'{a}'" : a)).Replace(kubeconfig, "<kubeconfig>");
        var output = KubectlCommandLine.Streams(args)
            ? await KubectlProcess.RunStreamingAsync(root, args, TimeSpan.FromSeconds(15))
            : await KubectlProcess.RunAsync(root, args, PerCommand);
        var ok = expected is null ? output.ExitCode == 0 : output.ExitCode != 0 && output.Text.Contains(expected, StringComparison.Ordinal);
        var detail = $"exit {output.ExitCode}" + (expected is null ? "" : $" (expected non-zero with \"{expected}\")") + ": " + FirstLines(output.Text);
        return new CorpusResult(command, ok ? Verdict.Passed : Verdict.Failed, ran, detail);
    }

    private async Task<string> SubstituteAsync(string text, string chapter, string ns)
    {
        foreach (var ((scope, placeholder), value) in CorpusTable.Substitutions)
        {
            if ((scope != "*" && scope != chapter) || !text.Contains(placeholder, StringComparison.Ordinal)) continue;
            UsedKeys.Add($"{scope}|{placeholder}");
            text = text.Replace(placeholder, await ResolveAsync(value, ns), StringComparison.Ordinal);
        }
        return text;
    }

    private async Task<string> ResolveAsync(string value, string ns)
    {
        if (value == "{namespace}") return ns;
        if (value == "{kubeconfig}") return kubeconfig;
        if (!value.StartsWith("pod-with-label:", StringComparison.Ordinal)) return value;
        var selector = value["pod-with-label:".Length..];
        var r = await KubectlProcess.RunAsync(root, ["get", "pods", "-n", ns, "-l", selector, "-o", "jsonpath={.items[0].metadata.name}", "--kubeconfig=" + kubeconfig], PerCommand);
        return r.ExitCode == 0 && r.Stdout.Trim().Length > 0 ? r.Stdout.Trim() : $"<pod with {selector}>";
    }

    private string? Lookup(IReadOnlyDictionary<string, string> table, CorpusCommand command)
    {
        foreach (var key in new[] { $"{command.Chapter}|{command.Text}", command.Text })
        {
            if (!table.TryGetValue(key, out var value)) continue;
            UsedKeys.Add(key);
            return value;
        }
        return null;
    }

    // kubectl's own refusals (a flag or subcommand 1.32 does not have) do not change by waiting for the cluster.
    private static bool IsUsageError(string detail) =>
        detail.Contains("unknown flag", StringComparison.Ordinal) || detail.Contains("unknown shorthand flag", StringComparison.Ordinal)
        || detail.Contains("unknown command", StringComparison.Ordinal);

    private static string FirstLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" ⏎ ", lines.Take(3)) + (lines.Length > 3 ? $" ⏎ … ({lines.Length} lines)" : "");
    }
}
