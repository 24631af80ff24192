using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// A controller's view of its informer cache that includes the controller's own writes before the watch delivers them –
/// client-go's <c>tools/cache.MutationCache</c> (<c>NewIntegerResourceVersionMutationCache</c>): the object an update returned is
/// kept and served while it is newer than the informer's copy, compared by resourceVersion as an integer (what an etcd-backed
/// apiserver, and this one, hands out). Without it a sync that runs on a stale copy undoes a decision the last sync persisted:
/// a Job whose <c>FailureTarget</c> was written but not yet watched looks like a running Job with no pods and gets a new one.
/// </summary>
public sealed class MutationCache<T, TList>
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : class, IKubernetesObject<V1ListMeta>, IItems<T>
{
    private readonly Informer<T, TList> informer;
    private readonly ConcurrentDictionary<string, T> written = new();

    public MutationCache(Informer<T, TList> informer) => this.informer = informer;

    /// <summary>The newer of the informer's copy and the last object this controller wrote; null once the object is gone.</summary>
    public T? Get(string key)
    {
        var cached = informer.Get(key);
        if (!written.TryGetValue(key, out var mine)) return cached;
        if (cached is not null && mine.Metadata.Uid == cached.Metadata.Uid && Version(mine) > Version(cached)) return mine;
        // The watch caught up (or the object was deleted or replaced): the informer's copy is the truth again.
        written.TryRemove(new KeyValuePair<string, T>(key, mine));
        return cached;
    }

    /// <summary>Records what a write returned.</summary>
    public void Mutated(T obj) => written[Informer<T, TList>.KeyOf(obj)] = obj;

    /// <summary>Drops a deleted object's entry.</summary>
    public void Forget(string key) => written.TryRemove(key, out _);

    private static long Version(T obj) => long.TryParse(obj.Metadata.ResourceVersion, out var v) ? v : long.MinValue;
}
