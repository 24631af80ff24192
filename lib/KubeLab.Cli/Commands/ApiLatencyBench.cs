using System.Diagnostics;
using k8s;
using k8s.Models;

namespace KubeLab.Cli.Commands;

/// <summary>
/// API server latency as clients see it: N concurrent clients each GET one pod, LIST the namespace's pods and PATCH a
/// pod's annotation (strategic merge, so managedFields are recomputed) in turn; p50 / p99 per verb.
/// </summary>
internal static class ApiLatencyBench
{
    public const string Namespace = "kubelab-bench-api";

    public sealed record Percentiles(TimeSpan P50, TimeSpan P99, int Count);

    public sealed record Figures(Percentiles Get, Percentiles List, Percentiles Patch, int ListSize);

    public static async Task<Figures> RunAsync(IKubernetes client, int clients, int rounds, CancellationToken ct)
    {
        // The pods of a ready Deployment are what GET, LIST and PATCH work on (a LIST returns all of them).
        const int pods = 100;
        await DeploymentRolloutBench.CreateAsync(client, pods, Namespace, ct);
        var names = (await client.CoreV1.ListNamespacedPodAsync(Namespace, cancellationToken: ct)).Items.Select(p => p.Metadata.Name).ToArray();

        var gets = new List<TimeSpan>();
        var lists = new List<TimeSpan>();
        var patches = new List<TimeSpan>();
        var listSize = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var myGets = new List<TimeSpan>(rounds);
            var myLists = new List<TimeSpan>(rounds);
            var myPatches = new List<TimeSpan>(rounds);
            for (var i = 0; i < rounds; i++)
            {
                var name = names[(c * rounds + i) % names.Length];
                var clock = Stopwatch.StartNew();
                await client.CoreV1.ReadNamespacedPodAsync(name, Namespace, cancellationToken: ct);
                myGets.Add(clock.Elapsed);

                clock.Restart();
                var list = await client.CoreV1.ListNamespacedPodAsync(Namespace, cancellationToken: ct);
                myLists.Add(clock.Elapsed);
                listSize = list.Items.Count;

                clock.Restart();
                var body = "{\"metadata\":{\"annotations\":{\"bench/client-" + c + "\":\"" + i + "\"}}}";
                var patch = new V1Patch(body, V1Patch.PatchType.StrategicMergePatch);
                await client.CoreV1.PatchNamespacedPodAsync(patch, name, Namespace, fieldManager: $"bench-{c}", cancellationToken: ct);
                myPatches.Add(clock.Elapsed);
            }
            lock (gets)
            {
                gets.AddRange(myGets);
                lists.AddRange(myLists);
                patches.AddRange(myPatches);
            }
        }, ct)));
        return new Figures(Of(gets), Of(lists), Of(patches), listSize);
    }

    private static Percentiles Of(List<TimeSpan> samples)
    {
        samples.Sort();
        return new Percentiles(At(samples, 0.50), At(samples, 0.99), samples.Count);
    }

    private static TimeSpan At(List<TimeSpan> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
}
