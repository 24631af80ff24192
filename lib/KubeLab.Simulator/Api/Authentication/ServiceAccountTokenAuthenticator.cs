using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Authentication;

/// <summary>
/// The service-account token authenticator (pkg/serviceaccount/jwt.go JWTTokenAuthenticator with the bound-token validator of
/// claims.go and the legacy one of legacy.go): signature with sa.key, issuer, audience, exp/nbf (go-jose's one-minute leeway),
/// then the ServiceAccount and the bound Pod / Secret / Node must still exist with the uid the token names.
/// </summary>
public sealed class ServiceAccountTokenAuthenticator(ServiceAccountTokens tokens, ObjectStore store, TimeProvider time)
{
    private static readonly TimeSpan Leeway = TimeSpan.FromMinutes(1);
    private static readonly ResourceType ServiceAccounts = ResourceRegistry.ForKind("ServiceAccount");
    private static readonly ResourceType Pods = ResourceRegistry.ForKind("Pod");
    private static readonly ResourceType Secrets = ResourceRegistry.ForKind("Secret");
    private static readonly ResourceType Nodes = ResourceRegistry.ForKind("Node");

    /// <summary>
    /// The user, or the reason the token is refused. <paramref name="audiences"/>: what the token must be meant for (the API
    /// server's own --api-audiences, or a TokenReview's spec.audiences).
    /// </summary>
    public (UserInfo? User, string? Error) Authenticate(string token, IReadOnlyList<string>? audiences = null)
    {
        if (Jwt.Parse(token) is not { } jwt) return (null, "invalid bearer token");
        var (header, claims, signingInputLength, signature) = jwt;
        var issuer = claims.Str("iss");
        if (issuer is not (ServiceAccountTokens.Issuer or ServiceAccountTokens.LegacyIssuer)) return (null, "invalid bearer token");
        if (header.Str("alg") != "RS256" || !Jwt.Verifies(token.AsSpan(0, signingInputLength), signature, tokens.Pki.ServiceAccountKey))
            return (null, "invalid bearer token, square/go-jose: error in cryptographic primitive");
        return issuer == ServiceAccountTokens.LegacyIssuer ? Legacy(token, claims) : Bound(claims, audiences ?? [ServiceAccountTokens.Issuer]);
    }

    private (UserInfo?, string?) Bound(JsonObject claims, IReadOnlyList<string> audiences)
    {
        var aud = claims["aud"] switch
        {
            JsonArray a => a.Select(x => x?.ToString() ?? "").ToList(),
            JsonValue v => [v.ToString()],
            _ => [],
        };
        if (!aud.Intersect(audiences, StringComparer.Ordinal).Any()) return (null, "token audiences [" + string.Join(" ", aud) + "] is invalid for the target audiences [" + string.Join(" ", audiences) + "]");
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (claims["exp"].Long() is not { } exp || now > exp + (long)Leeway.TotalSeconds) return (null, "service account token has expired");
        if (claims["nbf"].Long() is { } nbf && now < nbf - (long)Leeway.TotalSeconds) return (null, "service account token is not valid yet");
        var k8s = claims["kubernetes.io"] as JsonObject;
        var ns = k8s.Str("namespace");
        var saName = k8s?["serviceaccount"].Str("name");
        var saUid = k8s?["serviceaccount"].Str("uid");
        if (ns is null || saName is null || saUid is null) return (null, "service account token claims could not be validated");
        var sa = store.GetReadOnly(ServiceAccounts, ns, saName);
        if (sa is null) return (null, $"service account token has been invalidated");
        if (sa.Uid() != saUid) return (null, $"service account UID ({saUid}) does not match claim ({sa.Uid()})");
        string? podName = k8s?["pod"].Str("name"), podUid = k8s?["pod"].Str("uid");
        if (podName is not null)
        {
            var pod = store.GetReadOnly(Pods, ns, podName);
            if (pod is null || pod.Uid() != podUid) return (null, "service account token has been invalidated");
        }
        string? secretName = k8s?["secret"].Str("name"), secretUid = k8s?["secret"].Str("uid");
        if (secretName is not null)
        {
            var secret = store.GetReadOnly(Secrets, ns, secretName);
            if (secret is null || secret.Uid() != secretUid) return (null, "service account token has been invalidated");
        }
        string? nodeName = k8s?["node"].Str("name"), nodeUid = k8s?["node"].Str("uid");
        // claims.go: a token bound only to a Node stops working with the Node; a pod-bound token only records the node it ran on.
        if (nodeName is not null && podName is null && secretName is null)
        {
            var node = store.GetReadOnly(Nodes, null, nodeName);
            if (node is null || node.Uid() != nodeUid) return (null, "service account token has been invalidated");
        }
        var binding = new TokenBinding(ns, saName, saUid, podName, podUid, nodeName, nodeUid, secretName, secretUid);
        return (ServiceAccountUser.For(binding, claims.Str("jti")), null);
    }

    /// <summary>legacy.go: the Secret must still exist and still hold this very token; the ServiceAccount must still exist.</summary>
    private (UserInfo?, string?) Legacy(string token, JsonObject claims)
    {
        var ns = claims.Str("kubernetes.io/serviceaccount/namespace");
        var secretName = claims.Str("kubernetes.io/serviceaccount/secret.name");
        var saName = claims.Str("kubernetes.io/serviceaccount/service-account.name");
        var saUid = claims.Str("kubernetes.io/serviceaccount/service-account.uid");
        if (ns is null || secretName is null || saName is null || saUid is null) return (null, "service account token claims could not be validated");
        var secret = store.GetReadOnly(Secrets, ns, secretName);
        var stored = secret?["data"].Str("token");
        if (secret is null || stored is null || System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(stored)) != token)
            return (null, "token has been invalidated");
        var sa = store.GetReadOnly(ServiceAccounts, ns, saName);
        if (sa is null || sa.Uid() != saUid) return (null, "token has been invalidated");
        return (ServiceAccountUser.For(new TokenBinding(ns, saName, saUid), null), null);
    }
}
