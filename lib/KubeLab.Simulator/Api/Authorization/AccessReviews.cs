using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Authentication;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// authorization.k8s.io/v1 (pkg/registry/authorization/*): SubjectAccessReview, LocalSubjectAccessReview and
/// SelfSubjectAccessReview ask the authorizer about one request; SelfSubjectRulesReview lists the rules the caller holds in a
/// namespace (what <c>kubectl auth can-i --list</c> prints). Created, answered with status, never stored.
/// </summary>
public static class AccessReviews
{
    /// <summary>The answer to a POSTed review of type <paramref name="t"/> (201 with the review and its status).</summary>
    public static JsonObject Answer(IAuthorizer authorizer, RbacAuthorizer rbac, ResourceType t, string? ns, JsonObject body, UserInfo requester)
    {
        var spec = body["spec"] as JsonObject ?? new JsonObject();
        var result = new JsonObject
        {
            ["kind"] = t.Kind, ["apiVersion"] = t.GroupVersion,
            ["metadata"] = body["metadata"]?.DeepClone() ?? new JsonObject { ["creationTimestamp"] = null },
            ["spec"] = spec.DeepClone(),
        };
        if (t.Kind == "SelfSubjectRulesReview")
        {
            result["status"] = RulesReview(rbac, requester, spec.Str("namespace") ?? "");
            return result;
        }
        UserInfo subject;
        if (t.Kind == "SelfSubjectAccessReview")
        {
            CheckAttributes(t, spec, local: false);
            subject = requester;
        }
        else
        {
            CheckAttributes(t, spec, local: t.Kind == "LocalSubjectAccessReview");
            var user = spec.Str("user") ?? "";
            var groups = (spec["groups"] as JsonArray ?? []).Select(g => g?.ToString() ?? "").ToList();
            if (user.Length == 0 && groups.Count == 0)
                throw ApiError.Invalid(t, "", [FieldError.Invalid("spec.user", "\"\"", "at least one of user or group must be specified")]);
            var extra = (spec["extra"] as JsonObject)?.ToDictionary(kv => kv.Key,
                kv => (IReadOnlyList<string>)(kv.Value as JsonArray ?? []).Select(v => v?.ToString() ?? "").ToList());
            subject = new UserInfo(user, groups, spec.Str("uid") ?? "", extra);
            if (t.Kind == "LocalSubjectAccessReview")
            {
                var specNs = spec.Path("resourceAttributes.namespace")?.ToString() ?? "";
                if (specNs.Length > 0 && specNs != ns)
                    throw ApiError.BadRequest($"spec.resourceAttributes.namespace must match namespace: {ns}");
                if (specNs.Length == 0 && spec["resourceAttributes"] is JsonObject ra) ra["namespace"] = ns;
            }
        }
        var attributes = spec["resourceAttributes"] is JsonObject r
            ? new AuthorizationAttributes(subject, r.Str("verb") ?? "", true, "", r.Str("group") ?? "", r.Str("version") ?? "", r.Str("resource") ?? "",
                r.Str("subresource") ?? "", r.Str("namespace") ?? "", r.Str("name") ?? "", r.Path("fieldSelector.rawSelector")?.ToString() ?? "")
            : new AuthorizationAttributes(subject, spec.Path("nonResourceAttributes.verb")?.ToString() ?? "", false, spec.Path("nonResourceAttributes.path")?.ToString() ?? "");
        var decision = authorizer.Authorize(attributes);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Reason.Length > 0) status["reason"] = decision.Reason;
        result["status"] = status;
        return result;
    }

    private static void CheckAttributes(ResourceType t, JsonObject spec, bool local)
    {
        var hasResource = spec["resourceAttributes"] is JsonObject;
        var hasNonResource = spec["nonResourceAttributes"] is JsonObject;
        if (local && hasNonResource)
            throw ApiError.Invalid(t, "", [FieldError.Invalid("spec.nonResourceAttributes", "&authorization.NonResourceAttributes{…}", "disallowed on this kind of request")]);
        if (!hasResource && !hasNonResource)
            throw ApiError.Invalid(t, "", [FieldError.Required("spec.resourceAttributes", "exactly one of nonResourceAttributes or resourceAttributes must be specified")]);
        if (hasResource && hasNonResource)
            throw ApiError.Invalid(t, "", [FieldError.Invalid("spec.nonResourceAttributes", "&authorization.NonResourceAttributes{…}", "cannot be specified in combination with resourceAttributes")]);
    }

    /// <summary>The union authorizer's RulesFor: system:masters holds everything; RBAC's rules split into resource and URL rules.</summary>
    private static JsonObject RulesReview(RbacAuthorizer rbac, UserInfo user, string ns)
    {
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        if (user.InGroup(RbacAuthorizer.PrivilegedGroup))
        {
            resourceRules.Add(new JsonObject { ["verbs"] = new JsonArray("*"), ["apiGroups"] = new JsonArray("*"), ["resources"] = new JsonArray("*") });
            nonResourceRules.Add(new JsonObject { ["verbs"] = new JsonArray("*"), ["nonResourceURLs"] = new JsonArray("*") });
        }
        var (rules, errors) = rbac.Policy.RulesFor(user, ns);
        foreach (var r in rules)
        {
            if (r.NonResourceUrls.Count > 0)
            {
                nonResourceRules.Add(new JsonObject { ["verbs"] = Arr(r.Verbs), ["nonResourceURLs"] = Arr(r.NonResourceUrls) });
                continue;
            }
            var o = new JsonObject { ["verbs"] = Arr(r.Verbs) };
            if (r.ApiGroups.Count > 0) o["apiGroups"] = Arr(r.ApiGroups);
            if (r.Resources.Count > 0) o["resources"] = Arr(r.Resources);
            if (r.ResourceNames.Count > 0) o["resourceNames"] = Arr(r.ResourceNames);
            resourceRules.Add(o);
        }
        // The Node authorizer's RulesFor: a node's permissions are not enumerable (relationships decide them).
        var isNode = NodeIdentity.Of(user).IsNode;
        if (isNode) errors = ["node authorizer does not support user rule resolution", .. errors];
        var status = new JsonObject { ["resourceRules"] = resourceRules, ["nonResourceRules"] = nonResourceRules, ["incomplete"] = isNode };
        if (errors.Count > 0) status["evaluationError"] = RbacAuthorizer.Aggregate(errors);
        return status;
    }

    private static JsonArray Arr(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
