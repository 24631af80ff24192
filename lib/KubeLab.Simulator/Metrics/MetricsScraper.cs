using k8s.Models;

namespace KubeLab.Simulator.Metrics;

public sealed record ContainerSample(string Name, double Millicores, long MemoryBytes);

public sealed record PodSample(V1Pod Pod, DateTimeOffset Timestamp, TimeSpan Window, IReadOnlyList<ContainerSample> Containers)
{
    public double Millicores => Containers.Sum(c => c.Millicores);
    public long MemoryBytes => Containers.Sum(c => c.MemoryBytes);
}

public sealed record NodeSample(V1Node Node, DateTimeOffset Timestamp, TimeSpan Window, double Millicores, long MemoryBytes);

/// <summary>
/// What metrics-server reports. It scrapes every kubelet each <see cref="Resolution"/> (<c>--metric-resolution=15s</c>) and
/// turns two cumulative CPU counters into a rate, so CPU is the average over the last window and a container shows up only
/// once it has been seen by two scrapes. Scrapes happen at multiples of the resolution on the cluster clock, which makes the
/// answers a pure function of (pods, ledger, time).
/// </summary>
public sealed class MetricsScraper(ResourceConsumption consumption)
{
    public static readonly TimeSpan Resolution = TimeSpan.FromSeconds(15);

    /// <summary>System daemons (kube-proxy, kindnet; on the control plane also etcd, apiserver, controllers) that are not pods we model.</summary>
    public static (double Millicores, long MemoryBytes) NodeOverhead(V1Node node) =>
        node.Metadata.Labels?.ContainsKey("node-role.kubernetes.io/control-plane") == true ? (120, 520L * 1024 * 1024) : (15, 140L * 1024 * 1024);

    /// <summary>The latest scrape at or before <paramref name="now"/>.</summary>
    public static DateTimeOffset LastScrape(DateTimeOffset now)
    {
        var ticks = now.UtcTicks - now.UtcTicks % Resolution.Ticks;
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    /// <summary>The pod's metrics at the scrape <paramref name="scrape"/>, or null when metrics-server has no complete sample for it yet.</summary>
    public PodSample? Sample(V1Pod pod, DateTimeOffset scrape)
    {
        if (pod.Status?.Phase != "Running" || pod.Spec?.Containers is not { Count: > 0 } containers) return null;
        var from = scrape - Resolution;
        var consumer = ContainerUsage.ConsumerContainer(pod);
        var samples = new List<ContainerSample>();
        foreach (var c in containers)
        {
            var status = pod.Status.ContainerStatuses?.FirstOrDefault(s => s.Name == c.Name);
            // Seen running by the previous scrape too, otherwise there is no rate yet.
            if (status?.State?.Running?.StartedAt is not { } started || new DateTimeOffset(started.ToUniversalTime(), TimeSpan.Zero) > from) return null;
            var cpu = ReferenceEquals(c, consumer) ? consumption.CpuBursts(pod.Metadata.Uid) : [];
            var mem = ReferenceEquals(c, consumer) ? consumption.MemoryBursts(pod.Metadata.Uid) : [];
            samples.Add(new ContainerSample(c.Name,
                ContainerUsage.AverageMillicores(cpu, ContainerUsage.CpuLimitMillicores(c), from, scrape),
                ContainerUsage.MemoryBytesAt(mem, ContainerUsage.MemoryLimitBytes(c), scrape)));
        }
        return new PodSample(pod, scrape, Resolution, samples);
    }

    public NodeSample Sample(V1Node node, IEnumerable<V1Pod> podsOnNode, DateTimeOffset scrape)
    {
        var (cpu, mem) = NodeOverhead(node);
        foreach (var s in podsOnNode.Select(p => Sample(p, scrape)).OfType<PodSample>())
        {
            cpu += s.Millicores;
            mem += s.MemoryBytes;
        }
        return new NodeSample(node, scrape, Resolution, cpu, mem);
    }
}
