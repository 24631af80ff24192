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

    private readonly int historyCapacity;

    public ObjectStore(int historyCapacity = DefaultHistoryCapacity) => this.historyCapacity = Math.Max(1, historyCapacity);

    private readonly object gate = new();
    private readonly Dictionary<ResourceType, SortedDictionary<string, JsonObject>> data = new();
    private readonly Queue<WatchEvent> history = new();
    // metadata.uid → the stored object (the garbage collector's owner lookups; etcd has no such index, the real GC keeps its own graph).
    private readonly Dictionary<string, JsonObject> byUid = new(StringComparer.Ordinal);
    private readonly List<(Channel<WatchEvent> Channel, ResourceType? Type)> watchers = [];
    private long resourceVersion = 1;

    /// <summary>Raised under the store's lock with the shared, read-only event: handlers must be quick and must not modify it.</summary>
    public event Action<WatchEvent>? Changed;

    public long CurrentResourceVersion { get { lock (gate) return resourceVersion; } }

    /// <summary>The oldest resourceVersion a watch can still start from.</summary>
    public long OldestWatchableVersion { get { lock (gate) return history.Count == 0 ? resourceVersion : history.Peek().ResourceVersion - 1; } }

    private static string Key(string? ns, string name) => $"{ns}/{name}";

    private SortedDictionary<string, JsonObject> Bucket(ResourceType t)
    {
        t = ResourceRegistry.StorageType(t);
        if (!data.TryGetValue(t, out var b)) data[t] = b = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        return b;
    }

    public JsonObject? Get(ResourceType t, string? ns, string name)
    {
        lock (gate) return Bucket(t).TryGetValue(Key(ns, name), out var o) ? o.CloneObject() : null;
    }

    public (List<JsonObject> Items, long ResourceVersion) List(ResourceType t, string? ns)
    {
        lock (gate)
        {
            var items = Bucket(t).Values.Where(o => ns is null || o.Namespace() == ns).Select(o => o.CloneObject()).ToList();
            return (items, resourceVersion);
        }
    }

    public List<(ResourceType Type, JsonObject Object)> All()
    {
        lock (gate) return data.SelectMany(kv => kv.Value.Values.Select(o => (kv.Key, o.CloneObject()))).ToList();
    }

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
    public JsonObject? Create(ResourceType t, JsonObject obj)
    {
        lock (gate)
        {
            var b = Bucket(t);
            var key = Key(obj.Namespace(), obj.Name());
            if (b.ContainsKey(key)) return null;
            var stored = Stamp(obj);
            b[key] = stored;
            IndexUid(null, stored);
            return Record("ADDED", t, stored);
        }
    }

    /// <summary>Replace an object if its resourceVersion still equals <paramref name="expectedVersion"/> (null = unconditional).</summary>
    public UpdateResult Update(ResourceType t, JsonObject obj, string? expectedVersion)
    {
        lock (gate)
        {
            var b = Bucket(t);
            var key = Key(obj.Namespace(), obj.Name());
            if (!b.TryGetValue(key, out var current)) return new UpdateResult(UpdateOutcome.NotFound, null);
            if (expectedVersion is not null && current.Meta().Str("resourceVersion") != expectedVersion)
                return new UpdateResult(UpdateOutcome.Conflict, null);
            if (EqualIgnoringResourceVersion(current, obj))
                return new UpdateResult(UpdateOutcome.Unchanged, current.CloneObject()); // no-op writes keep the resourceVersion, like the real server
            var stored = Stamp(obj);
            b[key] = stored;
            IndexUid(current, stored);
            return new UpdateResult(UpdateOutcome.Updated, Record("MODIFIED", t, stored, current));
        }
    }

    public JsonObject? Delete(ResourceType t, string? ns, string name, string? expectedUid = null)
    {
        lock (gate)
        {
            var b = Bucket(t);
            var key = Key(ns, name);
            if (!b.TryGetValue(key, out var current)) return null;
            if (expectedUid is not null && current.Uid() != expectedUid) return null;
            b.Remove(key);
            IndexUid(current, null);
            var gone = Stamp(current);
            return Record("DELETED", t, gone);
        }
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

    private JsonObject Stamp(JsonObject obj)
    {
        var stored = obj.CloneObject();
        stored.Meta()["resourceVersion"] = (++resourceVersion).ToString(CultureInfo.InvariantCulture);
        return stored;
    }

    private JsonObject Record(string type, ResourceType t, JsonObject stored, JsonObject? previous = null)
    {
        // stored and previous are never modified again: the history and the watchers share them (a watch clones what it sends).
        var ev = new WatchEvent(resourceVersion, type, ResourceRegistry.StorageType(t), stored, previous);
        history.Enqueue(ev);
        while (history.Count > historyCapacity) history.Dequeue();
        foreach (var (channel, only) in watchers)
            if (only is null || only == ev.Resource) channel.Writer.TryWrite(ev);
        Changed?.Invoke(ev);
        return stored.CloneObject();
    }

    /// <summary>
    /// Subscribe to changes after <paramref name="fromVersion"/> (of one resource type, or all when <paramref name="type"/> is null).
    /// Returns null when that version has left the history (410 Expired). The replay and the live subscription are taken under
    /// one lock so no event is lost or duplicated. The events' objects are shared and read-only: clone one before changing it.
    /// </summary>
    public Channel<WatchEvent>? Watch(long fromVersion, out long oldest, ResourceType? type = null)
    {
        var only = type is null ? null : ResourceRegistry.StorageType(type);
        lock (gate)
        {
            oldest = history.Count == 0 ? resourceVersion : history.Peek().ResourceVersion - 1;
            if (fromVersion < oldest) return null;
            var ch = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
            foreach (var ev in history)
                if (ev.ResourceVersion > fromVersion && (only is null || only == ev.Resource)) ch.Writer.TryWrite(ev);
            watchers.Add((ch, only));
            return ch;
        }
    }

    /// <summary>Snapshot of current objects plus a live subscription from that exact point (watch without resourceVersion).</summary>
    public (List<JsonObject> Existing, Channel<WatchEvent> Channel) ListAndWatch(ResourceType t, string? ns)
    {
        lock (gate)
        {
            var (items, _) = List(t, ns);
            var ch = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
            watchers.Add((ch, ResourceRegistry.StorageType(t)));
            return (items, ch);
        }
    }

    public void Unwatch(Channel<WatchEvent> ch)
    {
        lock (gate) watchers.RemoveAll(w => w.Channel == ch);
        ch.Writer.TryComplete();
    }
}

public enum UpdateOutcome { Updated, Unchanged, NotFound, Conflict }

public sealed record UpdateResult(UpdateOutcome Outcome, JsonObject? Object);
