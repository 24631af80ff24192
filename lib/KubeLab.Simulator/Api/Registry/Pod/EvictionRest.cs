using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Lifecycle;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Registry.Pod;

/// <summary>
/// The Eviction subresource, <c>POST pods/{name}/eviction</c> with a policy/v1 Eviction (pkg/registry/core/pod/storage/eviction.go,
/// 1.32): a pod no budget covers, or one that is Pending, finished or already being deleted, is deleted at once; one covered by
/// a PodDisruptionBudget is deleted only while the budget allows a disruption, which the eviction spends (disruptionsAllowed − 1,
/// the pod recorded in disruptedPods) before deleting; otherwise 429 <c>Cannot evict pod as it would violate the pod's
/// disruption budget.</c> with a DisruptionBudget cause. Deletion is graceful, with the Eviction's deleteOptions.
/// </summary>
public static class EvictionRest
{
    public const string Refusal = "Cannot evict pod as it would violate the pod's disruption budget.";
    private static readonly ResourceType Pods = ResourceRegistry.ForKind("Pod");

    public static JsonObject Evict(RestStorage storage, string ns, string name, JsonObject eviction, bool dryRun)
    {
        if (eviction.Str("kind") is { } kind && kind != "Eviction")
            throw ApiError.BadRequest($"the API version in the data ({eviction.Str("apiVersion")}) does not match the expected API version (policy/v1) or kind {kind} does not match Eviction");
        if (eviction.Meta().Str("name") is { Length: > 0 } bodyName && bodyName != name)
            throw ApiError.BadRequest("name in URL does not match name in Eviction object");
        var options = DeleteOptionsOf(eviction, dryRun);
        var budgets = DisruptionController.Budgets;
        // One eviction decision at a time per cluster, so two evictions cannot both spend the last allowed disruption.
        lock (GateFor(storage.Store))
        {
            var pod = storage.Get(Pods, ns, name);
            if (CanIgnoreBudget(pod)) return Delete(storage, ns, name, options);
            var matching = storage.Store.List(budgets, ns).Items.Where(b => DisruptionController.MatchingPods(storage.Store, b).Any(p => p.Uid() == pod.Uid())).ToList();
            if (matching.Count > 1)
                throw new ApiError(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
            if (matching.Count == 0) return Delete(storage, ns, name, options);
            var pdb = matching[0];
            var status = pdb["status"] as JsonObject;
            long Field(string f) => status?[f].Long() ?? 0;
            // An unready pod does not count as healthy: evicting it costs nothing while the budget is met (IfHealthyBudget).
            if (!DisruptionController.IsReady(pod) && pdb.Path("spec.unhealthyPodEvictionPolicy")?.ToString() == "AlwaysAllow")
                return Delete(storage, ns, name, options);
            if (!DisruptionController.IsReady(pod) && Field("currentHealthy") >= Field("desiredHealthy") && Field("desiredHealthy") > 0)
                return Delete(storage, ns, name, options);
            if (Field("observedGeneration") < (pdb.Meta()["generation"].Long() ?? 0))
                throw TooManyRequests($"The disruption budget {pdb.Name()} is still being processed by the server.");
            if (Field("disruptionsAllowed") < 0) throw ApiError.Forbidden(budgets, pdb.Name(), "pdb disruptions allowed is negative");
            if (Field("disruptionsAllowed") == 0)
                throw TooManyRequests($"The disruption budget {pdb.Name()} needs {Field("desiredHealthy")} healthy pods and has {Field("currentHealthy")} currently");
            if (!dryRun)
            {
                var copy = pdb.CloneObject();
                var s = (JsonObject)copy["status"]!;
                s["disruptionsAllowed"] = Field("disruptionsAllowed") - 1;
                if (s["disruptedPods"] is not JsonObject disrupted) s["disruptedPods"] = disrupted = new JsonObject();
                disrupted[name] = storage.Now();
                if (Field("disruptionsAllowed") - 1 == 0 && s["conditions"] is JsonArray conditions)
                    foreach (var c in conditions.OfType<JsonObject>().Where(c => c.Str("type") == "DisruptionAllowed"))
                    {
                        c["status"] = "False";
                        c["reason"] = "InsufficientPods";
                        c["lastTransitionTime"] = storage.Now();
                    }
                if (storage.Store.Update(budgets, copy, pdb.Meta().Str("resourceVersion")).Outcome != UpdateOutcome.Updated)
                    throw TooManyRequests($"The disruption budget {pdb.Name()} is still being processed by the server.");
            }
            return Delete(storage, ns, name, options);
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ObjectStore, object> Gates = new();
    private static object GateFor(ObjectStore store) => Gates.GetValue(store, _ => new object());

    /// <summary>canIgnorePDB: finished, Pending or already deleting pods are evicted without asking the budget.</summary>
    private static bool CanIgnoreBudget(JsonObject pod) =>
        pod.IsDeleting() || pod.Path("status.phase")?.ToString() is "Succeeded" or "Failed" or "Pending";

    private static JsonObject Delete(RestStorage storage, string ns, string name, DeleteOptions options)
    {
        storage.Delete(Pods, ns, name, options);
        return new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201 };
    }

    private static DeleteOptions DeleteOptionsOf(JsonObject eviction, bool dryRun)
    {
        var o = eviction["deleteOptions"] as JsonObject;
        return new DeleteOptions(o?["gracePeriodSeconds"].Long(), o?.Str("propagationPolicy"), o.Path("preconditions.uid")?.ToString(),
            o.Path("preconditions.resourceVersion")?.ToString(), dryRun || (o?["dryRun"] as JsonArray)?.Count > 0);
    }

    /// <summary>errors.NewTooManyRequests(…, 0) plus the DisruptionBudget cause.</summary>
    private static ApiError TooManyRequests(string cause) =>
        new(429, "TooManyRequests", Refusal, new JsonObject
        {
            ["causes"] = new JsonArray(new JsonObject { ["reason"] = "DisruptionBudget", ["message"] = cause }),
        });
}
