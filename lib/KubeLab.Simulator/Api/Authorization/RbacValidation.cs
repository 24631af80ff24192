using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// pkg/apis/rbac/validation: rules need verbs, resource rules a group and a resource, non-resource URLs only in cluster
/// roles; bindings need a supported roleRef and well-formed subjects; a binding's roleRef never changes.
/// </summary>
public static class RbacValidation
{
    public static void Validate(ResourceType t, JsonObject obj, List<FieldError> errors)
    {
        switch (t.Kind)
        {
            case "Role" or "ClusterRole":
                var rules = obj["rules"] as JsonArray ?? [];
                for (var i = 0; i < rules.Count; i++) ValidateRule(rules[i], $"rules[{i}]", t.Kind == "Role", errors);
                break;
            case "RoleBinding" or "ClusterRoleBinding":
                ValidateBinding(obj, t.Kind == "RoleBinding", errors);
                break;
        }
    }

    /// <summary>apimachinery path.IsValidPathSegmentName, RBAC's name rule.</summary>
    public static string? NameError(string name)
        => name is "." ? "may not be '.'" : name is ".." ? "may not be '..'" : name.Contains('/') ? "may not contain '/'" : name.Contains('%') ? "may not contain '%'" : null;

    private static int Count(JsonNode? n) => (n as JsonArray)?.Count ?? 0;
    private static string GoSlice(JsonNode? n) => "[]string{" + string.Join(", ", (n as JsonArray ?? []).Select(v => $"\"{v}\"")) + "}";

    private static void ValidateRule(JsonNode? rule, string path, bool namespaced, List<FieldError> errors)
    {
        if (Count(rule?["verbs"]) == 0) errors.Add(FieldError.Required(path + ".verbs", "verbs must contain at least one value"));
        if (Count(rule?["nonResourceURLs"]) > 0)
        {
            if (namespaced) errors.Add(FieldError.Invalid(path + ".nonResourceURLs", GoSlice(rule?["nonResourceURLs"]), "namespaced rules cannot apply to non-resource URLs"));
            if (Count(rule?["apiGroups"]) > 0 || Count(rule?["resources"]) > 0 || Count(rule?["resourceNames"]) > 0)
                errors.Add(FieldError.Invalid(path + ".nonResourceURLs", GoSlice(rule?["nonResourceURLs"]), "rules cannot apply to both regular resources and non-resource URLs"));
            return;
        }
        if (Count(rule?["apiGroups"]) == 0) errors.Add(FieldError.Required(path + ".apiGroups", "resource rules must supply at least one api group"));
        if (Count(rule?["resources"]) == 0) errors.Add(FieldError.Required(path + ".resources", "resource rules must supply at least one resource"));
    }

    private static void ValidateBinding(JsonObject obj, bool namespaced, List<FieldError> errors)
    {
        var apiGroup = obj.Path("roleRef.apiGroup")?.ToString() ?? "";
        var kind = obj.Path("roleRef.kind")?.ToString() ?? "";
        var name = obj.Path("roleRef.name")?.ToString() ?? "";
        if (apiGroup != RbacPolicy.Group) errors.Add(new FieldError("roleRef.apiGroup", "FieldValueNotSupported", "supported values: \"rbac.authorization.k8s.io\"", $"\"{apiGroup}\""));
        if (namespaced && kind is not ("Role" or "ClusterRole"))
            errors.Add(new FieldError("roleRef.kind", "FieldValueNotSupported", "supported values: \"Role\", \"ClusterRole\"", $"\"{kind}\""));
        if (!namespaced && kind != "ClusterRole")
            errors.Add(new FieldError("roleRef.kind", "FieldValueNotSupported", "supported values: \"ClusterRole\"", $"\"{kind}\""));
        if (name.Length == 0) errors.Add(FieldError.Required("roleRef.name"));
        var subjects = obj["subjects"] as JsonArray ?? [];
        for (var i = 0; i < subjects.Count; i++)
        {
            var s = subjects[i];
            var path = $"subjects[{i}]";
            if ((s.Str("name") ?? "").Length == 0) errors.Add(FieldError.Required(path + ".name"));
            switch (s.Str("kind") ?? "")
            {
                case "ServiceAccount":
                    if ((s.Str("apiGroup") ?? "").Length > 0)
                        errors.Add(new FieldError(path + ".apiGroup", "FieldValueNotSupported", "supported values: \"\"", $"\"{s.Str("apiGroup")}\""));
                    if (!namespaced && (s.Str("namespace") ?? "").Length == 0) errors.Add(FieldError.Required(path + ".namespace"));
                    break;
                case "User" or "Group":
                    if (s.Str("apiGroup") != RbacPolicy.Group)
                        errors.Add(new FieldError(path + ".apiGroup", "FieldValueNotSupported", "supported values: \"rbac.authorization.k8s.io\"", $"\"{s.Str("apiGroup") ?? ""}\""));
                    break;
                default:
                    errors.Add(new FieldError(path + ".kind", "FieldValueNotSupported", "supported values: \"ServiceAccount\", \"User\", \"Group\"", $"\"{s.Str("kind") ?? ""}\""));
                    break;
            }
        }
    }

    /// <summary>ValidateRoleBindingUpdate: <c>roleRef: Invalid value: rbac.RoleRef{…}: cannot change roleRef</c>.</summary>
    public static void ValidateUpdate(ResourceType t, JsonObject current, JsonObject next, List<FieldError> errors)
    {
        if (t.Group != RbacPolicy.Group || t.Kind is not ("RoleBinding" or "ClusterRoleBinding")) return;
        if (JsonNode.DeepEquals(current["roleRef"], next["roleRef"])) return;
        var r = next["roleRef"];
        errors.Add(FieldError.Invalid("roleRef", $"rbac.RoleRef{{APIGroup:\"{r.Str("apiGroup")}\", Kind:\"{r.Str("kind")}\", Name:\"{r.Str("name")}\"}}", "cannot change roleRef"));
    }
}
