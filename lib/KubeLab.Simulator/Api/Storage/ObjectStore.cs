using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Util;

namespace KubeLab.Simulator.Api.Storage;

/// <summary>
/// The simulated etcd: objects by resource/namespace/name, one global increasing resourceVersion,
/// and a ring buffer of recent changes so watches can resume from a resourceVersion.
/// Objects handed out are clones; callers never share mutable state with the store.
/// Stored objects are never changed in place (a write stores a new copy), so the history, watchers and
/// <see cref="Changed"/> handlers share them read-only and each watch clones an event only when it sends it – outside the
/// store's lock, and only for watches of that resource type (the real watch cache also keeps one copy per event).
/// Each version is a <see cref="StoredObject"/>: recent ones keep their trees (<see cref="HotSet"/>), the rest only their JSON.
/// </summary>
public sealed class ObjectStore
{
    public const int DefaultHistoryCapacity = 10_000;

    public ObjectStore(int historyCapacity = DefaultHistoryCapacity) => history = new WatchHistory(Math.Max(1, historyCapacity));

    private readonly object gate = new();
    private readonly Dictionary<ResourceType, SortedDictionary<string, StoredObject>> data = new();
    private readonly HotSet hot = new();
    private readonly WatchHistory history;
    // metadata.uid → the stored object (the garbage collector's owner lookups; etcd has no such index, the real GC keeps its own graph).
    private readonly Dictionary<string, StoredObject> byUid = new(StringComparer.Ordinal);
    // A watcher's filter runs under the lock for every event that reaches it, so 100 kubelets watching their own node's pods are
    // woken only for those.
    private readonly WatcherIndex watchers = new();
    private long resourceVersion = 1;

    /// <summary>Raised under the store's lock with the shared, read-only event: handlers must be quick and must not modify it.</summary>
    public event Action<WatchEvent>? Changed;

    public long CurrentResourceVersion { get { lock (gate) return resourceVersion; } }

    /// <summary>The oldest resourceVersion a watch can still start from.</summary>
    public long OldestWatchableVersion { get { lock (gate) return history.Count == 0 ? resourceVersion : history.OldestResourceVersion - 1; } }

    private static string Key(string? ns, string name) => $"{ns}/{name}";

    private SortedDictionary<string, StoredObject> Bucket(ResourceType t)
    {
        t = ResourceRegistry.StorageType(t);
        if (!data.TryGetValue(t, out var b)) data[t] = b = new SortedDictionary<string, StoredObject>(StringComparer.Ordinal);
        return b;
    }

    // Stored objects are immutable, so copies for callers (and parses of cold versions) are made outside the lock: under load
    // (10,000 pods, every component writing) the lock was held mostly for deep clones, and the writers queued behind it.
    public JsonObject? Get(ResourceType t, string? ns, string name)
    {
        StoredObject? s;
        lock (gate) s = Bucket(t).GetValueOrDefault(Key(ns, name));
        return s is null ? null : Private(s);
    }

    /// <summary>A private tree of a stored version: a copy of the shared tree, or a fresh parse of a cold one.</summary>
    private static JsonObject Private(StoredObject s)
    {
        var (obj, shared) = s.Read();
        return shared ? obj.CloneObject() : obj;
    }

    /// <summary>
    /// The stored object itself, shared and read-only (clone it before changing it); null when absent. A cold version is parsed
    /// and kept hot again: what is read is usually written next (a PATCH's basis, a status update).
    /// </summary>
    public JsonObject? GetReadOnly(ResourceType t, string? ns, string name)
    {
        StoredObject? s;
        lock (gate) s = Bucket(t).GetValueOrDefault(Key(ns, name));
        if (s is null) return null;
        if (s.Read() is (var tree, true)) return tree;
        tree = s.Heat();
        lock (gate) hot.Add(s);
        return tree;
    }

    /// <summary>The stored version under a key (its metadata without parsing it); null when absent.</summary>
    public StoredObject? Find(ResourceType t, string? ns, string name)
    {
        lock (gate) return Bucket(t).GetValueOrDefault(Key(ns, name));
    }

