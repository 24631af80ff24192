using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// The 403 an authorizer's denial becomes (apiserver endpoints/handlers/responsewriters/errors.go Forbidden + forbiddenMessage,
/// apimachinery errors.NewForbidden): <c>pods "web" is forbidden: User "jane" cannot get resource "pods" in API group "" in the
/// namespace "dev"</c>, <c>… at the cluster scope</c>, <c>forbidden: User "x" cannot get path "/api"</c>; details name the
/// group, the resource (as kind) and the name.
/// </summary>
public static class ForbiddenResponse
{
    public static string Message(AuthorizationAttributes a)
    {
        var user = a.User.Name;
        if (!a.IsResourceRequest) return $"User \"{user}\" cannot {a.Verb} path \"{a.Path}\"";
        var resource = a.Subresource.Length > 0 ? $"{a.Resource}/{a.Subresource}" : a.Resource;
        return a.Namespace.Length > 0
            ? $"User \"{user}\" cannot {a.Verb} resource \"{resource}\" in API group \"{a.ApiGroup}\" in the namespace \"{a.Namespace}\""
            : $"User \"{user}\" cannot {a.Verb} resource \"{resource}\" in API group \"{a.ApiGroup}\" at the cluster scope";
    }

    /// <summary>The Status error for a denial; <paramref name="reason"/> (e.g. RBAC's resolution errors) follows after ": ".</summary>
    public static ApiError Error(AuthorizationAttributes a, string reason = "")
        => NewForbidden(a.IsResourceRequest ? a.ApiGroup : "", a.IsResourceRequest ? a.Resource : "", a.Name,
            reason.Length == 0 ? Message(a) : $"{Message(a)}: {reason}");

    /// <summary>apimachinery errors.NewForbidden(groupResource, name, err).</summary>
    public static ApiError NewForbidden(string group, string resource, string name, string why)
    {
        var qualified = group.Length == 0 ? resource : $"{resource}.{group}";
        var message = qualified.Length == 0 ? $"forbidden: {why}"
            : name.Length == 0 ? $"{qualified} is forbidden: {why}"
            : $"{qualified} \"{name}\" is forbidden: {why}";
        var details = new JsonObject();
        if (name.Length > 0) details["name"] = name;
        if (group.Length > 0) details["group"] = group;
        if (resource.Length > 0) details["kind"] = resource;
        return new ApiError(403, "Forbidden", message, details);
    }
}
