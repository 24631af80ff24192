using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Lifecycle;

/// <summary>
/// disruption-controller (pkg/controller/disruption/disruption.go trySync, 1.32): for every PodDisruptionBudget counts the
/// matching pods and writes <c>expectedPods</c>, <c>currentHealthy</c> (Ready, not being deleted, not just evicted),
/// <c>desiredHealthy</c>, <c>disruptionsAllowed</c>, <c>disruptedPods</c> (evictions older than 2 minutes dropped),
/// the <c>DisruptionAllowed</c> condition (SufficientPods / InsufficientPods) and <c>observedGeneration</c>.
/// minAvailable as a number counts the matching pods; a percentage or maxUnavailable asks the pods' controllers for their
/// scale (getExpectedScale: Deployment via its ReplicaSet, ReplicaSet, ReplicationController, StatefulSet).
/// </summary>
public sealed class DisruptionController(RestStorage storage) : ChangeDrivenLoop(storage, TimeSpan.FromSeconds(30))
{
    public static ResourceType Budgets { get; } = ResourceRegistry.ForKind("PodDisruptionBudget");
    private static readonly ResourceType Pods = ResourceRegistry.ForKind("Pod");
    private static readonly TimeSpan DeletionTimeout = TimeSpan.FromMinutes(2);

    protected override bool Matters(WatchEvent ev) =>
        ev.Resource.Kind is "Pod" or "ReplicaSet" or "Deployment" or "StatefulSet" or "ReplicationController"
        || (ev.Resource.Kind == "PodDisruptionBudget" && !(ev.Type == "MODIFIED" && JsonNode.DeepEquals(ev.Previous?["spec"], ev.Object["spec"])
            && JsonNode.DeepEquals(ev.Previous?.Path("metadata.generation"), ev.Object.Path("metadata.generation"))));

    protected override void Pass()
    {
        foreach (var pdb in Storage.Store.List(Budgets, null).Items)
            if (!pdb.IsDeleting()) Sync(pdb);
    }

    /// <summary>getPodsForPdb: an empty or missing selector matches nothing (policy/v1 code paths agree on this).</summary>
    public static List<JsonObject> MatchingPods(ObjectStore store, JsonObject pdb)
    {
        var selectorNode = pdb.Path("spec.selector");
        if (selectorNode is null) return [];
        var selector = LabelSelector.FromV1(k8s.KubernetesJson.Deserialize<k8s.Models.V1LabelSelector>(selectorNode.ToJsonString()));
        if (selector.IsEmpty) return [];
        return store.List(Pods, pdb.Namespace()).Items.Where(p => selector.Matches(p.Labels())).ToList();
    }

    public static bool IsReady(JsonObject pod) =>
        ((pod.Path("status.conditions") as JsonArray)?.OfType<JsonObject>() ?? []).Any(c => c.Str("type") == "Ready" && c.Str("status") == "True");

    private void Sync(JsonObject pdb)
    {
        var store = Storage.Store;
        var now = Storage.Time.GetUtcNow();
        var pods = MatchingPods(store, pdb);
        var (expected, desired) = Expectations(store, pdb, pods);

        // buildDisruptedPodMap: keep evictions younger than DeletionTimeout whose pod still exists and is not being deleted.
        var disrupted = new JsonObject();
        foreach (var (name, at) in pdb.Path("status.disruptedPods") as JsonObject ?? [])
        {
            var pod = pods.FirstOrDefault(p => p.Name() == name);
            if (pod is null || pod.IsDeleting()) continue;
            if (ObjectMeta.ParseTime(at?.ToString()) is { } t && t + DeletionTimeout < now) continue;
            disrupted[name] = at?.DeepClone();
        }
        var healthy = pods.Count(p => !p.IsDeleting() && IsReady(p) && !disrupted.ContainsKey(p.Name()));
        var allowed = expected <= 0 || healthy - desired <= 0 ? 0 : healthy - desired;

        var current = pdb["status"] as JsonObject;
        var generation = pdb.Meta()["generation"].Long() ?? 1;
        var condition = Condition(current, allowed > 0, ObjectMeta.Timestamp(now), generation);
        var status = new JsonObject
        {
            ["observedGeneration"] = generation,
            ["disruptionsAllowed"] = allowed,
            ["currentHealthy"] = healthy,
            ["desiredHealthy"] = desired,
            ["expectedPods"] = expected,
            ["conditions"] = new JsonArray(condition),
        };
        if (disrupted.Count > 0) status["disruptedPods"] = disrupted;
        if (JsonNode.DeepEquals(current, status)) return;
        var copy = pdb.CloneObject();
        copy["status"] = status;
        store.Update(Budgets, copy, pdb.Meta().Str("resourceVersion"));
    }