    public (List<JsonObject> Items, long ResourceVersion) List(ResourceType t, string? ns)
    {
        var (stored, version) = ListVersions(t, ns);
        return (stored.ConvertAll(Private), version);
    }

    /// <summary>The stored objects of one type (shared and read-only: clone one before changing it; cold ones are parsed, not kept).</summary>
    public (List<JsonObject> Items, long ResourceVersion) ListReadOnly(ResourceType t, string? ns)
    {
        var (stored, version) = ListVersions(t, ns);
        return (stored.ConvertAll(s => s.Object), version);
    }

    /// <summary>The stored versions of one type (immutable; nothing parsed) and the store's resourceVersion.</summary>
    public (List<StoredObject> Items, long ResourceVersion) ListVersions(ResourceType t, string? ns)
    {
        lock (gate)
        {
            var items = ns is null ? [.. Bucket(t).Values] : Bucket(t).Values.Where(o => o.Namespace == ns).ToList();
            return (items, resourceVersion);
        }
    }

    /// <summary>
    /// Every stored version, with the metadata a whole-store scan (the garbage collector's) needs kept apart: reading
    /// <see cref="StoredObject.Object"/> of a cold one parses it, so a scan touches the trees only of what it acts on.
    /// </summary>
    public List<StoredObject> AllStored()
    {
        lock (gate) return data.Values.SelectMany(b => b.Values).ToList();
    }

    public bool ExistsUid(string uid)
    {
        lock (gate) return byUid.ContainsKey(uid);
    }

    /// <summary>The stored version with this metadata.uid (read-only); null when none.</summary>
    public StoredObject? FindByUid(string uid)
    {
        lock (gate) return byUid.GetValueOrDefault(uid);
    }

    /// <summary>The stored object with this metadata.uid, shared and read-only (clone it before changing it); null when none.</summary>
    public JsonObject? ByUidReadOnly(string uid) => FindByUid(uid)?.Object;

