using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Admission;

/// <summary>
/// What one object counts against a ResourceQuota (pkg/quota/v1/evaluator/core: pods.go, services.go,
/// persistent_volume_claims.go; generic object counts <c>count/&lt;resource&gt;[.&lt;group&gt;]</c> from pkg/quota/v1/generic).
/// </summary>
public static class QuotaUsage
{
    // pods.go validationSet: quota on these makes every container state them (a backward-compatibility rule upstream keeps).
    private static readonly string[] ComputeNames = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

    /// <summary>The quota resource name counting objects of a type: <c>count/pods</c>, <c>count/deployments.apps</c>.</summary>
    public static string CountName(ResourceType t) => t.Group.Length == 0 ? $"count/{t.Plural}" : $"count/{t.Plural}.{t.Group}";

    /// <summary>MatchingResources: the names among <paramref name="names"/> an object of type <paramref name="t"/> is counted in.</summary>
    public static List<string> Matching(ResourceType t, IEnumerable<string> names) =>
        names.Where(n => n == CountName(t) || Legacy(t).Contains(n)
            || (t.Kind == "Pod" && (ComputeNames.Contains(n) || n is "ephemeral-storage" or "requests.ephemeral-storage" or "limits.ephemeral-storage" || n.StartsWith("requests.hugepages-", StringComparison.Ordinal)))
            || (t.Kind == "PersistentVolumeClaim" && (n == "requests.storage" || n.EndsWith(".storageclass.storage.k8s.io/requests.storage", StringComparison.Ordinal) || n.EndsWith(".storageclass.storage.k8s.io/persistentvolumeclaims", StringComparison.Ordinal))))
            .ToList();

    private static string[] Legacy(ResourceType t) => (t.Group, t.Kind) switch
    {
        ("", "Pod") => ["pods"],
        ("", "Service") => ["services", "services.loadbalancers", "services.nodeports"],
        ("", "ConfigMap") => ["configmaps"],
        ("", "Secret") => ["secrets"],
        ("", "PersistentVolumeClaim") => ["persistentvolumeclaims"],
        ("", "ReplicationController") => ["replicationcontrollers"],
        ("", "ResourceQuota") => ["resourcequotas"],
        _ => [],
    };

    /// <summary>QuotaV1Pod: terminal pods no longer use compute resources (they still count in count/pods).</summary>
    public static bool PodUsesCompute(JsonObject pod) => pod.Path("status.phase")?.ToString() is not ("Succeeded" or "Failed");

    /// <summary>Usage: everything the object counts for (before masking to a quota's names).</summary>
    public static Dictionary<string, decimal> Of(ResourceType t, JsonObject obj)
    {
        var u = new Dictionary<string, decimal>(StringComparer.Ordinal) { [CountName(t)] = 1 };
        foreach (var legacy in Legacy(t)) if (!legacy.Contains('.')) u[legacy] = 1;
        switch (t.Kind)
        {
            case "Pod" when t.Group.Length == 0:
                if (!PodUsesCompute(obj)) { u.Remove("pods"); break; }
                foreach (var (k, v) in ResourceLists.PodRequests(obj))
                {
                    u["requests." + k] = v;
                    if (k is "cpu" or "memory" or "ephemeral-storage") u[k] = v;
                }
                foreach (var (k, v) in ResourceLists.PodLimits(obj))
                    if (k is "cpu" or "memory" or "ephemeral-storage") u["limits." + k] = v;
                break;
            case "Service" when t.Group.Length == 0:
                var type = obj.Path("spec.type")?.ToString() ?? "ClusterIP";
                var ports = (obj.Path("spec.ports") as JsonArray)?.Count ?? 0;
                u["services.loadbalancers"] = type == "LoadBalancer" ? 1 : 0;
                u["services.nodeports"] = type is "NodePort" or "LoadBalancer" ? ports : 0;
                break;
            case "PersistentVolumeClaim" when t.Group.Length == 0:
                var storage = ResourceLists.Parse(obj.Path("spec.resources.requests")).GetValueOrDefault("storage");
                u["requests.storage"] = storage;
                if (obj.Path("spec.storageClassName")?.ToString() is { Length: > 0 } sc)
                {
                    u[$"{sc}.storageclass.storage.k8s.io/requests.storage"] = storage;
                    u[$"{sc}.storageclass.storage.k8s.io/persistentvolumeclaims"] = 1;
                }
                break;
        }
        return u;
    }

    /// <summary>Constraints (pods.go): quota on cpu/memory requires every container to state it: "must specify limits.cpu for: app".</summary>
    public static string? MissingCompute(JsonObject pod, IEnumerable<string> restricted)
    {
        var required = restricted.Where(ComputeNames.Contains).ToList();
        var missing = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var field in new[] { "containers", "initContainers" })
            foreach (var c in (pod.Path("spec." + field) as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                var requests = ObjectMeta.StringMap(c.Path("resources.requests"));
                var limits = ObjectMeta.StringMap(c.Path("resources.limits"));
                foreach (var name in required)
                {
                    var (list, key) = name.StartsWith("limits.", StringComparison.Ordinal) ? (limits, name[7..])
                        : name.StartsWith("requests.", StringComparison.Ordinal) ? (requests, name[9..]) : (requests, name);
                    if (list.ContainsKey(key)) continue;
                    if (!missing.TryGetValue(name, out var set)) missing[name] = set = new SortedSet<string>(StringComparer.Ordinal);
                    set.Add(c.Str("name") ?? "");
                }
            }
        return missing.Count == 0 ? null : "must specify " + string.Join("; ", missing.Select(kv => $"{kv.Key} for: {string.Join(",", kv.Value)}"));
    }
}
