namespace KubeLab.Simulator.Api.Storage;

/// <summary>
/// The stored versions that keep their parsed trees: the most recently written or read, up to <see cref="Capacity"/>. Older
/// ones go cold in batches (their JSON is encoded outside the store's lock when no watch has encoded it already). A pod is
/// written several times within a second or so of starting (binding, status, conditions), so the recent ones are the ones read.
/// Every member except <see cref="Cool"/> runs under the store's lock.
/// </summary>
internal sealed class HotSet
{
    public const int Capacity = 2_048;
    private const int Batch = 256;

    private readonly Queue<StoredObject> recent = new();
    private bool cooling;

    public void Add(StoredObject stored) => recent.Enqueue(stored);

    /// <summary>The oldest hot versions past the capacity, to cool outside the lock; null when too few or another writer is cooling.</summary>
    public List<StoredObject>? TakeBatch()
    {
        if (cooling || recent.Count < Capacity + Batch) return null;
        cooling = true;
        var batch = new List<StoredObject>(Batch);
        for (var i = 0; i < Batch; i++)
            if (recent.Dequeue() is { IsHot: true, WorthCooling: true } s) batch.Add(s);
        return batch;
    }

    /// <summary>Encodes (where needed) and drops the trees of a batch; outside the lock (stored versions are immutable).</summary>
    public static void Cool(List<StoredObject> batch)
    {
        foreach (var s in batch) s.Cool();
    }

    /// <summary>Lets the next batch be taken (under the lock).</summary>
    public void Done() => cooling = false;
}
