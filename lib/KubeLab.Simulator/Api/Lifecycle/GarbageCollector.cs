using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Lifecycle;

/// <summary>
/// The in-process parts of kube-controller-manager that belong to deletion: the garbage collector (ownerReferences with
/// Background / Foreground / Orphan propagation), the namespace controller (empties a Terminating namespace, then removes it)
/// and a safety net that removes pods whose graceful deletion period has elapsed.
/// It runs whenever the store changes and once a second.
/// </summary>
public sealed class GarbageCollector : IAsyncDisposable
{
    private readonly RestStorage storage;
    private readonly SemaphoreSlim signal = new(0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    /// <summary>The least time between two signalled passes.</summary>
    private static readonly TimeSpan SweepBatchInterval = TimeSpan.FromMilliseconds(50);

    public GarbageCollector(RestStorage storage)
    {
        this.storage = storage;
        storage.Store.Changed += OnChanged;
        loop = Task.Run(Run);
    }

    // Whether a pass may find work: set by a change that can unsettle an object (a deletion, an object being deleted, an
    // owner reference to an absent or deleting owner); cleared when a pass starts. A pass that leaves objects it could not
    // settle yet (graceful deletion still running, Terminating namespaces) keeps the once-a-second passes going. Without this,
    // an idle cluster of 10,000 pods rescanned (and re-indexed) every object every second.
    private int dirty = 1;
    private bool unsettled;

    private void OnChanged(WatchEvent ev)
    {
        // Runs under the store's lock (the store's monitor is re-entrant, so the uid lookups below may take it again).
        if (ev.Type == "DELETED" || ev.Object.IsDeleting() || HasAbsentOrDeletingOwner(ev.Object))
        {
            Volatile.Write(ref dirty, 1);
            if (signal.CurrentCount == 0) signal.Release();
        }
    }

    private bool HasAbsentOrDeletingOwner(JsonObject obj)
    {
        if (obj.Meta()["ownerReferences"] is not JsonArray refs) return false;
        foreach (var r in refs)
            if (r.Str("uid") is not { } u || storage.Store.FindByUid(u) is not { } owner || owner.IsDeleting) return true;
        return false;
    }

    private async Task Run()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(1), stop.Token);
                if (Interlocked.Exchange(ref dirty, 0) == 0 && !unsettled) continue;
                // Settle: keep sweeping while a sweep made progress (cascades through several levels quickly).
                for (var i = 0; i < 20 && Sweep(); i++) { }
                // Batch what arrives meanwhile: under a steady stream of deletions (a rollout of thousands of pods) a pass per
                // change would rescan the store back to back. The real garbage collector also works from queues, not per event.
                await Task.Delay(SweepBatchInterval, storage.Time, stop.Token);
            }
            catch (OperationCanceledException) { break; }
            catch (Exception)
            {
                Volatile.Write(ref dirty, 1);
                // A failed sweep is retried on the next tick; the store stays consistent because every write is atomic.
            }
        }
    }

    /// <summary>One pass over all objects. Returns true when anything changed.</summary>
    public bool Sweep()
    {
        var changed = false;
        var waiting = false;
        // The stored versions' metadata: a pass parses (and clones before changing) only the objects it acts on (a full copy
        // of the store per pass grew with the cluster).
        var all = storage.Store.AllStored();
        var byUid = new Dictionary<string, StoredObject>(all.Count, StringComparer.Ordinal);
        foreach (var x in all)
            if (x.Uid is { } u) byUid[u] = x;
        var now = storage.Time.GetUtcNow();

        foreach (var stored in all)
        {
            // Fast path for nearly every object: not deleting, and every owner present and not being deleted: nothing to do.
            if (!stored.IsDeleting && OwnersAllLive(stored, byUid)) continue;
            waiting = true;
            var (type, obj) = (stored.Type, stored.Object);
            var refs = obj.OwnerReferences().ToList();
            if (refs.Count > 0 && !obj.IsDeleting())
            {
                var live = refs.Where(r => r.Str("uid") is { } u && byUid.TryGetValue(u, out var owner) && !OrphansDependents(owner)).ToList();
                var orphaning = refs.Where(r => r.Str("uid") is { } u && byUid.TryGetValue(u, out var owner) && OrphansDependents(owner)).ToList();
                var absent = refs.Count - live.Count - orphaning.Count;
                if (orphaning.Count > 0)
                {
                    // Orphan propagation: drop the references to the owner being deleted, keep the object.
                    var copy = obj.CloneObject();
                    var kept = refs.Except(orphaning).Select(r => (JsonNode?)r.DeepClone()).ToArray();
                    if (kept.Length == 0) copy.Meta().Remove("ownerReferences"); else copy.Meta()["ownerReferences"] = new JsonArray(kept);
                    changed |= storage.Write(type, copy) is not null;
                    continue;
                }
                if (live.Count == 0 && absent > 0)
                {
                    changed |= DeleteDependent(type, obj, "Background");
                    continue;
                }
                if (absent > 0)
                {
                    var copy = obj.CloneObject();
                    copy.Meta()["ownerReferences"] = new JsonArray(live.Select(r => (JsonNode?)r.DeepClone()).ToArray());
                    changed |= storage.Write(type, copy) is not null;
                    continue;
                }
                // Foreground: dependents of an owner that waits for them are deleted first.
                if (live.Any(r => byUid[r.Str("uid")!] is { IsDeleting: true } o && o.Object.Finalizers().Contains("foregroundDeletion")))
                    changed |= DeleteDependent(type, obj, "Foreground");
            }

            if (!obj.IsDeleting()) continue;
            var finalizers = obj.Finalizers();
            var uid = obj.Uid();
            bool HasDependents() => all.Any(x => x.OwnerUids.Contains(uid));

            if (finalizers.Contains("foregroundDeletion") && !HasDependents())
                changed |= RemoveFinalizer(type, obj, "foregroundDeletion");
            else if (finalizers.Contains("orphan") && !HasDependents())
                changed |= RemoveFinalizer(type, obj, "orphan");
            else if (type.Kind == "Namespace")
                changed |= FinishNamespace(obj, all);
            else if (type.Kind == "Pod" && finalizers.Count == 0 && ObjectMeta.ParseTime(obj.Meta().Str("deletionTimestamp")) is { } at && at <= now)
                changed |= storage.ForceRemove(type, obj) is not null;
        }
        unsettled = waiting;
        return changed;
    }

    private static bool OwnersAllLive(StoredObject obj, Dictionary<string, StoredObject> byUid)
    {
        foreach (var u in obj.OwnerUids)
            if (u is null || !byUid.TryGetValue(u, out var owner) || owner.IsDeleting) return false;
        return true;
    }

    private static bool OrphansDependents(StoredObject owner) => owner.IsDeleting && owner.Object.Finalizers().Contains("orphan");

    private bool DeleteDependent(ResourceType type, JsonObject obj, string policy)
    {
        try
        {
            storage.Delete(type, obj.Namespace(), obj.Name(), new DeleteOptions(null, policy, obj.Uid(), null, false));
            return true;
        }
        catch (Errors.ApiError) { return false; }
    }

    private bool RemoveFinalizer(ResourceType type, JsonObject obj, string finalizer)
    {
        var copy = obj.CloneObject();
        copy.SetFinalizers(copy.Finalizers().Where(f => f != finalizer));
        return storage.Write(type, copy) is not null;
    }

    /// <summary>Namespace controller: delete everything in the namespace; once it is empty drop the "kubernetes" finalizer and the namespace.</summary>
    private bool FinishNamespace(JsonObject ns, List<StoredObject> all)
    {
        var name = ns.Name();
        var contents = all.Where(x => x.Type.Namespaced && x.Namespace == name).Select(x => (x.Type, x.Object)).ToList();
        var changed = false;
        foreach (var (type, obj) in contents)
        {
            if (obj.IsDeleting())
            {
                if (type.Kind == "Pod" && obj.Finalizers().Count == 0) changed |= storage.ForceRemove(type, obj) is not null;
                continue;
            }
            try
            {
                storage.Delete(type, obj.Namespace(), obj.Name(), new DeleteOptions(0, "Background", obj.Uid(), null, false));
                changed = true;
            }
            catch (Errors.ApiError) { }
        }
        // The namespace controller reports what is left on the namespace's status (NamespaceConditions).
        var conditions = NamespaceConditions.For(contents, ns.Path("status.conditions") as JsonArray, storage.Now());
        if (contents.Count > 0)
        {
            if (!JsonNode.DeepEquals(ns.Path("status.conditions"), conditions))
            {
                var withConditions = ns.CloneObject();
                ((JsonObject)withConditions["status"]!)["conditions"] = conditions;
                storage.Write(ResourceRegistry.Namespaces, withConditions);
            }
            return changed;
        }
        var copy = ns.CloneObject();
        if (copy["status"] is JsonObject status) status["conditions"] = conditions;
        if (copy["spec"] is JsonObject spec) spec.Remove("finalizers");
        var written = storage.Write(ResourceRegistry.Namespaces, copy);
        if (written is not null && written.Finalizers().Count == 0 && storage.Store.Get(ResourceRegistry.Namespaces, null, name) is { } still)
            storage.ForceRemove(ResourceRegistry.Namespaces, still);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        storage.Store.Changed -= OnChanged;
        await stop.CancelAsync();
        try { await loop; } catch (OperationCanceledException) { }
        stop.Dispose();
        signal.Dispose();
    }
}
