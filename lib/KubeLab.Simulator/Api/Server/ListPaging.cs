using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// Chunked lists (<c>?limit=N</c>, then <c>?continue=…</c>): every page comes from the snapshot the first page saw, so a
/// paged list is consistent at the first page's resourceVersion, as etcd serves it from that revision. The token is
/// apiserver's (apiserver/pkg/storage/continue.go): base64url JSON <c>{"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}</c>.
/// Snapshots are kept for the last few paged lists only; an older token is 410 Expired, as after etcd compaction.
/// <c>metadata.remainingItemCount</c> is set only when no selector filters the list (it would be a guess otherwise).
/// </summary>
public sealed class ListPaging(ObjectStore store)
{
    private const int KeptSnapshots = 64;
    private const string TooOld = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";

    // The stored versions the first page saw (immutable, kept as they are stored: mostly JSON), not parsed trees: a paged list
    // of 10,000 pods kept ~150 MB of trees alive for its continue token, and parsed every pod to serve 500.
    private sealed record Snapshot(long Rv, List<(string Key, StoredObject Version)> Items);

    private readonly ConcurrentDictionary<(ResourceType, string?, long), Snapshot> snapshots = new();
    private readonly ConcurrentQueue<(ResourceType, string?, long)> order = new();

    public sealed record Page(List<JsonObject> Items, long Rv, string? Continue, long? RemainingItemCount);

    public Page List(ResourceType t, string? ns, QueryOptions.List options, Func<JsonObject, bool> filter, bool filtered)
    {
        Snapshot snap;
        string? start = null;
        if (options.Continue is { } token)
        {
            (var rv, start) = Decode(token);
            if (!snapshots.TryGetValue((t, ns, rv), out snap!)) throw ApiError.Expired(TooOld);
        }
        else
        {
            // Only the versions the selectors keep are copied for the response – a kubelet's list of its own pods must not copy
            // every pod of the cluster – and a cold version's fresh parse is already the caller's own.
            var (versions, rv) = store.ListVersions(t, ns);
            // resourceVersion "0" is served from the watch cache, which ignores limit (the whole list in one response).
            if (options.Limit <= 0 || options.ResourceVersion == "0")
            {
                var all = new List<JsonObject>();
                foreach (var v in versions)
                    if (Selected(v, filter) is { } o) all.Add(o);
                return new Page(all, rv, null, null);
            }
            snap = new Snapshot(rv, versions.ConvertAll(v => (KeyOf(v, ns), v)));
            if (options.ResourceVersionMatch == "Exact" && options.ResourceVersion is { } exact && exact != rv.ToString(CultureInfo.InvariantCulture))
                throw ApiError.Expired($"too old resource version: {exact} ({rv})");
        }

        var page = new List<JsonObject>();
        var index = start is null ? 0 : snap.Items.FindIndex(i => string.CompareOrdinal(i.Key, start) >= 0);
        if (index < 0) index = snap.Items.Count;
        string? lastKey = null;
        for (; index < snap.Items.Count && page.Count < options.Limit; index++)
        {
            if (Selected(snap.Items[index].Version, filter) is not { } o) continue;
            page.Add(o);
            lastKey = snap.Items[index].Key;
        }
        var more = false;
        for (var i = index; i < snap.Items.Count && !more; i++) more = filter(snap.Items[i].Version.Object);
        if (!more) return new Page(page, snap.Rv, null, null);
        Keep((t, ns, snap.Rv), snap);
        long? remaining = filtered ? null : snap.Items.Count - index;
        return new Page(page, snap.Rv, Encode(snap.Rv, lastKey! + "\0"), remaining);
    }

    /// <summary>The caller's own tree of a version the filter keeps, else null (a hot version is copied only when kept).</summary>
    private static JsonObject? Selected(StoredObject version, Func<JsonObject, bool> filter)
    {
        var (tree, shared) = version.Read();
        if (!filter(tree)) return null;
        return shared ? tree.CloneObject() : tree;
    }

    private void Keep((ResourceType, string?, long) key, Snapshot snap)
    {
        if (!snapshots.TryAdd(key, snap)) return;
        order.Enqueue(key);
        while (order.Count > KeptSnapshots && order.TryDequeue(out var old)) snapshots.TryRemove(old, out _);
    }

    /// <summary>The key below the list's prefix: the name inside a namespace, namespace/name across namespaces.</summary>
    private static string KeyOf(StoredObject v, string? ns) => ns is null && v.Namespace is { Length: > 0 } n ? $"{n}/{v.Name}" : v.Name;

    private static string Encode(long rv, string start)
    {
        var json = GoJson.Serialize(new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = rv, ["start"] = start });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>storage.DecodeContinue; its errors become 400 "invalid continue token: continue key is not valid: …".</summary>
    private static (long Rv, string Start) Decode(string token)
    {
        static ApiError Invalid(string why) => ApiError.BadRequest($"invalid continue token: continue key is not valid: {why}");
        var b64 = token.Replace('-', '+').Replace('_', '/');
        for (var i = 0; i < token.Length; i++)
            if (!(char.IsAsciiLetterOrDigit(token[i]) || token[i] is '-' or '_')) throw Invalid($"illegal base64 data at input byte {i}");
        if (b64.Length % 4 == 1) throw Invalid($"illegal base64 data at input byte {b64.Length - 1}");
        b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
        JsonObject? c;
        try { c = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(b64))) as JsonObject; }
        catch (System.Text.Json.JsonException e) { throw Invalid(e.Message); }
        if (c is null) throw Invalid("json: cannot unmarshal into Go value of type storage.continueToken");
        if (c.Str("v") != "meta.k8s.io/v1") throw ApiError.BadRequest("invalid continue token: continue key is not valid: server does not recognize this encoded version");
        var rv = c["rv"] is JsonValue rvNode && rvNode.TryGetValue<long>(out var r) ? r : 0;
        if (rv == 0) throw Invalid("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        var start = c.Str("start");
        if (string.IsNullOrEmpty(start)) throw Invalid("encoded start key empty (version meta.k8s.io/v1)");
        return (rv, start);
    }
}
