using k8s.Models;

namespace KubeLab.Simulator.Metrics;

/// <summary>
/// How much CPU and memory one container uses. Every running container idles at a few millicores; the
/// resource-consumer container additionally burns what it was asked to (<see cref="ResourceConsumption"/>).
/// CPU above <c>resources.limits.cpu</c> is throttled away (CFS quota); requests never cap usage.
/// </summary>
public static class ContainerUsage
{
    public const double IdleMillicores = 2;
    public const long IdleMemoryBytes = 8L * 1024 * 1024;
    public const string ResourceConsumerImage = "registry.k8s.io/e2e-test-images/resource-consumer";

    /// <summary>The container is the e2e resource-consumer (any registry, any tag).</summary>
    public static bool IsResourceConsumer(V1Container container) =>
        (container.Image ?? "").Split('@')[0].Split('/').Last().Split(':')[0] == "resource-consumer";

    /// <summary>The container that receives the consumer's bursts: the first resource-consumer container of the pod.</summary>
    public static V1Container? ConsumerContainer(V1Pod pod) => pod.Spec?.Containers?.FirstOrDefault(IsResourceConsumer);

    /// <summary>Millicores, or null when the container has no CPU limit.</summary>
    public static double? CpuLimitMillicores(V1Container container) =>
        container.Resources?.Limits is { } l && l.TryGetValue("cpu", out var q) ? (double)q.ToDecimal() * 1000 : null;

    public static long? MemoryLimitBytes(V1Container container) =>
        container.Resources?.Limits is { } l && l.TryGetValue("memory", out var q) ? (long)q.ToDecimal() : null;

    /// <summary>
    /// One ConsumeCPU request runs one consume-cpu process (test/images/resource-consumer/consume-cpu), a single busy loop:
    /// it can burn at most one core, whatever it was asked for.
    /// </summary>
    public const double MaxMillicoresPerBurst = 1000;

    /// <summary>
    /// Average CPU in millicores over [from, to]: the rate is piecewise constant between burst starts/ends, so the integral
    /// of min(limit, idle + active bursts) is exact. The limit is the CFS quota (cpu.max = limit × 100 ms per 100 ms period):
    /// demand above it is throttled, so the measured rate stays at the limit however much is asked.
    /// </summary>
    public static double AverageMillicores(IReadOnlyList<ConsumptionBurst> bursts, double? limit, DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from) return Cap(IdleMillicores + bursts.Where(b => b.Start <= to && to < b.End).Sum(Demand), limit);
        var cuts = bursts.SelectMany(b => new[] { b.Start, b.End }).Where(t => t > from && t < to).Append(from).Append(to).Distinct().Order().ToList();
        double area = 0;
        for (var i = 0; i + 1 < cuts.Count; i++)
        {
            var (a, b) = (cuts[i], cuts[i + 1]);
            var rate = Cap(IdleMillicores + bursts.Where(x => x.Start <= a && b <= x.End).Sum(Demand), limit);
            area += rate * (b - a).TotalSeconds;
        }
        return area / (to - from).TotalSeconds;
    }

    /// <summary>What one burst asks of the CPU: its millicores, at most one core.</summary>
    public static double Demand(ConsumptionBurst burst) => Math.Min(burst.Amount, MaxMillicoresPerBurst);

    /// <summary>Memory in use at an instant: idle + active ConsumeMem bursts (MiB), at most the limit.</summary>
    public static long MemoryBytesAt(IReadOnlyList<ConsumptionBurst> bursts, long? limit, DateTimeOffset at)
    {
        var bytes = IdleMemoryBytes + (long)(bursts.Where(b => b.Start <= at && at < b.End).Sum(b => b.Amount) * 1024 * 1024);
        return limit is { } l ? Math.Min(bytes, l) : bytes;
    }

    private static double Cap(double millicores, double? limit) => limit is { } l ? Math.Min(millicores, l) : millicores;
}
