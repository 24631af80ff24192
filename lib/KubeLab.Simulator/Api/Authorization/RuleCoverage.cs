namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// Whether one set of rules covers another (pkg/registry/rbac/validation/policy_comparator.go Covers, BreakdownRule, and
/// rule.go CompactRules): the escalation check's arithmetic. Every requested rule is broken down to single
/// group × resource × verb (× name) or URL × verb rules; each must be covered by an owner rule.
/// </summary>
public static class RuleCoverage
{
    public static (bool Covers, List<PolicyRule> Missing) Covers(IReadOnlyList<PolicyRule> owner, IReadOnlyList<PolicyRule> servant)
    {
        var missing = new List<PolicyRule>();
        foreach (var rule in servant)
            foreach (var sub in Breakdown(rule))
                if (!owner.Any(o => RuleCovers(o, sub))) missing.Add(sub);
        return (missing.Count == 0, missing);
    }

    public static IEnumerable<PolicyRule> Breakdown(PolicyRule rule)
    {
        foreach (var g in rule.ApiGroups)
            foreach (var r in rule.Resources)
                foreach (var v in rule.Verbs)
                {
                    if (rule.ResourceNames.Count > 0)
                        foreach (var n in rule.ResourceNames) yield return new([v], [g], [r], [n], []);
                    else yield return new([v], [g], [r], [], []);
                }
        foreach (var u in rule.NonResourceUrls)
            foreach (var v in rule.Verbs)
                yield return new([v], [], [], [], [u]);
    }

    private static bool RuleCovers(PolicyRule owner, PolicyRule sub)
    {
        var verbs = owner.Verbs.Contains("*") || sub.Verbs.All(owner.Verbs.Contains);
        var groups = owner.ApiGroups.Contains("*") || sub.ApiGroups.All(owner.ApiGroups.Contains);
        var resources = ResourcesCover(owner.Resources, sub.Resources);
        var urls = sub.NonResourceUrls.All(u => owner.NonResourceUrls.Any(o => o == "*" || o == u || (o.EndsWith('*') && u.StartsWith(o[..^1], StringComparison.Ordinal))));
        var names = owner.ResourceNames.Count == 0 || sub.ResourceNames.All(owner.ResourceNames.Contains);
        return verbs && groups && resources && urls && names;
    }

    private static bool ResourcesCover(IReadOnlyList<string> set, IReadOnlyList<string> wanted)
    {
        if (set.Contains("*") || wanted.All(set.Contains)) return true;
        foreach (var path in wanted)
        {
            if (set.Contains(path)) continue;
            var slash = path.IndexOf('/');
            if (slash < 0 || !set.Contains("*/" + path[(slash + 1)..])) return false;
        }
        return true;
    }

    /// <summary>CompactRules: simple rules of one group/resource(/name) merge their verbs.</summary>
    public static List<PolicyRule> Compact(IEnumerable<PolicyRule> rules)
    {
        var result = new List<PolicyRule>();
        var index = new Dictionary<(string, string, string), int>();
        foreach (var r in rules)
        {
            if (r.ApiGroups.Count == 1 && r.Resources.Count == 1 && r.ResourceNames.Count <= 1 && r.NonResourceUrls.Count == 0)
            {
                var key = (r.ApiGroups[0], r.Resources[0], r.ResourceNames.Count == 1 ? r.ResourceNames[0] : "");
                if (index.TryGetValue(key, out var i))
                {
                    var merged = result[i].Verbs.ToList();
                    merged.AddRange(r.Verbs.Where(v => !merged.Contains(v)));
                    result[i] = result[i] with { Verbs = merged };
                    continue;
                }
                index[key] = result.Count;
            }
            result.Add(r);
        }
        return result;
    }
}
