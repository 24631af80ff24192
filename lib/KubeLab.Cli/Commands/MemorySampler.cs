using System.Diagnostics;

namespace KubeLab.Cli.Commands;

/// <summary>
/// The peak working set, managed heap and CPU time of this process while one benchmark section runs (sampled every 100 ms; the
/// process-wide peak would mix sections together). A section starts from a compacted heap whose free memory went back to the
/// system: memory an earlier section left committed counted in the next one's working set (the 10,000-pod figure read up to
/// ~60 MiB higher after the rollouts than in a process of its own).
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private long peakWorkingSet;
    private long peakHeap;
    private readonly TimeSpan cpuAtStart;
    private readonly long allocatedAtStart;
    private readonly TimeSpan pauseAtStart;
    private readonly int[] collectionsAtStart;

    public MemorySampler()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        cpuAtStart = CpuTime();
        allocatedAtStart = GC.GetTotalAllocatedBytes();
        pauseAtStart = GC.GetTotalPauseDuration();
        collectionsAtStart = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        Sample();
        loop = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(100, stop.Token);
                    Sample();
                }
            }
            catch (OperationCanceledException) { }
        });
    }

    public double PeakWorkingSetMiB { get { Sample(); return Interlocked.Read(ref peakWorkingSet) / 1048576.0; } }

    public double PeakHeapMiB { get { Sample(); return Interlocked.Read(ref peakHeap) / 1048576.0; } }

    /// <summary>CPU time this process used since the section started (all threads): comparable even on a busy machine.</summary>
    public double CpuSeconds => (CpuTime() - cpuAtStart).TotalSeconds;

    /// <summary>Bytes allocated on the managed heap since the section started (all threads): what the GC had to deal with.</summary>
    public double AllocatedGiB => (GC.GetTotalAllocatedBytes() - allocatedAtStart) / 1073741824.0;

    /// <summary>Time the GC held every managed thread still since the section started (a share of the elapsed time).</summary>
    public double GcPauseSeconds => (GC.GetTotalPauseDuration() - pauseAtStart).TotalSeconds;

    /// <summary>Garbage collections of generation 0/1/2 since the section started.</summary>
    public string Collections => $"{GC.CollectionCount(0) - collectionsAtStart[0]}/{GC.CollectionCount(1) - collectionsAtStart[1]}/{GC.CollectionCount(2) - collectionsAtStart[2]}";

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        Max(ref peakWorkingSet, process.WorkingSet64);
        Max(ref peakHeap, GC.GetTotalMemory(false));
    }

    private static void Max(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }
}
