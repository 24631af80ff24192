using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Server;

/// <summary>Legacy (unaggregated) discovery documents: /api, /apis, /api/v1, /apis/{group}/{version}, and /version.</summary>
public static class Discovery
{
    public const string GitVersion = "v1.32.2-kubelab";

    public static JsonObject Version() => new()
    {
        ["major"] = "1", ["minor"] = "32", ["gitVersion"] = GitVersion, ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean", ["buildDate"] = "2025-02-12T21:26:09Z", ["goVersion"] = "go1.23.6", ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    // Built-in types first, then the served custom resources (CustomResources/CustomResourceTypes, versions by priority).
    private static IEnumerable<ResourceType> All(IReadOnlyList<ResourceType>? custom) => custom is { Count: > 0 } ? ResourceRegistry.Types.Concat(custom) : ResourceRegistry.Types;

    private static IEnumerable<string> Groups(IReadOnlyList<ResourceType>? custom) => All(custom).Where(t => t.Group.Length > 0).Select(t => t.Group).Distinct();

    public static JsonObject Group(string group, IReadOnlyList<ResourceType>? custom = null)
    {
        var versions = All(custom).Where(t => t.Group == group).Select(t => t.Version).Distinct().ToList();
        JsonObject Gv(string v) => new() { ["groupVersion"] = $"{group}/{v}", ["version"] = v };
        return new JsonObject
        {
            ["kind"] = "APIGroup", ["apiVersion"] = "v1", ["name"] = group,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode?)Gv(v)).ToArray()),
            ["preferredVersion"] = Gv(versions[0]),
        };
    }

    public static JsonObject GroupList(IReadOnlyList<ResourceType>? custom = null)
    {
        var groups = new JsonArray();
        foreach (var g in Groups(custom))
        {
            var grp = Group(g, custom);
            grp.Remove("kind");
            grp.Remove("apiVersion");
            groups.Add(grp);
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static bool HasGroup(string group, IReadOnlyList<ResourceType>? custom = null) => Groups(custom).Contains(group);

    public static JsonObject? ResourceList(string groupVersion, IReadOnlyList<ResourceType>? custom = null)
    {
        var types = All(custom).Where(t => t.GroupVersion == groupVersion).ToList();
        if (types.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var t in types)
        {
            var r = new JsonObject
            {
                ["name"] = t.Plural, ["singularName"] = t.Singular, ["namespaced"] = t.Namespaced, ["kind"] = t.Kind,
                ["verbs"] = t.CreateOnly ? Verbs("create") : t.Computed ? Verbs("get", "list") : Verbs("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
            };
            if (t.ShortNames.Length > 0) r["shortNames"] = new JsonArray(t.ShortNames.Select(s => (JsonNode?)s).ToArray());
            if (t.Categories.Length > 0) r["categories"] = new JsonArray(t.Categories.Select(s => (JsonNode?)s).ToArray());
            if (t.Custom is not null) r["storageVersionHash"] = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{t.Group}/{t.Plural}"))[..8]);
            resources.Add(r);
            if (t.HasStatus)
                resources.Add(new JsonObject { ["name"] = $"{t.Plural}/status", ["singularName"] = "", ["namespaced"] = t.Namespaced, ["kind"] = t.Kind, ["verbs"] = Verbs("get", "patch", "update") });
            if (t.HasScale)
                resources.Add(new JsonObject { ["name"] = $"{t.Plural}/scale", ["singularName"] = "", ["namespaced"] = t.Namespaced, ["group"] = "autoscaling", ["version"] = "v1", ["kind"] = "Scale", ["verbs"] = Verbs("get", "patch", "update") });
            if (t.Kind == "Pod")
            {
                resources.Add(new JsonObject { ["name"] = "pods/attach", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "PodAttachOptions", ["verbs"] = Verbs("create", "get") });
                resources.Add(new JsonObject { ["name"] = "pods/binding", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "Binding", ["verbs"] = Verbs("create") });
                // The Eviction subresource (policy/v1); kubectl drain looks for it here.
                resources.Add(new JsonObject { ["name"] = "pods/eviction", ["singularName"] = "", ["namespaced"] = true, ["group"] = "policy", ["version"] = "v1", ["kind"] = "Eviction", ["verbs"] = Verbs("create") });
                resources.Add(new JsonObject { ["name"] = "pods/exec", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "PodExecOptions", ["verbs"] = Verbs("create", "get") });
                resources.Add(new JsonObject { ["name"] = "pods/log", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "Pod", ["verbs"] = Verbs("get") });
                resources.Add(new JsonObject { ["name"] = "pods/proxy", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "PodProxyOptions", ["verbs"] = Verbs("create", "delete", "get", "patch", "update") });
            }
            if (t.Kind == "Service" && t.Group.Length == 0)
                resources.Add(new JsonObject { ["name"] = "services/proxy", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "ServiceProxyOptions", ["verbs"] = Verbs("create", "delete", "get", "patch", "update") });
            if (t.Kind == "ServiceAccount")
                resources.Add(new JsonObject { ["name"] = "serviceaccounts/token", ["singularName"] = "", ["namespaced"] = true, ["group"] = "authentication.k8s.io", ["version"] = "v1", ["kind"] = "TokenRequest", ["verbs"] = Verbs("create") });
            if (t.Kind == "Namespace")
                resources.Add(new JsonObject { ["name"] = "namespaces/finalize", ["singularName"] = "", ["namespaced"] = false, ["kind"] = "Namespace", ["verbs"] = Verbs("update") });
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = resources };
    }

    private static JsonArray Verbs(params string[] verbs) => new(verbs.Select(v => (JsonNode?)v).ToArray());
}
