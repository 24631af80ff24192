using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Admission;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Lifecycle;

/// <summary>
/// resourcequota-controller (pkg/controller/resourcequota/resource_quota_controller.go syncResourceQuota): copies
/// <c>spec.hard</c> to <c>status.hard</c> and recounts <c>status.used</c> for every name in it from the namespace's objects
/// (<see cref="QuotaUsage"/>). Upstream recalculates on quota changes, on its replenishment controllers' events (a pod
/// deleted or finished, a service deleted…) and on a 5-minute full resync; here any change of a namespaced object
/// triggers a recount of the quotas in its namespace. Built-in kinds only (count/ of custom resources is not counted).
/// </summary>
public sealed class ResourceQuotaController(RestStorage storage) : ChangeDrivenLoop(storage, TimeSpan.FromMinutes(5))
{
    private readonly HashSet<string> dirtyNamespaces = [];
    private bool all = true;

    protected override bool Matters(WatchEvent ev)
    {
        if (!ev.Resource.Namespaced || ev.Resource.Kind == "Event") return false;
        // Quota writes of our own (status only) need no recount; a spec change does.
        if (ev.Resource.Kind == "ResourceQuota" && ev.Type == "MODIFIED" && JsonNode.DeepEquals(ev.Previous?["spec"], ev.Object["spec"])) return false;
        lock (dirtyNamespaces) dirtyNamespaces.Add(ev.Object.Namespace() ?? "");
        return true;
    }

    protected override void Pass()
    {
        string[] namespaces;
        bool everything;
        lock (dirtyNamespaces)
        {
            namespaces = [.. dirtyNamespaces];
            dirtyNamespaces.Clear();
            everything = all;
            all = false;
        }
        var quotas = everything ? Storage.Store.List(ResourceQuotaAdmission.Quotas, null).Items
            : namespaces.SelectMany(ns => Storage.Store.List(ResourceQuotaAdmission.Quotas, ns).Items).ToList();
        foreach (var quota in quotas) Sync(Storage.Store, quota);
    }

    private static IEnumerable<ResourceType> Countable =>
        ResourceRegistry.Types.Where(t => t.Namespaced && !t.Computed && ResourceRegistry.StorageType(t) == t);

    /// <summary>Recount one quota; the admission gate keeps a concurrent admission from interleaving with the write.</summary>
    public static void Sync(ObjectStore store, JsonObject quota)
    {
        lock (ResourceQuotaAdmission.GateFor(store))
        {
            var current = store.Get(ResourceQuotaAdmission.Quotas, quota.Namespace(), quota.Name());
            if (current is null || current.IsDeleting()) return;
            var hard = ResourceLists.Parse(current.Path("spec.hard"));
            var used = hard.Keys.ToDictionary(k => k, _ => 0m, StringComparer.Ordinal);
            foreach (var t in Countable)
            {
                var names = QuotaUsage.Matching(t, hard.Keys);
                if (names.Count == 0) continue;
                foreach (var obj in store.List(t, current.Namespace()).Items)
                {
                    var usage = QuotaUsage.Of(t, obj);
                    foreach (var n in names) used[n] += usage.GetValueOrDefault(n);
                }
            }
            var copy = current.CloneObject();
            var status = new JsonObject { ["hard"] = current.Path("spec.hard")?.DeepClone() ?? new JsonObject() };
            var usedList = new JsonObject();
            foreach (var (k, v) in used.OrderBy(kv => kv.Key, StringComparer.Ordinal)) usedList[k] = ResourceLists.Format(k, v);
            status["used"] = usedList;
            if (JsonNode.DeepEquals(current["status"], status)) return;
            copy["status"] = status;
            store.Update(ResourceQuotaAdmission.Quotas, copy, current.Meta().Str("resourceVersion"));
        }
    }
}
