using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Server;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.Authentication;

/// <summary>
/// k8s.io/apiserver/pkg/endpoints/filters/authentication.go WithAuthentication: authenticate, keep the user for the rest of the
/// request (<see cref="UserInfo.ItemKey"/>; authorization reads it), drop the Authorization header, or answer 401.
/// </summary>
public static class AuthenticationFilter
{
    public static async Task<bool> Authenticate(HttpContext ctx, RequestAuthenticator authenticator)
    {
        UserInfo user;
        try { user = await authenticator.AuthenticateAsync(ctx); }
        catch (ApiError e)
        {
            await HttpIO.WriteStatus(ctx, e);
            return false;
        }
        ctx.Items[UserInfo.ItemKey] = user;
        // authentication.go: the credential is not passed on to anything behind the filter (proxies, handlers).
        ctx.Request.Headers.Authorization = default;
        return true;
    }

    /// <summary>The user an earlier <see cref="Authenticate"/> stored (anonymous when the request never passed the filter).</summary>
    public static UserInfo User(HttpContext ctx) => ctx.Items[UserInfo.ItemKey] as UserInfo ?? UserInfo.Anonymous;
}
