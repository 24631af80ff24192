using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Authentication;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>A binding's subject (rbac/v1 Subject).</summary>
public sealed record RbacSubject(string Kind, string Name, string Namespace);

/// <summary>A RoleBinding or ClusterRoleBinding as RBAC reads it (Namespace empty for a ClusterRoleBinding).</summary>
public sealed record RbacBinding(string Name, string Namespace, string RoleKind, string RoleName, IReadOnlyList<RbacSubject> Subjects)
{
    public static RbacBinding FromJson(JsonObject o) => new(o.Name(), o.Namespace() ?? "", o.Path("roleRef.kind")?.ToString() ?? "", o.Path("roleRef.name")?.ToString() ?? "",
        o["subjects"] is JsonArray a ? a.Select(s => new RbacSubject(s.Str("kind") ?? "", s.Str("name") ?? "", s.Str("namespace") ?? "")).ToList() : []);

    /// <summary>rbac.go appliesTo / appliesToUser: the first subject naming the user, one of its groups, or its service account.</summary>
    public RbacSubject? SubjectFor(UserInfo user)
    {
        foreach (var s in Subjects)
        {
            var applies = s.Kind switch
            {
                "User" => user.Name == s.Name,
                "Group" => user.InGroup(s.Name),
                // A RoleBinding's service account without a namespace is in the binding's namespace.
                "ServiceAccount" => (s.Namespace.Length > 0 ? s.Namespace : Namespace) is { Length: > 0 } ns && IsServiceAccount(user.Name, ns, s.Name),
                _ => false,
            };
            if (applies) return s;
        }
        return null;
    }

    /// <summary><c>system:serviceaccount:&lt;ns&gt;:&lt;name&gt;</c>, compared in place (checked for every binding on every request).</summary>
    private static bool IsServiceAccount(string user, string ns, string name)
    {
        const string prefix = "system:serviceaccount:";
        var span = user.AsSpan();
        return span.Length == prefix.Length + ns.Length + 1 + name.Length && span.StartsWith(prefix, StringComparison.Ordinal)
            && span.Slice(prefix.Length, ns.Length).SequenceEqual(ns) && span[prefix.Length + ns.Length] == ':' && span[^name.Length..].SequenceEqual(name);
    }

    /// <summary>rbac.go describeSubject / the binding describers: the text after "RBAC: allowed by ".</summary>
    public string Describe(RbacSubject s)
    {
        var subject = s.Kind == "ServiceAccount" ? $"{s.Kind} \"{s.Name}/{(s.Namespace.Length > 0 ? s.Namespace : Namespace)}\"" : $"{s.Kind} \"{s.Name}\"";
        return Namespace.Length == 0
            ? $"ClusterRoleBinding \"{Name}\" of {RoleKind} \"{RoleName}\" to {subject}"
            : $"RoleBinding \"{Name}/{Namespace}\" of {RoleKind} \"{RoleName}\" to {subject}";
    }
}

/// <summary>
/// One consistent view of every Role, ClusterRole and binding (what RBAC's listers hold), rebuilt when an RBAC object changes.
/// <see cref="VisitRulesFor"/> is rbac/validation/rule.go DefaultRuleResolver.VisitRulesFor: ClusterRoleBindings first, then
/// the RoleBindings of the request's namespace; a binding whose role is missing contributes an error, no rules.
/// </summary>
public sealed class RbacPolicy
{
    public const string Group = "rbac.authorization.k8s.io";

    private readonly Dictionary<string, IReadOnlyList<PolicyRule>> clusterRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Ns, string Name), IReadOnlyList<PolicyRule>> roles = new();
    private readonly List<RbacBinding> clusterRoleBindings = [];
    private readonly Dictionary<string, List<RbacBinding>> roleBindings = new(StringComparer.Ordinal);

    public long Version { get; }

    private RbacPolicy(long version) => Version = version;

    public static RbacPolicy Read(ObjectStore store, long version)
    {
        var p = new RbacPolicy(version);
        foreach (var stored in store.AllStored())
        {
            if (stored.Type.Group != Group) continue;
            var o = stored.Object;
            switch (stored.Type.Kind)
            {
                case "ClusterRole": p.clusterRoles[o.Name()] = PolicyRule.ListFromJson(o["rules"]); break;
                case "Role": p.roles[(o.Namespace() ?? "", o.Name())] = PolicyRule.ListFromJson(o["rules"]); break;
                case "ClusterRoleBinding": p.clusterRoleBindings.Add(RbacBinding.FromJson(o)); break;
                case "RoleBinding":
                    var b = RbacBinding.FromJson(o);
                    if (!p.roleBindings.TryGetValue(b.Namespace, out var list)) p.roleBindings[b.Namespace] = list = [];
                    list.Add(b);
                    break;
            }
        }
        p.clusterRoleBindings.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var list in p.roleBindings.Values) list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return p;
    }

    /// <summary>GetRoleReferenceRules: the rules a roleRef names, or the listers' NotFound text.</summary>
    public (IReadOnlyList<PolicyRule> Rules, string? Error) RoleReferenceRules(string kind, string name, string bindingNamespace) => kind switch
    {
        "ClusterRole" => clusterRoles.TryGetValue(name, out var r) ? (r, null) : ([], $"clusterrole.rbac.authorization.k8s.io \"{name}\" not found"),
        "Role" => roles.TryGetValue((bindingNamespace, name), out var r) ? (r, null) : ([], $"role.rbac.authorization.k8s.io \"{name}\" not found"),
        _ => ([], $"unsupported role reference kind: \"{kind}\""),
    };

    /// <summary>Calls <paramref name="visit"/>(binding, subject, rule, error) until it returns false.</summary>
    public void VisitRulesFor(UserInfo user, string ns, Func<RbacBinding?, RbacSubject?, PolicyRule?, string?, bool> visit)
    {
        foreach (var b in clusterRoleBindings)
        {
            if (b.SubjectFor(user) is not { } s) continue;
            var (rules, error) = RoleReferenceRules(b.RoleKind, b.RoleName, "");
            if (error is not null && !visit(b, s, null, error)) return;
            foreach (var r in rules) if (!visit(b, s, r, null)) return;
        }
        if (ns.Length == 0 || !roleBindings.TryGetValue(ns, out var local)) return;
        foreach (var b in local)
        {
            if (b.SubjectFor(user) is not { } s) continue;
            var (rules, error) = RoleReferenceRules(b.RoleKind, b.RoleName, ns);
            if (error is not null && !visit(b, s, null, error)) return;
            foreach (var r in rules) if (!visit(b, s, r, null)) return;
        }
    }

    /// <summary>DefaultRuleResolver.RulesFor: every rule the user holds in <paramref name="ns"/> (cluster-wide ones included).</summary>
    public (List<PolicyRule> Rules, List<string> Errors) RulesFor(UserInfo user, string ns)
    {
        var rules = new List<PolicyRule>();
        var errors = new List<string>();
        VisitRulesFor(user, ns, (_, _, r, e) =>
        {
            if (r is not null) rules.Add(r);
            if (e is not null) errors.Add(e);
            return true;
        });
        return (rules, errors);
    }
}
