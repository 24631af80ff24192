using System.Diagnostics;
using k8s;
using k8s.Models;

namespace KubeLab.Cli.Commands;

/// <summary>
/// The storage section of <c>kubelab bench</c>: how long a claim takes to become Bound, in wall time and on the cluster's clock.
/// Static: a claim of a class without a StorageClass object and one matching Available PV, created one after the other (the
/// persistentvolume-binder alone). WaitForFirstConsumer: claims of kind's <c>standard</c> class, each with a pod, all at once –
/// scheduler PreBind, PV controller, local-path provisioner (its helper-pod second included) and binding.
/// </summary>
internal static class StorageBindBench
{
    private const string Namespace = "kubelab-bench-storage";
    private const string StaticClass = "kubelab-bench-static";

    public sealed record Latencies(TimeSpan Median, TimeSpan P99, TimeSpan SimulatedMedian, TimeSpan SimulatedP99, int Count);

    public static async Task<(Latencies Static, Latencies Delayed)> RunAsync(IKubernetes client, TimeProvider clusterClock, CancellationToken ct, int count = 100)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: ct);
        try
        {
            var wall = new List<TimeSpan>(count);
            var simulated = new List<TimeSpan>(count);
            for (var i = 0; i < count; i++)
            {
                await client.CoreV1.CreatePersistentVolumeAsync(new V1PersistentVolume
                {
                    Metadata = new V1ObjectMeta { Name = $"kubelab-bench-static-{i}" },
                    Spec = new V1PersistentVolumeSpec
                    {
                        StorageClassName = StaticClass, AccessModes = ["ReadWriteOnce"], PersistentVolumeReclaimPolicy = "Delete",
                        Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") },
                        HostPath = new V1HostPathVolumeSource { Path = $"/tmp/kubelab-bench/{i}" },
                    },
                }, cancellationToken: ct);
                // The binder looks at a Pending claim again only every 15 s: measure from an Available volume, as an administrator's PV is.
                while ((await client.CoreV1.ReadPersistentVolumeAsync($"kubelab-bench-static-{i}", cancellationToken: ct)).Status?.Phase != "Available")
                    await Task.Delay(2, ct);
                var (w, s) = await TimeBindAsync(client, clusterClock, () => client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim($"static-{i}", StaticClass),
                    Namespace, cancellationToken: ct), [$"static-{i}"], ct);
                wall.Add(w[0]);
                simulated.Add(s[0]);
            }
            var staticFigures = Summarise(wall, simulated);

            var names = Enumerable.Range(0, count).Select(i => $"wffc-{i}").ToList();
            var (dw, ds) = await TimeBindAsync(client, clusterClock, async () =>
            {
                foreach (var name in names)
                {
                    await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim(name, null), Namespace, cancellationToken: ct);
                    await client.CoreV1.CreateNamespacedPodAsync(PodUsing(name), Namespace, cancellationToken: ct);
                }
            }, names, ct);
            return (staticFigures, Summarise(dw, ds));
        }
        finally
        {
            await client.CoreV1.DeleteNamespaceAsync(Namespace, cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>Runs <paramref name="create"/>, then polls the claims until each is Bound; each latency counts from the start of the creation.</summary>
    private static async Task<(List<TimeSpan> Wall, List<TimeSpan> Simulated)> TimeBindAsync(IKubernetes client, TimeProvider clusterClock, Func<Task> create,
        IReadOnlyList<string> claims, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var simStart = clusterClock.GetUtcNow();
        await create();
        var pending = claims.ToHashSet();
        var w = new List<TimeSpan>();
        var s = new List<TimeSpan>();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (pending.Count > 0)
        {
            if (DateTime.UtcNow > deadline) throw new UserError($"{pending.Count} claims were not Bound within 5 minutes", 1);
            var list = await client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(Namespace, cancellationToken: ct);
            foreach (var c in list.Items.Where(c => c.Status?.Phase == "Bound" && pending.Remove(c.Metadata.Name)))
            {
                w.Add(wall.Elapsed);
                s.Add(clusterClock.GetUtcNow() - simStart);
            }
            if (pending.Count > 0) await Task.Delay(5, ct);
        }
        return (w, s);
    }

    private static Latencies Summarise(List<TimeSpan> wall, List<TimeSpan> simulated)
    {
        wall.Sort();
        simulated.Sort();
        var p99 = Math.Min(wall.Count - 1, (int)Math.Ceiling(wall.Count * 0.99) - 1);
        return new Latencies(wall[wall.Count / 2], wall[p99], simulated[simulated.Count / 2], simulated[p99], wall.Count);
    }

    private static V1PersistentVolumeClaim Claim(string name, string? className) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeClaimSpec
        {
            StorageClassName = className, AccessModes = ["ReadWriteOnce"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
        },
    };

    private static V1Pod PodUsing(string claim) => new()
    {
        Metadata = new V1ObjectMeta { Name = claim },
        Spec = new V1PodSpec
        {
            TerminationGracePeriodSeconds = 0,
            Containers = [new V1Container { Name = "app", Image = "busybox:1.36", Command = ["sleep", "3600"], VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }] }],
            Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }],
        },
    };
}
