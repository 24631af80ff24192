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

    public bool Allows(AuthorizationAttributes a)
    {
        if (!VerbMatches(a.Verb)) return false;
        if (!a.IsResourceRequest) return NonResourceUrlMatches(a.Path);
        var combined = a.Subresource.Length > 0 ? $"{a.Resource}/{a.Subresource}" : a.Resource;
        return ApiGroupMatches(a.ApiGroup) && ResourceMatches(combined, a.Subresource) && ResourceNameMatches(a.Name);
    }

    public bool VerbMatches(string verb) => Verbs.Any(v => v == "*" || v == verb);
    public bool ApiGroupMatches(string group) => ApiGroups.Any(g => g == "*" || g == group);

    public bool ResourceMatches(string combined, string subresource)
    {
        foreach (var r in Resources)
        {
            if (r == "*" || r == combined) return true;
            // "*/scale" matches the scale subresource of any resource.
            if (subresource.Length > 0 && r.Length == subresource.Length + 2 && r.StartsWith("*/", StringComparison.Ordinal) && r.EndsWith(subresource, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    public bool ResourceNameMatches(string name) => ResourceNames.Count == 0 || ResourceNames.Contains(name);

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
