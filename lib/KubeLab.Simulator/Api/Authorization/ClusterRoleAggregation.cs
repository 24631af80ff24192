using System.Text.Json.Nodes;
using System.Threading.Channels;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// clusterrole-aggregation-controller (pkg/controller/clusterroleaggregation): a ClusterRole with an aggregationRule gets the
/// rules of every other ClusterRole its selectors match, in name order, without duplicates. The rules are recomputed whenever a
/// ClusterRole changes (so a learner's role labelled <c>rbac.authorization.k8s.io/aggregate-to-view: "true"</c> shows up in
/// view, and through view's own label in edit and admin). Upstream it runs in kube-controller-manager; here it is a loop
/// next to the API server writing through the registry, like the CRD controllers.
/// </summary>
public static class ClusterRoleAggregation
{
    public const string FieldManager = "clusterrole-aggregation-controller";

    private static ResourceType ClusterRoles => ResourceRegistry.Find(RbacPolicy.Group, "v1", "clusterroles")!;

    /// <summary>Brings every aggregated ClusterRole up to date (repeats until nothing changes: view feeds edit feeds admin).</summary>
    public static void SyncAll(RestStorage storage)
    {
        for (var pass = 0; pass < 10; pass++)
        {
            var changed = false;
            var (roles, _) = storage.Store.List(ClusterRoles, null);
            foreach (var role in roles.Where(r => r["aggregationRule"] is JsonObject))
            {
                var rules = AggregatedRules(role, roles);
                if (JsonNode.DeepEquals(rules, role["rules"] ?? new JsonArray())) continue;
                role["rules"] = rules;
                try
                {
                    storage.Update(ClusterRoles, null, role.Name(), role, null, fieldManager: FieldManager);
                    changed = true;
                }
                catch (ApiError e) when (e.Code is 404 or 409) { changed = true; }
            }
            if (!changed) return;
        }
    }

    private static JsonArray AggregatedRules(JsonObject role, List<JsonObject> all)
    {
        var result = new JsonArray();
        var seen = new List<JsonNode>();
        foreach (var selectorNode in role.Path("aggregationRule.clusterRoleSelectors") as JsonArray ?? [])
        {
            var selector = LabelSelector.FromV1(k8s.KubernetesJson.Deserialize<k8s.Models.V1LabelSelector>(selectorNode?.ToJsonString() ?? "{}"));
            foreach (var other in all.Where(o => o.Name() != role.Name() && selector.Matches(o.Labels())).OrderBy(o => o.Name(), StringComparer.Ordinal))
                foreach (var rule in other["rules"] as JsonArray ?? [])
                {
                    if (rule is null || seen.Any(s => JsonNode.DeepEquals(s, rule))) continue;
                    seen.Add(rule);
                    result.Add(rule.DeepClone());
                }
        }
        return result;
    }

    /// <summary>Runs the controller: a ClusterRole change schedules a sync (changes arriving together are handled once).</summary>
    public static void Start(RestStorage storage, CancellationToken stop)
    {
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        storage.Store.Changed += e => { if (e.Resource.Group == RbacPolicy.Group && e.Resource.Kind == "ClusterRole") wake.Writer.TryWrite(true); };
        _ = Task.Run(async () =>
        {
            try
            {
                while (await wake.Reader.WaitToReadAsync(stop))
                {
                    wake.Reader.TryRead(out _);
                    try { SyncAll(storage); }
                    catch (Exception e) when (e is not OperationCanceledException) { Console.Error.WriteLine($"clusterrole-aggregation-controller: {e.Message}"); }
                }
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);
    }
}
