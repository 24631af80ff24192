using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// One rbac/v1 PolicyRule and how RBAC matches it (plugin/pkg/auth/authorizer/rbac/rbac.go RuleAllows and
/// pkg/apis/rbac/v1/evaluation_helpers.go): verbs, apiGroups and resources with <c>*</c>, <c>*/scale</c>-style subresource
/// wildcards, resourceNames (empty = all), nonResourceURLs with a trailing <c>*</c> as a prefix.
/// </summary>
public sealed record PolicyRule(IReadOnlyList<string> Verbs, IReadOnlyList<string> ApiGroups, IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames, IReadOnlyList<string> NonResourceUrls)
{
    public static PolicyRule FromJson(JsonNode? rule) => new(Strings(rule?["verbs"]), Strings(rule?["apiGroups"]), Strings(rule?["resources"]),
        Strings(rule?["resourceNames"]), Strings(rule?["nonResourceURLs"]));

    public static IReadOnlyList<PolicyRule> ListFromJson(JsonNode? rules)
        => rules is JsonArray a ? a.Select(FromJson).ToList() : [];

    private static string[] Strings(JsonNode? node) => node is JsonArray a ? a.Select(x => x?.ToString() ?? "").ToArray() : [];

    public JsonObject ToJson()
    {
        var o = new JsonObject();
        void Put(string key, IReadOnlyList<string> values) { if (values.Count > 0) o[key] = new JsonArray(values.Select(v => (JsonNode?)v).ToArray()); }
        Put("apiGroups", ApiGroups);
        Put("nonResourceURLs", NonResourceUrls);
        Put("resourceNames", ResourceNames);
        Put("resources", Resources);
        Put("verbs", Verbs);
        return o;
    }

    // Matching allocates nothing (no closures, no "resource/subresource" string): it runs for every rule a request is checked against.
    public bool Allows(AuthorizationAttributes a)
    {
        if (!VerbMatches(a.Verb)) return false;
        if (!a.IsResourceRequest) return NonResourceUrlMatches(a.Path);
        return ApiGroupMatches(a.ApiGroup) && ResourceMatches(a.Resource, a.Subresource) && ResourceNameMatches(a.Name);
    }

    public bool VerbMatches(string verb) => ContainsOrStar(Verbs, verb);
    public bool ApiGroupMatches(string group) => ContainsOrStar(ApiGroups, group);

    /// <summary>A rule's resource matches "resource" or "resource/subresource", "*", or "*/subresource" (any resource's subresource).</summary>
    public bool ResourceMatches(string resource, string subresource)
    {
        foreach (var r in Resources)
        {
            if (r == "*") return true;
            if (subresource.Length == 0)
            {
                if (r == resource) return true;
                continue;
            }
            if (r.Length == resource.Length + 1 + subresource.Length && r.EndsWith(subresource, StringComparison.Ordinal) && r[^(subresource.Length + 1)] == '/'
                && r.StartsWith(resource, StringComparison.Ordinal))
                return true;
            if (r.Length == subresource.Length + 2 && r.StartsWith("*/", StringComparison.Ordinal) && r.EndsWith(subresource, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    public bool ResourceNameMatches(string name)
    {
        if (ResourceNames.Count == 0) return true;
        for (var i = 0; i < ResourceNames.Count; i++)
            if (ResourceNames[i] == name) return true;
        return false;
    }

    private static bool ContainsOrStar(IReadOnlyList<string> values, string wanted)
    {
        for (var i = 0; i < values.Count; i++)
            if (values[i] == "*" || values[i] == wanted) return true;
        return false;
    }

    public bool NonResourceUrlMatches(string path)
    {
        foreach (var u in NonResourceUrls)
        {
            if (u == "*" || u == path) return true;
            if (u.EndsWith('*') && path.StartsWith(u[..^1], StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>rbacv1helpers.CompactString: <c>{APIGroups:[""], Resources:["pods"], Verbs:["get"]}</c> (escalation messages).</summary>
    public string CompactString()
    {
        var parts = new List<string>();
        static string Q(IReadOnlyList<string> v) => "[" + string.Join(" ", v.Select(s => "\"" + s + "\"")) + "]";
        if (ApiGroups.Count > 0) parts.Add("APIGroups:" + Q(ApiGroups));
        if (Resources.Count > 0) parts.Add("Resources:" + Q(Resources));
        if (NonResourceUrls.Count > 0) parts.Add("NonResourceURLs:" + Q(NonResourceUrls));
        if (ResourceNames.Count > 0) parts.Add("ResourceNames:" + Q(ResourceNames));
        if (Verbs.Count > 0) parts.Add("Verbs:" + Q(Verbs));
        return "{" + string.Join(", ", parts) + "}";
    }
}
