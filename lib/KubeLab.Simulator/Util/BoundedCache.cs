using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace KubeLab.Simulator.Util;

/// <summary>
/// A concurrent map that forgets everything once it holds <c>capacity</c> entries – enough for caches of values that are cheap to
/// work out again (authorization decisions, parsed paths, event aggregation keys), simpler than an LRU. It counts its own entries
/// (approximately, under races): ConcurrentDictionary.Count takes every lock of the table, and on a grown table that cost more
/// than the lookups the cache saved. Forgetting starts a new table sized for <c>capacity</c>: ConcurrentDictionary.Clear shrinks
/// to its smallest size, and growing back step by step (GrowTable) was ~1.5 % of the worker CPU at 10,000 pods for the string table.
/// </summary>
public sealed class BoundedCache<TKey, TValue>(int capacity, IEqualityComparer<TKey>? comparer = null) where TKey : notnull
{
    private volatile ConcurrentDictionary<TKey, TValue> map = new(comparer);
    private int count;

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value) => map.TryGetValue(key, out value);

    public void Set(TKey key, TValue value)
    {
        var map = this.map;
        if (map.ContainsKey(key)) { map[key] = value; return; }
        if (Volatile.Read(ref count) >= capacity) map = Forget();
        if (map.TryAdd(key, value)) Interlocked.Increment(ref count);
        else map[key] = value;
    }

    /// <summary>The cached value, or <paramref name="value"/> after caching it (a string pool's GetOrAdd).</summary>
    public TValue GetOrAdd(TKey key, TValue value)
    {
        var map = this.map;
        if (map.TryGetValue(key, out var known)) return known;
        if (Volatile.Read(ref count) >= capacity) map = Forget();
        if (!map.TryAdd(key, value)) return map.TryGetValue(key, out var raced) ? raced : value;
        Interlocked.Increment(ref count);
        return value;
    }

    /// <summary>The cached value, or the one <paramref name="create"/> makes (only on a miss) after caching it.</summary>
    public TValue GetOrAdd(TKey key, Func<TKey, TValue> create) => map.TryGetValue(key, out var known) ? known : GetOrAdd(key, create(key));

    /// <summary>Lookups by another form of the key (a span of characters for a string), without allocating one; valid until the
    /// cache next forgets (ask again per lookup).</summary>
    public ConcurrentDictionary<TKey, TValue>.AlternateLookup<TAlternate> GetAlternateLookup<TAlternate>() where TAlternate : notnull, allows ref struct
        => map.GetAlternateLookup<TAlternate>();

    public void Remove(TKey key)
    {
        if (map.TryRemove(key, out _)) Interlocked.Decrement(ref count);
    }

    /// <summary>Starts again empty; returns the new table. Entries a racing writer adds to the old one are lost: a cache may forget.</summary>
    private ConcurrentDictionary<TKey, TValue> Forget()
    {
        var fresh = new ConcurrentDictionary<TKey, TValue>(Environment.ProcessorCount, Math.Min(capacity, 1 << 20), comparer);
        map = fresh;
        Interlocked.Exchange(ref count, 0);
        return fresh;
    }
}
