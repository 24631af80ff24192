using System.Collections.Concurrent;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// What a controller is still waiting to see in its informer cache after acting (client-go's ControllerExpectations /
/// UIDTrackingControllerExpectations). Right after creating 3 pods the cache may not show them yet; without this
/// record the next reconcile would create 3 more. A controller only acts on a key whose expectations are satisfied;
/// expectations older than 5 minutes count as satisfied, so a lost watch event cannot block an owner for ever.
/// </summary>
public sealed class ControllerExpectations(TimeProvider time)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);

    private sealed class Record
    {
        public int Adds;
        public readonly HashSet<string> Deletes = new();
        public DateTimeOffset Since;
    }

    private readonly ConcurrentDictionary<string, Record> records = new();

    public void ExpectCreations(string owner, int count) => Update(owner, r => { r.Adds += count; r.Since = time.GetUtcNow(); });

    public void ExpectDeletions(string owner, IEnumerable<string> podKeys) =>
        Update(owner, r => { r.Deletes.UnionWith(podKeys); r.Since = time.GetUtcNow(); });

    public void CreationObserved(string owner) => Update(owner, r => r.Adds = Math.Max(0, r.Adds - 1));

    public void DeletionObserved(string owner, string podKey) => Update(owner, r => r.Deletes.Remove(podKey));

    public bool Satisfied(string owner)
    {
        if (!records.TryGetValue(owner, out var r)) return true;
        lock (r) return (r.Adds <= 0 && r.Deletes.Count == 0) || time.GetUtcNow() - r.Since > Ttl;
    }

    public void Forget(string owner) => records.TryRemove(owner, out _);

    private void Update(string owner, Action<Record> change)
    {
        var r = records.GetOrAdd(owner, _ => new Record());
        lock (r) change(r);
    }
}
