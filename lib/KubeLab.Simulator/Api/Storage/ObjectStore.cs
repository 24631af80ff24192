using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Storage;

/// <summary>
/// The simulated etcd: objects by resource/namespace/name, one global increasing resourceVersion,
/// and a ring buffer of recent changes so watches can resume from a resourceVersion.
/// Objects handed out are clones; callers never share mutable state with the store.
/// Stored objects are never changed in place (a write stores a new copy), so the history, watchers and
/// <see cref="Changed"/> handlers share them read-only and each watch clones an event only when it sends it – outside the
/// store's lock, and only for watches of that resource type (the real watch cache also keeps one copy per event).
/// </summary>
public sealed class ObjectStore
{
    public const int DefaultHistoryCapacity = 10_000;

    public ObjectStore(int historyCapacity = DefaultHistoryCapacity) => history = new WatchHistory(Math.Max(1, historyCapacity));

    private readonly object gate = new();
    private readonly Dictionary<ResourceType, SortedDictionary<string, JsonObject>> data = new();
    private readonly WatchHistory history;
    // metadata.uid → the stored object (the garbage collector's owner lookups; etcd has no such index, the real GC keeps its own graph).
    private readonly Dictionary<string, JsonObject> byUid = new(StringComparer.Ordinal);
    // A watcher's filter runs under the lock for every event of its type, so 100 kubelets watching their own node's pods are
    // woken only for those (the watch cache's trigger index on spec.nodeName does the same upstream).
    private readonly List<(Channel<WatchEvent> Channel, ResourceType? Type, Func<WatchEvent, bool>? Filter)> watchers = [];
    private long resourceVersion = 1;

    /// <summary>Raised under the store's lock with the shared, read-only event: handlers must be quick and must not modify it.</summary>
    public event Action<WatchEvent>? Changed;

    public long CurrentResourceVersion { get { lock (gate) return resourceVersion; } }

    /// <summary>The oldest resourceVersion a watch can still start from.</summary>
    public long OldestWatchableVersion { get { lock (gate) return history.Count == 0 ? resourceVersion : history.OldestResourceVersion - 1; } }

    private static string Key(string? ns, string name) => $"{ns}/{name}";

    private SortedDictionary<string, JsonObject> Bucket(ResourceType t)
    {
        t = ResourceRegistry.StorageType(t);
        if (!data.TryGetValue(t, out var b)) data[t] = b = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        return b;
    }

    // Stored objects are immutable, so copies for callers are made outside the lock: under load (10,000 pods, every component
    // writing) the lock was held mostly for deep clones, and the writers queued behind it.
    public JsonObject? Get(ResourceType t, string? ns, string name)
    {
        JsonObject? o;
        lock (gate) o = Bucket(t).GetValueOrDefault(Key(ns, name));
        return o?.CloneObject();
    }

    /// <summary>The stored object itself, shared and read-only (clone it before changing it); null when absent.</summary>
    public JsonObject? GetReadOnly(ResourceType t, string? ns, string name)
    {
        lock (gate) return Bucket(t).GetValueOrDefault(Key(ns, name));
    }

    public (List<JsonObject> Items, long ResourceVersion) List(ResourceType t, string? ns)
    {
        var (shared, version) = ListReadOnly(t, ns);
        for (var i = 0; i < shared.Count; i++) shared[i] = shared[i].CloneObject();
        return (shared, version);
    }

    /// <summary>The stored objects of one type without copying (shared and read-only: clone one before changing it).</summary>
    public (List<JsonObject> Items, long ResourceVersion) ListReadOnly(ResourceType t, string? ns)
    {
        lock (gate)
        {
            var items = ns is null ? [.. Bucket(t).Values] : Bucket(t).Values.Where(o => o.Namespace() == ns).ToList();
            return (items, resourceVersion);
        }
    }

    public List<(ResourceType Type, JsonObject Object)> All()
        => AllReadOnly().Select(x => (x.Type, x.Object.CloneObject())).ToList();

    /// <summary>
    /// Every stored object without copying (a whole-store scan such as the garbage collector's would otherwise clone the
    /// cluster on every pass). The objects are shared and read-only: clone one before changing it.
    /// </summary>
    public List<(ResourceType Type, JsonObject Object)> AllReadOnly()
    {
        lock (gate) return data.SelectMany(kv => kv.Value.Values.Select(o => (kv.Key, o))).ToList();
    }

    public bool ExistsUid(string uid)
    {
        lock (gate) return byUid.ContainsKey(uid);
    }

