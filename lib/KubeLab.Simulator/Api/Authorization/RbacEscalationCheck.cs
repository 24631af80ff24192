using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Authentication;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// RBAC's privilege-escalation prevention (pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased,
/// pkg/registry/rbac/escalation_check.go, validation/rule.go ConfirmNoEscalation): writing a Role or ClusterRole needs the
/// <c>escalate</c> verb on it or holding every rule it grants; writing a binding needs <c>bind</c> on the role or holding the
/// role's rules (a missing role grants nothing, so that binding may be written). system:masters (and the API server's own
/// writes, which have no request user) skip the check.
/// </summary>
public static class RbacEscalationCheck
{
    private const string Group = RbacPolicy.Group;

    /// <summary>Throws 403 when the request's user may not write <paramref name="obj"/>; <paramref name="current"/> is the stored object on update.</summary>
    public static void Admit(ObjectStore store, ResourceType t, JsonObject obj, JsonObject? current)
    {
        if (t.Group != Group || RequestUser.Current is not { } user || user.InGroup(RbacAuthorizer.PrivilegedGroup)) return;
        var authorizer = RbacAuthorizer.For(store);
        var ns = obj.Namespace() ?? "";
        var name = obj.Name();
        switch (t.Kind)
        {
            case "Role" or "ClusterRole":
            {
                // Only the garbage collector's fields changing (owner references, finalizers) needs no check.
                if (current is not null && OnlyGcFieldsChange(current, obj)) return;
                var escalate = new AuthorizationAttributes(user, "escalate", true, "", Group, "v1", t.Plural, "", ns, name);
                if (authorizer.Authorize(escalate).Allowed) return;
                ConfirmNoEscalation(authorizer, user, ns, PolicyRule.ListFromJson(obj["rules"]), t, name);
                // Setting an aggregationRule can gather anything: it needs full authority.
                if (t.Kind == "ClusterRole" && obj["aggregationRule"] is JsonObject
                    && !RuleCoverage.Covers(authorizer.Policy.RulesFor(user, ns).Rules, [new(["*"], ["*"], ["*"], [], []), new(["*"], [], [], [], ["*"])]).Covers)
                    throw ForbiddenResponse.NewForbidden(Group, t.Plural, name, "must have cluster-admin privileges to use the aggregationRule");
                return;
            }
            case "RoleBinding" or "ClusterRoleBinding":
            {
                if (current is not null && OnlyGcFieldsChange(current, obj)) return;
                var kind = obj.Path("roleRef.kind")?.ToString() ?? "";
                var roleName = obj.Path("roleRef.name")?.ToString() ?? "";
                var bind = new AuthorizationAttributes(user, "bind", true, "", obj.Path("roleRef.apiGroup")?.ToString() ?? "", "", kind == "Role" ? "roles" : "clusterroles", "", ns, roleName);
                if (kind is "Role" or "ClusterRole" && authorizer.Authorize(bind).Allowed) return;
                var (rules, _) = authorizer.Policy.RoleReferenceRules(kind, roleName, ns);   // a missing role: no rules, no error
                ConfirmNoEscalation(authorizer, user, ns, rules, t, name);
                return;
            }
        }
    }

    private static void ConfirmNoEscalation(RbacAuthorizer authorizer, UserInfo user, string ns, IReadOnlyList<PolicyRule> rules, ResourceType t, string name)
    {
        var (owned, errors) = authorizer.Policy.RulesFor(user, ns);
        var (covers, missing) = RuleCoverage.Covers(owned, rules);
        if (covers) return;
        var lines = RuleCoverage.Compact(missing).Select(r => r.CompactString()).Distinct().Order(StringComparer.Ordinal);
        var groups = "[" + string.Join(" ", user.Groups.Select(g => $"\"{g}\"")) + "]";
        var message = $"user \"{user.Name}\" (groups={groups}) is attempting to grant RBAC permissions not currently held:\n{string.Join("\n", lines)}";
        if (errors.Count > 0) message += $"; resolution errors: [{string.Join(" ", errors)}]";
        throw ForbiddenResponse.NewForbidden(Group, t.Plural, name, message);
    }

    private static bool OnlyGcFieldsChange(JsonObject current, JsonObject next)
    {
        static JsonObject Strip(JsonObject o)
        {
            var c = (JsonObject)o.DeepClone();
            var m = c.Meta();
            foreach (var k in new[] { "ownerReferences", "finalizers", "resourceVersion", "managedFields", "generation", "uid", "creationTimestamp" }) m.Remove(k);
            return c;
        }
        return JsonNode.DeepEquals(Strip(current), Strip(next));
    }
}
