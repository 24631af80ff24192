using KubeLab.Simulator.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.Authentication;

/// <summary>
/// kube-apiserver's authentication chain (pkg/kubeapiserver/authenticator/config.go): x509 client certificates, then bearer
/// tokens (service-account JWTs), each authenticated user gaining <c>system:authenticated</c>; with --anonymous-auth=true (the
/// default, kept by kind) a request with no credentials is <c>system:anonymous</c>. Credentials that do not authenticate are a
/// 401 – union.NewFailOnError never falls back to anonymous for a bad certificate or token. Bearer tokens go through the
/// 10-second success cache (<see cref="CachedTokenAuthenticator"/>), as upstream.
/// </summary>
public sealed class RequestAuthenticator(X509Authenticator x509, ServiceAccountTokenAuthenticator tokens, TimeProvider time)
{
    /// <summary>The token authenticator itself, without the cache (tools and benchmarks).</summary>
    public ServiceAccountTokenAuthenticator Tokens => tokens;

    /// <summary>The cached token authenticator requests and TokenReviews use.</summary>
    public CachedTokenAuthenticator CachedTokens { get; } = new(tokens, time);

    /// <summary>kube-apiserver's answer to a request whose credentials do not authenticate (apierrors.NewUnauthorized).</summary>
    public static ApiError Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    /// <summary>The request's user; throws the 401 <see cref="Unauthorized"/> for credentials that fail.</summary>
    public async Task<UserInfo> AuthenticateAsync(HttpContext ctx)
    {
        var refused = false; // credentials were presented and failed: 401, never anonymous
        var certificate = ctx.Connection.ClientCertificate ?? await ctx.Connection.GetClientCertificateAsync(ctx.RequestAborted);
        if (certificate is not null)
        {
            var (user, _) = x509.Authenticate(certificate);
            if (user is not null) return user;
            refused = true;
        }
        if (BearerToken(ctx) is { } token)
        {
            var (user, _) = CachedTokens.Authenticate(token);
            if (user is not null) return user;
            refused = true;
        }
        if (refused) throw Unauthorized();
        return UserInfo.Anonymous;
    }

    /// <summary>request/bearertoken: <c>Authorization: Bearer &lt;token&gt;</c>; another scheme or an empty token is no credential.</summary>
    private static string? BearerToken(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString().Trim();
        var space = header.IndexOf(' ');
        if (space < 0 || !header[..space].Equals("bearer", StringComparison.OrdinalIgnoreCase)) return null;
        var token = header[(space + 1)..].Trim();
        return token.Length == 0 ? null : token;
    }
}