    /// <summary>UpdateDisruptionAllowedCondition: lastTransitionTime only moves when the status flips.</summary>
    private static JsonObject Condition(JsonObject? status, bool allowed, string now, long generation)
    {
        var old = ((status?["conditions"] as JsonArray)?.OfType<JsonObject>() ?? []).FirstOrDefault(c => c.Str("type") == "DisruptionAllowed");
        var value = allowed ? "True" : "False";
        return new JsonObject
        {
            ["type"] = "DisruptionAllowed", ["status"] = value,
            ["observedGeneration"] = generation,
            ["lastTransitionTime"] = old?.Str("status") == value ? old.Str("lastTransitionTime") : now,
            ["reason"] = allowed ? "SufficientPods" : "InsufficientPods",
            ["message"] = "",
        };
    }

    /// <summary>getExpectedPodCount: (expectedCount, desiredHealthy).</summary>
    private static (int Expected, int Desired) Expectations(ObjectStore store, JsonObject pdb, List<JsonObject> pods)
    {
        var maxUnavailable = pdb.Path("spec.maxUnavailable");
        var minAvailable = pdb.Path("spec.minAvailable");
        if (maxUnavailable is not null)
        {
            var expected = ExpectedScale(store, pods);
            var max = Scaled(maxUnavailable, expected);
            return (expected, Math.Max(0, expected - max));
        }
        if (minAvailable?.GetValueKind() == System.Text.Json.JsonValueKind.Number) return (pods.Count, (int)(minAvailable.Long() ?? 0));
        if (minAvailable is not null)
        {
            var expected = ExpectedScale(store, pods);
            return (expected, Scaled(minAvailable, expected));
        }
        return (pods.Count, 0);
    }

    /// <summary>GetScaledValueFromIntOrPercent with roundUp = true.</summary>
    private static int Scaled(JsonNode value, int total)
    {
        if (value.GetValueKind() == System.Text.Json.JsonValueKind.Number) return (int)(value.Long() ?? 0);
        var text = value.ToString().TrimEnd('%');
        return int.TryParse(text, out var pct) ? (int)Math.Ceiling(pct * total / 100.0) : 0;
    }

    /// <summary>getExpectedScale: the sum of spec.replicas over the distinct controllers of the pods.</summary>
    private static int ExpectedScale(ObjectStore store, List<JsonObject> pods)
    {
        var seen = new Dictionary<string, int>();
        foreach (var pod in pods)
        {
            var owner = Controller(pod);
            if (owner is null) continue;
            var ownerObj = store.ByUidReadOnly(owner.Str("uid") ?? "");
            if (ownerObj is null) continue;
            // A Deployment's ReplicaSet answers with the Deployment's scale (finders: getPodDeployment).
            if (owner.Str("kind") == "ReplicaSet" && Controller(ownerObj) is { } dep && dep.Str("kind") == "Deployment"
                && store.ByUidReadOnly(dep.Str("uid") ?? "") is { } deployment)
                ownerObj = deployment;
            var uid = ownerObj.Uid() ?? "";
            if (!seen.ContainsKey(uid)) seen[uid] = (int)(ownerObj.Path("spec.replicas").Long() ?? 1);
        }
        return seen.Values.Sum();
    }

    private static JsonObject? Controller(JsonObject obj) =>
        obj.OwnerReferences().FirstOrDefault(r => r["controller"]?.GetValue<bool>() == true);
}
