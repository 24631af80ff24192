using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Storage;

/// <summary>
/// The simulated etcd: objects by resource/namespace/name, one global increasing resourceVersion,
/// and a ring buffer of recent changes so watches can resume from a resourceVersion.
/// Objects handed out are clones; callers never share mutable state with the store.
/// </summary>
public sealed class ObjectStore
{
    public const int DefaultHistoryCapacity = 10_000;

    private readonly int historyCapacity;

    public ObjectStore(int historyCapacity = DefaultHistoryCapacity) => this.historyCapacity = Math.Max(1, historyCapacity);

    private readonly object gate = new();
    private readonly Dictionary<ResourceType, SortedDictionary<string, JsonObject>> data = new();
    private readonly Queue<WatchEvent> history = new();
    private readonly List<Channel<WatchEvent>> watchers = [];
    private long resourceVersion = 1;

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

    public bool ExistsUid(string uid)
    {
        lock (gate) return data.Values.Any(b => b.Values.Any(o => o.Uid() == uid));
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
            if (JsonNode.DeepEquals(Normalize(current), Normalize(obj)))
                return new UpdateResult(UpdateOutcome.Unchanged, current.CloneObject()); // no-op writes keep the resourceVersion, like the real server
            var stored = Stamp(obj);
            b[key] = stored;
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
            var gone = Stamp(current);
            return Record("DELETED", t, gone);
        }
    }

    private static JsonObject Normalize(JsonObject o)
    {
        var c = o.CloneObject();
        c.Meta().Remove("resourceVersion");
        return c;
    }

    private JsonObject Stamp(JsonObject obj)
    {
        var stored = obj.CloneObject();
        stored.Meta()["resourceVersion"] = (++resourceVersion).ToString(CultureInfo.InvariantCulture);
        return stored;
    }

    private JsonObject Record(string type, ResourceType t, JsonObject stored, JsonObject? previous = null)
    {
        var ev = new WatchEvent(resourceVersion, type, ResourceRegistry.StorageType(t), stored.CloneObject(), previous?.CloneObject());
        history.Enqueue(ev);
        while (history.Count > historyCapacity) history.Dequeue();
        // Every watcher gets its own copy: JSON nodes are neither thread-safe nor shareable between parents.
        foreach (var w in watchers) w.Writer.TryWrite(ev with { Object = stored.CloneObject(), Previous = previous?.CloneObject() });
        Changed?.Invoke(ev with { Object = stored.CloneObject(), Previous = previous?.CloneObject() });
        return stored.CloneObject();
    }

    /// <summary>
    /// Subscribe to changes after <paramref name="fromVersion"/>. Returns null when that version has left the history (410 Expired).
    /// The replay and the live subscription are taken under one lock so no event is lost or duplicated.
    /// </summary>
    public Channel<WatchEvent>? Watch(long fromVersion, out long oldest)
    {
        lock (gate)
        {
            oldest = history.Count == 0 ? resourceVersion : history.Peek().ResourceVersion - 1;
            if (fromVersion < oldest) return null;
            var ch = Channel.CreateUnbounded<WatchEvent>();
            foreach (var ev in history)
                if (ev.ResourceVersion > fromVersion) ch.Writer.TryWrite(ev with { Object = ev.Object.CloneObject(), Previous = ev.Previous?.CloneObject() });
            watchers.Add(ch);
            return ch;
        }
    }

    /// <summary>Snapshot of current objects plus a live subscription from that exact point (watch without resourceVersion).</summary>
    public (List<JsonObject> Existing, Channel<WatchEvent> Channel) ListAndWatch(ResourceType t, string? ns)
    {
        lock (gate)
        {
            var (items, _) = List(t, ns);
            var ch = Channel.CreateUnbounded<WatchEvent>();
            watchers.Add(ch);
            return (items, ch);
        }
    }

    public void Unwatch(Channel<WatchEvent> ch)
    {
        lock (gate) watchers.Remove(ch);
        ch.Writer.TryComplete();
    }
}

public enum UpdateOutcome { Updated, Unchanged, NotFound, Conflict }

public sealed record UpdateResult(UpdateOutcome Outcome, JsonObject? Object);
