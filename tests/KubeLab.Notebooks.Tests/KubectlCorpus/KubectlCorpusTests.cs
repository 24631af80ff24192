using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace KubeLab.Notebooks.Tests.KubectlCorpus;

/// <summary>The course's kubectl corpus as a test: every <c>kubectl …</c> command the notebooks, manifests and READMEs show a
/// learner runs against the simulator with the objects its chapter creates, so prose and simulator cannot drift apart. The
/// commands that need kind are listed in <see cref="CorpusTable.NeedsKind"/>; a command neither run nor listed fails.</summary>
[Collection(NotebookCollection.Name)]
public sealed class KubectlCorpusTests(KubectlCorpusFixture cluster, ITestOutputHelper output) : IClassFixture<KubectlCorpusFixture>
{
    [Fact]
    public async Task Every_kubectl_command_the_course_shows_runs_on_the_simulator_or_is_listed_as_needing_kind()
    {
        var commands = CorpusExtractor.ExtractAll(TestPaths.Root);
        Assert.True(commands.Count >= 20, $"the extractor found only {commands.Count} commands – is it still reading the notebooks?");
        var runner = new CorpusRunner(TestPaths.Root, cluster.Kubeconfig);
        var watch = Stopwatch.StartNew();
        foreach (var chapter in commands.Select(c => c.Chapter).Distinct().Order(StringComparer.Ordinal))
            await runner.SetUpChapterAsync(chapter);
        // In the course's order (notebooks, then manifests, then READMEs), so `set image` comes before `rollout undo`.
        var results = new List<CorpusResult>();
        foreach (var command in commands)
            results.Add(await runner.RunAsync(command));

        var report = new StringBuilder();
        foreach (var r in results)
        {
            report.AppendLine($"{Mark(r.Verdict)} {r.Command.Location}: {r.Command.Text}");
            if (r.Verdict == Verdict.NeedsKind) report.AppendLine($"      needs kind: {r.Detail}").AppendLine($"      flags checked: {r.Ran}");
            else report.AppendLine($"      ran: {r.Ran}").AppendLine($"      {r.Detail}");
        }
        report.AppendLine($"{results.Count(r => r.Verdict == Verdict.Passed)} ran, {results.Count(r => r.Verdict == Verdict.NeedsKind)} need kind, " +
            $"{results.Count(r => r.Verdict == Verdict.Failed)} failed, in {watch.Elapsed.TotalSeconds:0.0} s");
        report.AppendLine("Commands that need kind (CorpusTable.NeedsKind):");
        foreach (var (command, reason) in CorpusTable.NeedsKind) report.AppendLine($"  {command}\n      {reason}");
        output.WriteLine(report.ToString());

        var failed = results.Where(r => r.Verdict == Verdict.Failed).ToList();
        Assert.True(failed.Count == 0, "kubectl commands in the course that fail on the simulator:\n" +
            string.Join("\n", failed.Select(r => $"{r.Command}\n    ran: {r.Ran}\n    {r.Detail}")));
        var stale = StaleEntries(runner.UsedKeys).ToList();
        Assert.True(stale.Count == 0, "CorpusTable entries that match no command of the course any more:\n" + string.Join("\n", stale));
        // Every listed kind-only command is one the course still shows (the list is not a place to hide commands).
        Assert.Equal(CorpusTable.NeedsKind.Keys.Order(StringComparer.Ordinal),
            results.Where(r => r.Verdict == Verdict.NeedsKind).Select(r => r.Command.Text).Distinct().Order(StringComparer.Ordinal));
    }

    private static string Mark(Verdict v) => v switch { Verdict.Passed => "PASS", Verdict.NeedsKind => "KIND", _ => "FAIL" };

    private static IEnumerable<string> StaleEntries(HashSet<string> used) =>
        CorpusTable.Rewrites.Keys.Concat(CorpusTable.ExpectedFailures.Keys).Concat(CorpusTable.NeedsKind.Keys)
            .Concat(CorpusTable.Substitutions.Keys.Select(k => $"{k.Chapter}|{k.Placeholder}"))
            .Where(k => !used.Contains(k));
}
