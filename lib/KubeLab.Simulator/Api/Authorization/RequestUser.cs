using KubeLab.Simulator.Api.Authentication;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.Authorization;

/// <summary>
/// The user a request acts as (genericapirequest.UserFrom): set by the authorization filter for the rest of the request, so the
/// RBAC registry's escalation and bind checks see it. Null outside a request: the API server's own writes (seeding, in-process
/// controllers) act like the loopback client of group system:masters.
/// </summary>
public static class RequestUser
{
    private static readonly AsyncLocal<UserInfo?> Current_ = new();

    public static UserInfo? Current => Current_.Value;

    internal static void Set(UserInfo? user) => Current_.Value = user;

    // ---- AUTHN FALLBACK (remove when authentication lands) ------------------------------------------------------------------
    // Until the authn branch sets ctx.Items[UserInfo.ItemKey], every request is the kubeconfig's admin, as kind's client
    // certificate says: CN=kubernetes-admin, O=kubeadm:cluster-admins (kubeadm ≥ 1.29), plus system:authenticated.
    public static UserInfo FallbackAdmin { get; } = new("kubernetes-admin", ["kubeadm:cluster-admins", "system:authenticated"]);

    /// <summary>The authenticated user of <paramref name="ctx"/> (authn's ctx.Items entry), else the fallback above.</summary>
    public static UserInfo Authenticated(HttpContext ctx) => ctx.Items[UserInfo.ItemKey] as UserInfo ?? FallbackAdmin;
    // ---- END AUTHN FALLBACK -------------------------------------------------------------------------------------------------
}