    /// <summary>The stored object with this metadata.uid, shared and read-only (clone it before changing it); null when none.</summary>
    public JsonObject? ByUidReadOnly(string uid)
    {
        lock (gate) return byUid.GetValueOrDefault(uid);
    }

    private void IndexUid(JsonObject? before, JsonObject? after)
    {
        if (before?.Uid() is { } old) byUid.Remove(old);
        if (after?.Uid() is { } now) byUid[now] = after;
    }

    /// <summary>Insert a new object; returns the stored copy with its resourceVersion. Null when the name is taken.</summary>
    public JsonObject? Create(ResourceType t, JsonObject obj) => Create(t, obj, handOver: false, sharedResult: false);

    /// <summary>
    /// As <see cref="Create(ResourceType, JsonObject)"/>; with <paramref name="handOver"/> the store keeps <paramref name="obj"/>
    /// itself (the caller's private copy, never touched again), with <paramref name="sharedResult"/> it returns the stored object
    /// (read-only) rather than a copy: a POST's body becomes the stored object and its response, with no deep copy.
    /// </summary>
    public JsonObject? Create(ResourceType t, JsonObject obj, bool handOver, bool sharedResult)
    {
        var copy = handOver ? obj : obj.CloneObject();
        var key = Key(copy.Namespace(), copy.Name());
        JsonObject stored;
        lock (gate)
        {
            var b = Bucket(t);
            if (b.ContainsKey(key)) return null;
            stored = Stamp(copy);
            b[key] = stored;
            IndexUid(null, stored);
            Record("ADDED", t, stored);
        }
        CompactHistory();
        return sharedResult ? stored : stored.CloneObject();
    }

    /// <summary>Replace an object if its resourceVersion still equals <paramref name="expectedVersion"/> (null = unconditional).</summary>
    public UpdateResult Update(ResourceType t, JsonObject obj, string? expectedVersion) => Update(t, obj, expectedVersion, handOver: false);

    /// <summary>
    /// As <see cref="Update(ResourceType, JsonObject, string?)"/>; with <paramref name="handOver"/> the caller gives the store
    /// <paramref name="obj"/> itself (a private copy it never touches again), saving one deep copy per write.
    /// </summary>
    /// <param name="sharedResult">Return the stored object itself (read-only) instead of a copy.</param>
    public UpdateResult Update(ResourceType t, JsonObject obj, string? expectedVersion, bool handOver, bool sharedResult = false)
    {
        var copy = handOver ? obj : obj.CloneObject();
        var key = Key(copy.Namespace(), copy.Name());
        JsonObject stored;
        JsonObject? current;
        lock (gate)
        {
            var b = Bucket(t);
            if (!b.TryGetValue(key, out current)) return new UpdateResult(UpdateOutcome.NotFound, null);
            if (expectedVersion is not null && current.Meta().Str("resourceVersion") != expectedVersion)
                return new UpdateResult(UpdateOutcome.Conflict, null);
            if (EqualIgnoringResourceVersion(current, copy))
                stored = current; // no-op writes keep the resourceVersion, like the real server
            else
            {
                stored = Stamp(copy);
                b[key] = stored;
                IndexUid(current, stored);
                Record("MODIFIED", t, stored, current);
            }
        }
        var result = sharedResult ? stored : stored.CloneObject();
        if (!ReferenceEquals(stored, current)) { CompactHistory(); return new UpdateResult(UpdateOutcome.Updated, result); }
        return new UpdateResult(UpdateOutcome.Unchanged, result);
    }

    public JsonObject? Delete(ResourceType t, string? ns, string name, string? expectedUid = null)
    {
        JsonObject gone;
        lock (gate)
        {
            var b = Bucket(t);
            var key = Key(ns, name);
            if (!b.TryGetValue(key, out var current)) return null;
            if (expectedUid is not null && current.Uid() != expectedUid) return null;
            b.Remove(key);
            IndexUid(current, null);
            gone = Stamp(current.CloneObject());
            Record("DELETED", t, gone);
        }
        CompactHistory();
        return gone.CloneObject();
    }

