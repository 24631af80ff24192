using KubeLab.Simulator.Api.Authentication;
using KubeLab.Simulator.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// The impersonation filter (apiserver endpoints/filters/impersonation.go): <c>Impersonate-User</c>, <c>-Group</c>, <c>-Uid</c>
/// and <c>-Extra-&lt;key&gt;</c> headers (what <c>kubectl --as/--as-group/--as-uid</c> sends) replace the request's user once the
/// real user is allowed the <c>impersonate</c> verb on each: users and groups (core group, as the RBAC docs grant them), uids and
/// userextras/&lt;key&gt; (authentication.k8s.io)
/// or, for a <c>system:serviceaccount:ns:name</c> user, that serviceaccount (core group). The new user is in
/// system:authenticated (system:unauthenticated for system:anonymous) and, as a service account, in its groups.
/// </summary>
public static class Impersonation
{
    private const string UserHeader = "Impersonate-User", GroupHeader = "Impersonate-Group", UidHeader = "Impersonate-Uid", ExtraPrefix = "Impersonate-Extra-";
    private const string AuthnGroup = "authentication.k8s.io";
    private const string ServiceAccountPrefix = "system:serviceaccount:";

    /// <summary>The user the request acts as: <paramref name="user"/> when no impersonation header is sent.</summary>
    public static UserInfo Apply(HttpContext ctx, UserInfo user, IAuthorizer authorizer)
    {
        var headers = ctx.Request.Headers;
        var name = headers[UserHeader].ToString();
        var groups = headers[GroupHeader].Where(g => g is not null).Select(g => g!).ToList();
        var uid = headers[UidHeader].ToString();
        var extra = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var h in headers.Where(h => h.Key.StartsWith(ExtraPrefix, StringComparison.OrdinalIgnoreCase)))
            extra[Uri.UnescapeDataString(h.Key[ExtraPrefix.Length..]).ToLowerInvariant()] = h.Value.Where(v => v is not null).Select(v => v!).ToList();
        if (name.Length == 0 && groups.Count == 0 && uid.Length == 0 && extra.Count == 0) return user;
        if (name.Length == 0)
            throw new ApiError(500, "InternalError", $"Internal error occurred: requested impersonation of groups, uid or extra without impersonating a user");

        var path = ctx.Request.Path.Value ?? "/";
        void Check(string group, string resource, string subresource, string ns, string objName)
        {
            var a = new AuthorizationAttributes(user, "impersonate", true, path, group, "", resource, subresource, ns, objName);
            var d = authorizer.Authorize(a);
            if (!d.Allowed) throw ForbiddenResponse.Error(a, d.Reason);
        }

        var newGroups = new List<string>();
        if (name.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal) && name[ServiceAccountPrefix.Length..].Split(':') is [var saNs, var saName] && saNs.Length > 0 && saName.Length > 0)
        {
            Check("", "serviceaccounts", "", saNs, saName);
            // A service account is in its groups whether or not the caller asks for them (serviceaccount.MakeGroupNames).
            if (groups.Count == 0) newGroups.AddRange(["system:serviceaccounts", $"system:serviceaccounts:{saNs}"]);
        }
        else Check("", "users", "", "", name);
        foreach (var g in groups)
        {
            Check("", "groups", "", "", g);
            newGroups.Add(g);
        }
        foreach (var (key, values) in extra)
            foreach (var v in values) Check(AuthnGroup, "userextras", key, "", v);
        if (uid.Length > 0) Check(AuthnGroup, "uids", "", "", uid);

        if (name != UserInfo.Anonymous.Name)
        {
            if (!newGroups.Contains("system:authenticated") && !newGroups.Contains("system:unauthenticated")) newGroups.Add("system:authenticated");
        }
        else if (!newGroups.Contains("system:unauthenticated")) newGroups.Add("system:unauthenticated");
        foreach (var h in headers.Keys.Where(k => k.StartsWith("Impersonate-", StringComparison.OrdinalIgnoreCase)).ToList()) headers.Remove(h);
        return new UserInfo(name, newGroups, uid, extra.Count > 0 ? extra : null);
    }
}
