using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Storage;

/// <summary>
/// The store's ring of recent changes, from which a watch resumes at a resourceVersion (the watch cache's event window,
/// <c>staging/src/k8s.io/apiserver/pkg/storage/cacher/watch_cache.go</c>). The newest <see cref="LiveWindow"/> events keep their
/// objects as shared trees (resumes from a recent version are the common case); older ones keep superseded objects as
/// compressed UTF-8 JSON, parsed again only when a watch replays them. A tree costs several times its JSON, and most of the ring holds versions
/// nobody reads any more (issue 7: 10,000 events were ~60 MB of trees). Objects still current are kept as the store's
/// <see cref="StoredObject"/> (tree or JSON, whichever it holds).
/// Every member except <see cref="Compact"/> runs under the store's lock.
/// </summary>
internal sealed class WatchHistory(int capacity)
{
    public const int LiveWindow = 1_000;
    private const int Batch = 256;

    private readonly Queue<Entry> entries = new();
    // The same superseded version is the Object of one event and the Previous of the next: encode it once.
    private readonly ConditionalWeakTable<JsonObject, byte[]> encoded = new();
    private int live;            // entries at the newest end that still hold their event as is
    private bool compacting;

    public int Count => entries.Count;

    public long OldestResourceVersion => entries.Peek().ResourceVersion;

    public void Add(WatchEvent ev)
    {
        entries.Enqueue(new Entry(ev));
        live++;
        while (entries.Count > capacity)
            if (entries.Dequeue().IsLive) live--;
    }

    /// <summary>The events after <paramref name="fromVersion"/> of one storage type (all when null), oldest first.</summary>
    public IEnumerable<WatchEvent> Since(long fromVersion, ResourceType? only)
    {
        foreach (var entry in entries)
            if (entry.ResourceVersion > fromVersion && (only is null || only == entry.Resource)) yield return entry.Event;
    }

    /// <summary>
    /// The oldest live events past the window, to encode outside the lock; null when there are too few or another writer is
    /// already encoding. An event whose object is still the stored version keeps that version (which goes cold on its own).
    /// </summary>
    public Work? TakeBatch()
    {
        if (compacting || live < LiveWindow + Batch) return null;
        compacting = true;
        var batch = entries.Skip(entries.Count - live).Take(Batch)
            .Select(e => (e, e.Event, Current(e.Event))).ToList();
        live -= batch.Count;
        return new Work(batch);
    }

    private static StoredObject? Current(WatchEvent ev)
    {
        if (ev.Stored is not { Superseded: false } stored) return null;
        stored.InHistory = true;
        return stored;
    }

    /// <summary>Encodes a batch (outside the lock: stored objects are immutable).</summary>
    public void Compact(Work work)
    {
        // One buffer and writer for the batch: only one batch is encoded at a time.
        var buffer = new ArrayBufferWriter<byte>(8192);
        using var writer = new Utf8JsonWriter(buffer);
        foreach (var (_, ev, current) in work.Items)
            work.Forms.Add((current ?? (object)Encode(ev.Object, buffer, writer), ev.Previous is null ? null : Encode(ev.Previous, buffer, writer)));
    }

    /// <summary>Swaps the encoded forms in (under the lock).</summary>
    public void Store(Work work)
    {
        for (var i = 0; i < work.Items.Count; i++) work.Items[i].Entry.Compacted(work.Forms[i].Object, work.Forms[i].Previous);
        compacting = false;
    }

    private byte[] Encode(JsonObject obj, ArrayBufferWriter<byte> buffer, Utf8JsonWriter writer)
    {
        if (encoded.TryGetValue(obj, out var bytes)) return bytes;
        buffer.ResetWrittenCount();
        writer.Reset();
        obj.WriteTo(writer);
        writer.Flush();
        bytes = Compress(buffer.WrittenSpan);
        encoded.AddOrUpdate(obj, bytes);
        return bytes;
    }

    // Superseded versions are kept compressed (Brotli, the JSON's length in front): a pod's JSON shrinks to 32–48 %, and only a
    // watch that resumes from an old version ever reads one back. Quality 0 (issue 7): quality 1 cost ~4 % of the workers' CPU in
    // the 10,000-pod run. Measured over 30,000 varied pods, 2.6 KB / 4.6 KB of JSON (the latter with managedFields):
    // quality 1 15.2 / 19.6 µs for 1,222 / 1,703 B, quality 0 8.9 / 11.5 µs for 1,266 / 1,719 B (+1–4 %). Deflate at its fastest
    // (zlib-ng) is no faster and 19–21 % larger. A BrotliEncoder instance cannot be reused (finished after the final block, no
    // reset), and one per item costs what TryCompress does; window (16–22) and buffer size (GetMaxCompressedLength vs. 2n + 503)
    // made no measurable difference.
    internal static byte[] Compress(ReadOnlySpan<byte> json)
    {
        var rented = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(json.Length) + 4);
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(rented, json.Length);
            if (!BrotliEncoder.TryCompress(json, rented.AsSpan(4), out var written, quality: 0, window: 22))
                throw new InvalidOperationException("Brotli could not compress a watch history entry.");
            return rented.AsSpan(0, written + 4).ToArray();
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    private static JsonObject Decode(object form) => form is StoredObject stored ? stored.Object : Decompress((byte[])form);

    /// <summary>The object <see cref="Compress"/> packed; an entry that does not decode to exactly its recorded JSON throws.</summary>
    internal static JsonObject Decompress(byte[] packed)
    {
        var length = packed.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(packed) : -1;
        if ((uint)length > Array.MaxLength) throw Corrupt(null);
        var json = new byte[length];
        if (!BrotliDecoder.TryDecompress(packed.AsSpan(4), json, out var written) || written != json.Length) throw Corrupt(null);
        try { return JsonNode.Parse(json) as JsonObject ?? throw Corrupt(null); }
        catch (JsonException e) { throw Corrupt(e); }
    }

    private static InvalidOperationException Corrupt(Exception? inner) =>
        new("A watch history entry is corrupt: it did not decompress to a JSON object of its recorded length.", inner);

    public sealed class Work(List<(Entry Entry, WatchEvent Event, StoredObject? Current)> items)
    {
        public List<(Entry Entry, WatchEvent Event, StoredObject? Current)> Items { get; } = items;
        public List<(object Object, byte[]? Previous)> Forms { get; } = [];
    }

    public sealed class Entry(WatchEvent ev)
    {
        private WatchEvent? live = ev;
        private object? obj;          // the stored version (still current when compacted) or the encoded one
        private byte[]? previous;
        private readonly string type = ev.Type;

        public long ResourceVersion { get; } = ev.ResourceVersion;
        public ResourceType Resource { get; } = ev.Resource;
        public bool IsLive => live is not null;

        /// <summary>The event: as recorded while live, else rebuilt from the encoded objects (a fresh, unshared tree).</summary>
        public WatchEvent Event => live ?? new WatchEvent(ResourceVersion, type, Resource, Decode(obj!), previous is null ? null : Decode(previous));

        public void Compacted(object objectForm, byte[]? previousForm)
        {
            obj = objectForm;
            previous = previousForm;
            live = null;
        }
    }
}