    /// <summary>Deep equality except metadata.resourceVersion, without cloning either side.</summary>
    private static bool EqualIgnoringResourceVersion(JsonObject a, JsonObject b)
    {
        if (a.Count != b.Count) return false;
        foreach (var (key, value) in a)
        {
            if (!b.TryGetPropertyValue(key, out var other)) return false;
            if (key == "metadata" && value is JsonObject ma && other is JsonObject mb)
            {
                var countA = ma.Count - (ma.ContainsKey("resourceVersion") ? 1 : 0);
                var countB = mb.Count - (mb.ContainsKey("resourceVersion") ? 1 : 0);
                if (countA != countB) return false;
                foreach (var (mk, mv) in ma)
                    if (mk != "resourceVersion" && (!mb.TryGetPropertyValue(mk, out var mo) || !JsonNode.DeepEquals(mv, mo))) return false;
            }
            else if (!JsonNode.DeepEquals(value, other)) return false;
        }
        return true;
    }

    /// <summary>Gives a private copy (the caller's, never a stored one) the next resourceVersion; under the lock.</summary>
    private JsonObject Stamp(JsonObject copy)
    {
        copy.Meta()["resourceVersion"] = (++resourceVersion).ToString(CultureInfo.InvariantCulture);
        return copy;
    }

    private void Record(string type, ResourceType t, JsonObject stored, JsonObject? previous = null)
    {
        // stored and previous are never modified again: the history and the watchers share them (a watch clones what it sends).
        var ev = new WatchEvent(resourceVersion, type, ResourceRegistry.StorageType(t), stored, previous);
        history.Add(ev);
        foreach (var (channel, only, filter) in watchers)
            if ((only is null || only == ev.Resource) && Passes(filter, ev)) channel.Writer.TryWrite(ev);
        Changed?.Invoke(ev);
    }

    /// <summary>Encodes the history's older events once enough have passed (after a write, outside the lock).</summary>
    private void CompactHistory()
    {
        WatchHistory.Work? work;
        lock (gate) work = history.TakeBatch(IsCurrent);
        if (work is null) return;
        history.Compact(work);
        lock (gate) history.Store(work);
    }

    /// <summary>Whether an event's object is still the stored one (under the lock).</summary>
    private bool IsCurrent(WatchEvent ev) =>
        data.TryGetValue(ev.Resource, out var b) && b.TryGetValue(Key(ev.Object.Namespace(), ev.Object.Name()), out var now)
        && ReferenceEquals(now, ev.Object);

    /// <summary>
    /// Subscribe to changes after <paramref name="fromVersion"/> (of one resource type, or all when <paramref name="type"/> is null).
    /// Returns null when that version has left the history (410 Expired). The replay and the live subscription are taken under
    /// one lock so no event is lost or duplicated. The events' objects are shared and read-only: clone one before changing it.
    /// </summary>
    public Channel<WatchEvent>? Watch(long fromVersion, out long oldest, ResourceType? type = null, Func<WatchEvent, bool>? filter = null)
    {
        var only = type is null ? null : ResourceRegistry.StorageType(type);
        lock (gate)
        {
            oldest = history.Count == 0 ? resourceVersion : history.OldestResourceVersion - 1;
            if (fromVersion < oldest) return null;
            var ch = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
            foreach (var ev in history.Since(fromVersion, only))
                if (Passes(filter, ev)) ch.Writer.TryWrite(ev);
            watchers.Add((ch, only, filter));
            return ch;
        }
    }

    /// <summary>Snapshot of current objects plus a live subscription from that exact point (watch without resourceVersion).</summary>
    public (List<JsonObject> Existing, Channel<WatchEvent> Channel) ListAndWatch(ResourceType t, string? ns, Func<WatchEvent, bool>? filter = null)
    {
        List<JsonObject> items;
        var ch = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (gate)
        {
            (items, _) = ListReadOnly(t, ns);
            watchers.Add((ch, ResourceRegistry.StorageType(t), filter));
        }
        for (var i = 0; i < items.Count; i++) items[i] = items[i].CloneObject();
        return (items, ch);
    }

    /// <summary>A watcher's filter says whether an event may concern it (a cheap superset test); a failing filter lets it through.</summary>
    private static bool Passes(Func<WatchEvent, bool>? filter, WatchEvent ev)
    {
        if (filter is null) return true;
        try { return filter(ev); }
        catch (Exception) { return true; }
    }

    public void Unwatch(Channel<WatchEvent> ch)
    {
        lock (gate) watchers.RemoveAll(w => w.Channel == ch);
        ch.Writer.TryComplete();
    }
}

public enum UpdateOutcome { Updated, Unchanged, NotFound, Conflict }

public sealed record UpdateResult(UpdateOutcome Outcome, JsonObject? Object);
