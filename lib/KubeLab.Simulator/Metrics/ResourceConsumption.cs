using System.Collections.Concurrent;

namespace KubeLab.Simulator.Metrics;

/// <summary>One <c>ConsumeCPU</c> / <c>ConsumeMem</c> request: an amount (millicores or MiB) from Start until End.</summary>
public sealed record ConsumptionBurst(DateTimeOffset Start, DateTimeOffset End, double Amount);

/// <summary>
/// The resource-consumer's ledger, per pod instance (uid). The real image starts one consumer process per request, so
/// concurrent requests add up; each stops by itself after its durationSec.
/// </summary>
public sealed class ResourceConsumption
{
    private readonly ConcurrentDictionary<string, List<ConsumptionBurst>> cpu = new();
    private readonly ConcurrentDictionary<string, List<ConsumptionBurst>> memory = new();

    public void ConsumeCpu(string podUid, int millicores, TimeSpan duration, DateTimeOffset now) => Add(cpu, podUid, millicores, duration, now);

    public void ConsumeMemory(string podUid, int megabytes, TimeSpan duration, DateTimeOffset now) => Add(memory, podUid, megabytes, duration, now);

    public IReadOnlyList<ConsumptionBurst> CpuBursts(string podUid) => Snapshot(cpu, podUid);

    public IReadOnlyList<ConsumptionBurst> MemoryBursts(string podUid) => Snapshot(memory, podUid);

    /// <summary>Drops the bursts of pods that no longer exist and bursts that ended long ago.</summary>
    public void Prune(ISet<string> livePodUids, DateTimeOffset before)
    {
        foreach (var ledger in new[] { cpu, memory })
            foreach (var (uid, list) in ledger)
            {
                if (!livePodUids.Contains(uid)) { ledger.TryRemove(uid, out _); continue; }
                lock (list) list.RemoveAll(b => b.End < before);
            }
    }

    private static void Add(ConcurrentDictionary<string, List<ConsumptionBurst>> ledger, string uid, int amount, TimeSpan duration, DateTimeOffset now)
    {
        if (amount <= 0 || duration <= TimeSpan.Zero) return; // the real consumer burns nothing for these
        var list = ledger.GetOrAdd(uid, _ => []);
        lock (list) list.Add(new ConsumptionBurst(now, now + duration, amount));
    }

    private static IReadOnlyList<ConsumptionBurst> Snapshot(ConcurrentDictionary<string, List<ConsumptionBurst>> ledger, string uid)
    {
        if (!ledger.TryGetValue(uid, out var list)) return [];
        lock (list) return list.ToList();
    }
}
