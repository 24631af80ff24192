using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// Keeps a local cache of one resource type in sync with the API server, the way client-go's informers do:
/// LIST once, then WATCH from the list's resourceVersion; when the watch ends it resumes from the last seen
/// resourceVersion, and when the server answers 410 Gone ("too old resource version") it LISTs again and
/// reconciles the cache (synthesising add/update/delete notifications for what changed meanwhile).
/// Handlers run on the informer's loop and must be quick – controllers only enqueue keys in them.
/// </summary>
public sealed class Informer<T, TList>
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : class, IKubernetesObject<V1ListMeta>, IItems<T>
{
    /// <summary>LIST the resource (all namespaces).</summary>
    public delegate Task<TList> ListCall(CancellationToken cancellationToken);

    /// <summary>WATCH the resource from a resourceVersion; watch errors (e.g. 410 Gone) are reported to onError.</summary>
    public delegate IAsyncEnumerable<(WatchEventType, T)> WatchCall(string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken);

    private readonly ConcurrentDictionary<string, T> cache = new();
    // Copy-on-write arrays: handlers may be added (e.g. a kubelet for a new node) while the informer is delivering events.
    private readonly object handlersGate = new();
    private Action<T>[] onAdd = [];
    private Action<T, T>[] onUpdate = [];
    private Action<T>[] onDelete = [];
    private readonly TaskCompletionSource synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ListCall list;
    private readonly WatchCall watch;
    private readonly TimeProvider time;

    public Informer(string resource, ListCall list, WatchCall watch, TimeProvider time)
    {
        Resource = resource;
        this.list = list;
        this.watch = watch;
        this.time = time;
    }

    public string Resource { get; }

    /// <summary>Completes after the first LIST filled the cache (client-go's HasSynced).</summary>
    public Task Synced => synced.Task;

    public static string KeyOf(T obj) => KeyOf(obj.Metadata.NamespaceProperty, obj.Metadata.Name);

    public static string KeyOf(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";

    public T? Get(string key) => cache.TryGetValue(key, out var obj) ? obj : null;

    // client-go's Indexer: named secondary indexes (index value → objects), kept up to date as the cache changes, so a
    // controller finds "its" objects without scanning every object of the type on each sync. An index may keep a small row per
    // object instead of the object (a projection): a controller that walks 10,000 pods on every sync then reads 10,000 compact
    // rows side by side rather than chasing each pod's dozen nested objects across the heap.
    private readonly object indexGate = new();
    private readonly Dictionary<string, IIndex> indexes = new();

    private interface IIndex
    {
        void Update(string key, T? old, T? now);
        int Count(string value);
    }

    private sealed class Index<TRow>(Func<T, string?> valueOf, Func<T, TRow> rowOf) : IIndex
    {
        public readonly Dictionary<string, IndexBucket<TRow>> Buckets = new();

        public void Update(string key, T? old, T? now)
        {
            var before = old is null ? null : valueOf(old);
            var after = now is null ? null : valueOf(now);
            if (before is not null && before != after && Buckets.TryGetValue(before, out var was) && was.Remove(key) && was.Count == 0)
                Buckets.Remove(before);
            if (after is null) return;
            if (!Buckets.TryGetValue(after, out var bucket)) Buckets[after] = bucket = new();
            bucket.Set(key, rowOf(now!)); // the object changed even when its index value did not: keep the row current
        }

        public int Count(string value) => Buckets.TryGetValue(value, out var bucket) ? bucket.Count : 0;
    }

    /// <summary>Adds a named index (registering the same name twice keeps the first); objects whose value is null are not indexed.</summary>
    public void AddIndex(string name, Func<T, string?> value) => AddIndex(name, value, o => o);

    /// <summary>An index that keeps <paramref name="row"/>(object) per object, read with <see cref="RowsByIndex{TRow}"/>.</summary>
    public void AddIndex<TRow>(string name, Func<T, string?> value, Func<T, TRow> row)
    {
        lock (indexGate)
        {
            if (indexes.ContainsKey(name)) return;
            var index = new Index<TRow>(value, row);
            indexes[name] = index;
            foreach (var (key, obj) in cache) index.Update(key, null, obj);
        }
    }

    /// <summary>The cached objects whose index <paramref name="name"/> has <paramref name="value"/> (client-go's ByIndex).</summary>
    public List<T> ByIndex(string name, string value) => RowsByIndex<T>(name, value);

    /// <summary>The rows of the objects whose index <paramref name="name"/> has <paramref name="value"/>, copied under the index lock.</summary>
    public List<TRow> RowsByIndex<TRow>(string name, string value)
    {
        lock (indexGate)
            return IndexOf<TRow>(name).Buckets.TryGetValue(value, out var bucket) ? [.. bucket.Rows] : [];
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for each row in the bucket, under the index lock and without copying the bucket (a 10,000-row
    /// copy per sync would be a large-object allocation each time). The visit must be quick and must not call into this informer.
    /// </summary>
    public void VisitIndex<TRow>(string name, string value, Action<TRow> visit)
    {
        var visitor = new ActionVisitor<TRow>(visit);
        VisitIndex<TRow, ActionVisitor<TRow>>(name, value, ref visitor);
    }

    /// <summary>
    /// The same with a struct visitor: one direct (inlinable) call per row, the row passed by reference rather than copied – for
    /// the passes that run on every sync of a large set (issue 7). The rows are read under the index lock; the visitor gets each
    /// only for the call and must not call into this informer. Its state comes back through <paramref name="visitor"/>.
    /// </summary>
    public void VisitIndex<TRow, TVisitor>(string name, string value, ref TVisitor visitor) where TVisitor : struct, IRowVisitor<TRow>
    {
        lock (indexGate)
        {
            if (!IndexOf<TRow>(name).Buckets.TryGetValue(value, out var bucket)) return;
            foreach (ref readonly var row in bucket.Rows) visitor.Visit(in row);
        }
    }

    private readonly struct ActionVisitor<TRow>(Action<TRow> visit) : IRowVisitor<TRow>
    {
        public void Visit(in TRow row) => visit(row);
    }

    /// <summary>The index of that name keeping <typeparamref name="TRow"/> rows; call under the index lock.</summary>
    private Index<TRow> IndexOf<TRow>(string name)
    {
        if (!indexes.TryGetValue(name, out var index)) throw new InvalidOperationException($"no index {name} on {Resource}");
        return index as Index<TRow> ?? throw new InvalidOperationException($"index {name} on {Resource} does not keep {typeof(TRow).Name} rows");
    }

    /// <summary>How many cached objects have <paramref name="value"/> in index <paramref name="name"/>.</summary>
    public int IndexCount(string name, string value)
    {
        lock (indexGate)
            return indexes.TryGetValue(name, out var index) ? index.Count(value) : 0;
    }

    private void Reindex(string key, T? old, T? now)
    {
        lock (indexGate)
            foreach (var index in indexes.Values) index.Update(key, old, now);
    }

    public IReadOnlyList<T> List() => cache.Values.ToList();

    public IReadOnlyList<T> List(string? ns) => cache.Values.Where(o => o.Metadata.NamespaceProperty == ns).ToList();

    public void AddHandler(Action<T>? added = null, Action<T, T>? updated = null, Action<T>? deleted = null)
    {
        lock (handlersGate)
        {
            if (added is not null) onAdd = [.. onAdd, added];
            if (updated is not null) onUpdate = [.. onUpdate, updated];
            if (deleted is not null) onDelete = [.. onDelete, deleted];
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                resourceVersion ??= await RelistAsync(cancellationToken).ConfigureAwait(false);
                var from = resourceVersion;
                var expired = false;
                Exception? error = null;
                var events = watch(from, ex =>
                    {
                        if (ex is KubernetesException { Status.Code: 410 }) expired = true;
                        else error = ex;
                    }, cancellationToken);
                await foreach (var (type, obj) in events.ConfigureAwait(false))
                {
                    failures = 0;
                    if (obj?.Metadata is null) continue;
                    resourceVersion = obj.Metadata.ResourceVersion ?? resourceVersion;
                    switch (type)
                    {
                        case WatchEventType.Added:
                        case WatchEventType.Modified:
                            Upsert(obj);
                            break;
                        case WatchEventType.Deleted:
                            Remove(KeyOf(obj));
                            break;
                    }
                }
                if (expired) resourceVersion = null; // 410 Gone: our resourceVersion fell out of the server's window → LIST again
                if (error is not null) throw error;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (Exception)
            {
                // Dropped connection or server error: back off a little, then LIST again to be safe.
                resourceVersion = null;
                failures++;
                try { await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 * failures)), time, cancellationToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task<string> RelistAsync(CancellationToken cancellationToken)
    {
        var current = await list(cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<string>();
        foreach (var item in current.Items)
        {
            seen.Add(KeyOf(item));
            Upsert(item);
        }
        foreach (var key in cache.Keys.Where(k => !seen.Contains(k)).ToList()) Remove(key);
        synced.TrySetResult();
        return current.Metadata?.ResourceVersion ?? "0";
    }

    /// <summary>
    /// client-go's SharedIndexInformer.SetTransform: applied to every object before it is cached and handed to the handlers.
    /// Set it before <see cref="RunAsync"/>.
    /// </summary>
    public void SetTransform(Func<T, T> transform) => this.transform = transform;

    private Func<T, T>? transform;

    /// <summary>The transform kube-controller-manager and kube-scheduler set: drop metadata.managedFields.</summary>
    public static T StripManagedFields(T obj)
    {
        obj.Metadata.ManagedFields = null;
        return obj;
    }

    private void Upsert(T obj)
    {
        if (transform is not null) obj = transform(obj);
        var key = KeyOf(obj);
        if (cache.TryGetValue(key, out var old))
        {
            if (old.Metadata.ResourceVersion == obj.Metadata.ResourceVersion) return;
            cache[key] = obj;
            Reindex(key, old, obj);
            foreach (var h in Volatile.Read(ref onUpdate)) Safe(() => h(old, obj));
        }
        else
        {
            cache[key] = obj;
            Reindex(key, null, obj);
            foreach (var h in Volatile.Read(ref onAdd)) Safe(() => h(obj));
        }
    }

    private void Remove(string key)
    {
        if (!cache.TryRemove(key, out var old)) return;
        Reindex(key, old, null);
        foreach (var h in Volatile.Read(ref onDelete)) Safe(() => h(old));
    }

    private static void Safe(Action handler)
    {
        try { handler(); }
        catch (Exception) { /* a faulty handler must not stop the informer */ }
    }
}