    private void IndexUid(StoredObject? before, StoredObject? after)
    {
        if (before?.Uid is { } old) byUid.Remove(old);
        if (after?.Uid is { } now) byUid[now] = after;
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
            var version = Keep(t, stored);
            b[key] = version;
            IndexUid(null, version);
            Record("ADDED", t, stored, version);
        }
        AfterWrite();
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
        // The no-op check needs the current tree: a cold version is parsed outside the lock, then used if still current.
        StoredObject? parsedVersion = null;
        JsonObject? parsed = null;
        while (true)
        {
            JsonObject stored = null!;
            JsonObject? current;
            lock (gate)
            {
                var b = Bucket(t);
                if (!b.TryGetValue(key, out var version)) return new UpdateResult(UpdateOutcome.NotFound, null);
                if (expectedVersion is not null && version.ResourceVersion != expectedVersion)
                    return new UpdateResult(UpdateOutcome.Conflict, null);
                current = ReferenceEquals(version, parsedVersion) ? parsed : version.Tree;
                if (current is null) parsedVersion = version;
                else if (EqualIgnoringResourceVersion(current, copy))
                    stored = current; // no-op writes keep the resourceVersion, like the real server
                else
                {
                    stored = Stamp(copy);
                    var next = Keep(t, stored);
                    version.Superseded = true;
                    b[key] = next;
                    IndexUid(version, next);
                    Record("MODIFIED", t, stored, next, current);
                }
            }
            if (current is null)
            {
                parsed = parsedVersion!.Object;
                continue;
            }
            var result = sharedResult ? stored : stored.CloneObject();
            if (!ReferenceEquals(stored, current)) { AfterWrite(); return new UpdateResult(UpdateOutcome.Updated, result); }
            return new UpdateResult(UpdateOutcome.Unchanged, result);
        }
    }

    public JsonObject? Delete(ResourceType t, string? ns, string name, string? expectedUid = null)
    {
        JsonObject gone;
        lock (gate)
        {
            var b = Bucket(t);
            var key = Key(ns, name);
            if (!b.TryGetValue(key, out var current)) return null;
            if (expectedUid is not null && current.Uid != expectedUid) return null;
            b.Remove(key);
            current.Superseded = true;
            IndexUid(current, null);
            gone = Stamp(Private(current));
            Record("DELETED", t, gone, null);
        }
        AfterWrite();
        return gone.CloneObject();
    }

    /// <summary>A new stored version for a stamped tree; hot until newer writes push it out (under the lock).</summary>
    private StoredObject Keep(ResourceType t, JsonObject stored)
    {
        var version = new StoredObject(ResourceRegistry.StorageType(t), stored);
        hot.Add(version);
        return version;
    }

    /// <summary>Deep equality except metadata.resourceVersion, without cloning either side.</summary>
    private static bool EqualIgnoringResourceVersion(JsonObject a, JsonObject b)
    {
        if (a.Count != b.Count) return false;
        foreach (var (key, value) in a.Members())
        {
            if (!b.TryGetPropertyValue(key, out var other)) return false;
            if (key == "metadata" && value is JsonObject ma && other is JsonObject mb)
            {
                var countA = ma.Count - (ma.ContainsKey("resourceVersion") ? 1 : 0);
                var countB = mb.Count - (mb.ContainsKey("resourceVersion") ? 1 : 0);
                if (countA != countB) return false;
                foreach (var (mk, mv) in ma.Members())
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

    private void Record(string type, ResourceType t, JsonObject stored, StoredObject? version, JsonObject? previous = null)
    {
        // stored and previous are never modified again: the history and the watchers share them (a watch clones what it sends).
        var ev = new WatchEvent(resourceVersion, type, ResourceRegistry.StorageType(t), stored, previous) { Stored = version };
        history.Add(ev);
        watchers.Notify(ev);
        Changed?.Invoke(ev);
    }

    /// <summary>
    /// After a write, outside the lock: encodes the history's older events once enough have passed, and lets the oldest hot
    /// versions go cold.
    /// </summary>
    private void AfterWrite()
    {
        WatchHistory.Work? work;
        List<StoredObject>? cooling;
        lock (gate) (work, cooling) = (history.TakeBatch(), hot.TakeBatch());
        if (work is not null)
        {
            history.Compact(work);
            lock (gate) history.Store(work);
        }
        if (cooling is not null)
        {
            HotSet.Cool(cooling);
            lock (gate) hot.Done();
        }
    }

    /// <summary>
    /// Subscribe to changes after <paramref name="fromVersion"/> (of one resource type, or all when <paramref name="type"/> is null).
    /// Returns null when that version has left the history (410 Expired). The replay and the live subscription are taken under
    /// one lock so no event is lost or duplicated. The events' objects are shared and read-only: clone one before changing it.
    /// </summary>
    /// <param name="podNodeName">For a pod watch, the spec.nodeName its field selector requires: only pods on that node wake it.</param>
    public Channel<WatchEvent>? Watch(long fromVersion, out long oldest, ResourceType? type = null, Func<WatchEvent, bool>? filter = null,
        string? podNodeName = null)
    {
        var only = type is null ? null : ResourceRegistry.StorageType(type);
        lock (gate)
        {
            oldest = history.Count == 0 ? resourceVersion : history.OldestResourceVersion - 1;
            if (fromVersion < oldest) return null;
            var ch = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
            foreach (var ev in history.Since(fromVersion, only))
                if (WatcherIndex.Passes(filter, ev)) ch.Writer.TryWrite(ev);
            watchers.Add(ch, only, filter, podNodeName);
            return ch;
        }
    }

    /// <summary>Snapshot of current objects plus a live subscription from that exact point (watch without resourceVersion).</summary>
    public (List<JsonObject> Existing, Channel<WatchEvent> Channel) ListAndWatch(ResourceType t, string? ns, Func<WatchEvent, bool>? filter = null,
        string? podNodeName = null)
    {
        List<StoredObject> items;
        var ch = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (gate)
        {
            (items, _) = ListVersions(t, ns);
            watchers.Add(ch, ResourceRegistry.StorageType(t), filter, podNodeName);
        }
        return (items.ConvertAll(Private), ch);
    }

    public void Unwatch(Channel<WatchEvent> ch)
    {
        lock (gate) watchers.Remove(ch);
        ch.Writer.TryComplete();
    }
}

public enum UpdateOutcome { Updated, Unchanged, NotFound, Conflict }

public sealed record UpdateResult(UpdateOutcome Outcome, JsonObject? Object);
