using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Admission;

/// <summary>
/// The ResourceQuota admission plugin (plugin/pkg/admission/resourcequota/controller.go checkRequest, 1.32) for creates:
/// every quota of the namespace whose <c>status.hard</c> names something the object uses must have room for it, else
/// <c>exceeded quota: compute, requested: …, used: …, limited: …</c>; cpu/memory quota needs every container to state it
/// (<c>failed quota: compute: must specify limits.cpu for: app</c>); a quota the controller has not counted yet refuses with
/// <c>status unknown for quota</c>. Admitted usage is added to <c>status.used</c> at once (the plugin's quota update), so
/// back-to-back creates cannot both slip under the limit. Quota scopes and updates (PVC resize) are not modelled.
/// </summary>
public static class ResourceQuotaAdmission
{
    public static ResourceType Quotas { get; } = ResourceRegistry.ForKind("ResourceQuota");

    private static readonly ConditionalWeakTable<ObjectStore, object> Gates = new();

    /// <summary>One quota evaluation at a time per cluster (upstream serialises per namespace through its work queue).</summary>
    public static object GateFor(ObjectStore store) => Gates.GetValue(store, _ => new object());

    public static void Admit(ObjectStore store, ResourceType t, JsonObject obj, bool dryRun)
    {
        if (!t.Namespaced) return;
        var ns = obj.Namespace();
        if (ns is null) return;
        lock (GateFor(store))
        {
            var quotas = store.List(Quotas, ns).Items.OrderBy(q => q.Name(), StringComparer.Ordinal).ToList();
            if (quotas.Count == 0) return;
            var usage = QuotaUsage.Of(t, obj);
            var updates = new List<(JsonObject Quota, Dictionary<string, decimal> Used)>();
            foreach (var quota in quotas)
            {
                var hard = ResourceLists.Parse(quota.Path("status.hard"));
                var restricted = QuotaUsage.Matching(t, hard.Keys);
                if (restricted.Count == 0) continue;
                var name = obj.Name();
                if (t.Kind == "Pod" && QuotaUsage.MissingCompute(obj, restricted) is { } missing)
                    throw ApiError.Forbidden(t, name, $"failed quota: {quota.Name()}: {missing}");
                var used = ResourceLists.Parse(quota.Path("status.used"));
                var unknown = restricted.Where(n => !used.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
                if (unknown.Count > 0)
                    throw ApiError.Forbidden(t, name, $"status unknown for quota: {quota.Name()}, resources: {string.Join(",", unknown)}");
                var next = new Dictionary<string, decimal>(used, StringComparer.Ordinal);
                foreach (var n in restricted) next[n] = used[n] + usage.GetValueOrDefault(n);
                var exceeded = restricted.Where(n => next[n] > hard[n]).Order(StringComparer.Ordinal).ToList();
                if (exceeded.Count > 0)
                {
                    string Pretty(Func<string, decimal?> value) => string.Join(",",
                        exceeded.Where(n => value(n) is not null).Select(n => $"{n}={ResourceLists.Format(n, value(n)!.Value)}"));
                    throw ApiError.Forbidden(t, name, $"exceeded quota: {quota.Name()}, requested: {Pretty(n => usage.TryGetValue(n, out var v) ? v : null)}, " +
                        $"used: {Pretty(n => used[n])}, limited: {Pretty(n => hard[n])}");
                }
                updates.Add((quota, next));
            }
            if (dryRun) return;
            foreach (var (quota, next) in updates) WriteUsed(store, quota, next);
        }
    }

    /// <summary>status.used with the admitted usage added (the plugin's UpdateStatus of the quota).</summary>
    internal static void WriteUsed(ObjectStore store, JsonObject quota, IReadOnlyDictionary<string, decimal> used)
    {
        var copy = quota.CloneObject();
        if (copy["status"] is not JsonObject status) copy["status"] = status = new JsonObject();
        var list = new JsonObject();
        foreach (var (k, v) in used.OrderBy(kv => kv.Key, StringComparer.Ordinal)) list[k] = ResourceLists.Format(k, v);
        if (JsonNode.DeepEquals(status["used"], list)) return;
        status["used"] = list;
        store.Update(Quotas, copy, quota.Meta().Str("resourceVersion"));
    }
}
