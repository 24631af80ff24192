using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;

namespace KubeLab.Simulator.Api.Storage;

/// <summary>
/// One stored version of an object, never changed once written (an etcd revision). It keeps its parsed tree while it is hot
/// (just written or read: the next PATCH, watch event or informer lookup wants the tree) and otherwise only its JSON as UTF-8,
/// parsed again on demand. A pod's tree costs ~10× its 2.4 KB of JSON; with every object kept as a tree, 10,000 pods held
/// ~230 MB of trees (issue 7). The metadata the garbage collector scans on every pass is kept apart, so a pass parses nothing.
/// </summary>
public sealed class StoredObject
{
    private JsonObject? tree;
    private byte[]? json;

    internal StoredObject(ResourceType type, JsonObject stored)
    {
        Type = type;
        tree = stored;
        var meta = stored.Meta();
        Namespace = meta.Str("namespace");
        Name = meta.Str("name") ?? "";
        Uid = meta.Str("uid");
        ResourceVersion = meta.Str("resourceVersion");
        IsDeleting = meta["deletionTimestamp"] is not null;
        OwnerUids = meta["ownerReferences"] is JsonArray refs ? refs.Select(r => r.Str("uid")).ToArray() : [];
    }

    /// <summary>The storage type (the one every version of a resource is kept under).</summary>
    public ResourceType Type { get; }
    public string? Namespace { get; }
    public string Name { get; }
    public string? Uid { get; }
    public string? ResourceVersion { get; }
    public bool IsDeleting { get; }
    /// <summary>metadata.ownerReferences[*].uid (null where a reference has none).</summary>
    public IReadOnlyList<string?> OwnerUids { get; }

    /// <summary>
    /// The object: the shared tree while hot (read-only: clone it before changing it), else a fresh tree parsed from the JSON
    /// (private to the caller).
    /// </summary>
    public JsonObject Object => Volatile.Read(ref tree) ?? Parse();

    internal bool IsHot => Volatile.Read(ref tree) is not null;

    /// <summary>The shared tree while hot, else null (never parses: safe under the store's lock).</summary>
    internal JsonObject? Tree => Volatile.Read(ref tree);

    /// <summary>The tree and whether it is the shared one (true) or a private parse of the JSON (false).</summary>
    internal (JsonObject Object, bool Shared) Read() => Volatile.Read(ref tree) is { } hot ? (hot, true) : (Parse(), false);

    /// <summary>Set when a newer version (or a deletion) replaced this one in the store; under the store's lock.</summary>
    internal bool Superseded { get; set; }

    /// <summary>Set when the watch history keeps this version as an event's object (its tree must still go cold); under the store's lock.</summary>
    internal bool InHistory { get; set; }

    /// <summary>
    /// Whether the tree should go cold when it leaves the hot set: not for a version that was replaced and that the history does
    /// not keep (nothing references it any more, so the tree goes with it; encoding it would be wasted).
    /// </summary>
    internal bool WorthCooling => !Superseded || InHistory;

    /// <summary>Parses the JSON and keeps the tree again (a read that is likely followed by a write); returns it.</summary>
    internal JsonObject Heat()
    {
        if (Volatile.Read(ref tree) is { } hot) return hot;
        var parsed = Parse();
        Interlocked.CompareExchange(ref tree, parsed, null);
        return Volatile.Read(ref tree) ?? parsed;
    }

    /// <summary>
    /// The UTF-8 JSON of this version, offered by whoever already encoded the tree (a watch stream's copy of the event): cooling
    /// then has nothing left to encode.
    /// </summary>
    internal void OfferJson(byte[] utf8) => Interlocked.CompareExchange(ref json, utf8, null);

    /// <summary>Drops the tree, encoding it first when no JSON is kept yet (outside the store's lock: the tree is immutable).</summary>
    internal void Cool()
    {
        if (Volatile.Read(ref tree) is not { } hot) return;
        // JSON first, then the tree: a reader that finds no tree always finds the JSON.
        if (Volatile.Read(ref json) is null) OfferJson(GoJson.SerializeToUtf8Bytes(hot));
        Volatile.Write(ref tree, null);
    }

    private JsonObject Parse() =>
        JsonTreeReader.Parse(Volatile.Read(ref json) ?? throw new InvalidOperationException("A stored object has neither a tree nor JSON."))!.AsObject();
}
