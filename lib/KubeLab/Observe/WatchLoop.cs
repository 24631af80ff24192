// WatcherExt.WatchAsync(Task<HttpOperationResponse<TList>>) is marked obsolete in favour of per-resource WatchList*Async
// methods; the list-response form lets one generic list+watch loop serve every kind, so we keep it deliberately.
#pragma warning disable CS0618
using k8s;
using k8s.Models;

namespace KubeLab.Observe;

/// <summary>A raw change the recorder saw: when, which kind, which watch event type, and the object as it was then.</summary>
internal sealed record RecordedChange(DateTimeOffset Time, string Kind, string Event, object Object);

/// <summary>
/// Endless list+watch for the recorder. Objects present in the first list are recorded as EXISTING; after a watch
/// breaks, a re-list records only differences (so nothing is lost or duplicated across reconnects).
/// </summary>
internal static class WatchLoop
{
    public static async Task RunAsync<T, TList>(string kind, ListCall<TList> call, Action<string, string, object> record,
        TaskCompletionSource listed, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IKubernetesObject<V1ListMeta>, IItems<T>
    {
        var known = new Dictionary<string, string?>(); // key → resourceVersion
        var first = true;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var list = (await call(null, false, ct).ConfigureAwait(false)).Body;
                var seen = new HashSet<string>();
                foreach (var item in list.Items)
                {
                    var key = ListWatch.Key(item);
                    seen.Add(key);
                    if (first) { if (kind != "Event") record(kind, "EXISTING", item); }
                    else if (!known.TryGetValue(key, out var rv)) record(kind, "ADDED", item);
                    else if (rv != item.Metadata.ResourceVersion) record(kind, "MODIFIED", item);
                    known[key] = item.Metadata.ResourceVersion;
                }
                foreach (var gone in known.Keys.Where(k => !seen.Contains(k)).ToList())
                {
                    known.Remove(gone);
                    record(kind, "DELETED", Placeholder<T>(gone));
                }
                first = false;
                listed.TrySetResult();

                await foreach (var (type, obj) in call(list.Metadata.ResourceVersion, true, ct).WatchAsync<T, TList>(_ => { }, ct).ConfigureAwait(false))
                {
                    if (obj?.Metadata is null || type is WatchEventType.Bookmark or WatchEventType.Error) continue;
                    var key = ListWatch.Key(obj);
                    if (type == WatchEventType.Deleted) known.Remove(key); else known[key] = obj.Metadata.ResourceVersion;
                    record(kind, type.ToString().ToUpperInvariant(), obj);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (ObjectDisposedException) { break; } // the lab closed its client
            catch (Exception)
            {
                listed.TrySetResult(); // never block StartRecording on a broken watch
            }
            try { await Task.Delay(200, ct).ConfigureAwait(false); } catch (OperationCanceledException) { break; }
        }
        listed.TrySetResult();
    }

    private static object Placeholder<T>(string key)
    {
        var slash = key.IndexOf('/');
        var obj = Activator.CreateInstance<T>();
        if (obj is IKubernetesObject<V1ObjectMeta> k) k.Metadata = new V1ObjectMeta { NamespaceProperty = key[..slash], Name = key[(slash + 1)..] };
        return obj!;
    }
}
