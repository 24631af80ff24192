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

    /// <summary>
    /// The authenticated user of <paramref name="ctx"/> (the authentication filter's ctx.Items entry). A request that skipped the
    /// filter (the handler driven directly, as the bench does) is anonymous: nothing is allowed by accident.
    /// </summary>
    public static UserInfo Authenticated(HttpContext ctx) => ctx.Items[UserInfo.ItemKey] as UserInfo ?? UserInfo.Anonymous;
}
