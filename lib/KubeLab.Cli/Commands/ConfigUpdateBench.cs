using System.Globalization;
using k8s;
using k8s.Models;

namespace KubeLab.Cli.Commands;

/// <summary>
/// The ConfigMap part of <c>kubelab bench</c>: <see cref="Pods"/> busybox pods mount one ConfigMap and print its value every
/// cluster second; the ConfigMap is changed once, and each pod's log (kubelet timestamps, cluster clock) shows when the new value
/// reached its mounted file. Simulated seconds, compared with kind's documented bound: the kubelet's sync period (1 min, jittered
/// up to 1.5×) plus the ConfigMap cache's propagation delay (kubernetes.io: "the total delay … can be as long as the kubelet sync
/// period + cache propagation delay").
/// </summary>
internal static class ConfigUpdateBench
{
    public const int Pods = 20;
    public const double Speed = 20;
    /// <summary>kind's bound for the comparison: sync period 60 s × 1.5 jitter.</summary>
    public static readonly TimeSpan KindBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(150);
    private const string Ns = "kubelab-bench-config";

    public sealed record Result(int Pods, int Saw, TimeSpan Median, TimeSpan Max);

    public static async Task<Result> RunAsync(IKubernetes client, TimeProvider clusterClock, CancellationToken ct)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } }, cancellationToken: ct);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new() { Name = "cfg" }, Data = new Dictionary<string, string> { ["v"] = "old" } }, Ns, cancellationToken: ct);
        for (var i = 0; i < Pods; i++)
            await client.CoreV1.CreateNamespacedPodAsync(Pod($"reader-{i}"), Ns, cancellationToken: ct);
        using (var started = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            started.CancelAfter(TimeSpan.FromMinutes(2));
            while ((await client.CoreV1.ListNamespacedPodAsync(Ns, cancellationToken: started.Token)).Items.Count(p => p.Status?.Phase == "Running") < Pods)
                await Task.Delay(100, started.Token);
        }

        var changedAt = clusterClock.GetUtcNow();
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"v":"new"}}""", V1Patch.PatchType.MergePatch), "cfg", Ns, cancellationToken: ct);
        await Task.Delay(TimeSpan.FromSeconds(Window.TotalSeconds / Speed), ct);

        var delays = new List<TimeSpan>();
        for (var i = 0; i < Pods; i++)
        {
            await using var log = await client.CoreV1.ReadNamespacedPodLogAsync($"reader-{i}", Ns, timestamps: true, cancellationToken: ct);
            using var reader = new StreamReader(log);
            var lines = (await reader.ReadToEndAsync(ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            // "2026-01-02T03:04:05.123456789Z new": the first line with the new value, timestamped by the kubelet on the cluster clock.
            var first = lines.Select(l => l.Split(' ', 2)).FirstOrDefault(p => p.Length == 2 && p[1].Trim() == "new");
            if (first is not null && DateTimeOffset.TryParse(first[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var seen))
                delays.Add(seen - changedAt);
        }
        await client.CoreV1.DeleteNamespaceAsync(Ns, cancellationToken: ct);
        delays.Sort();
        return new Result(Pods, delays.Count, delays.Count == 0 ? TimeSpan.Zero : delays[delays.Count / 2], delays.Count == 0 ? TimeSpan.Zero : delays[^1]);
    }

    private static V1Pod Pod(string name) => new()
    {
        Metadata = new() { Name = name },
        Spec = new()
        {
            TerminationGracePeriodSeconds = 0,
            Containers =
            [
                new V1Container
                {
                    Name = "reader", Image = "busybox:1.36",
                    Command = ["sh", "-c", "while true; do cat /cfg/v; echo; sleep 1; done"],
                    VolumeMounts = [new V1VolumeMount { Name = "cfg", MountPath = "/cfg" }],
                },
            ],
            Volumes = [new V1Volume { Name = "cfg", ConfigMap = new V1ConfigMapVolumeSource { Name = "cfg" } }],
        },
    };
}
