using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Authentication;

/// <summary>What a bound service-account token is tied to (the TokenRequest's boundObjectRef, resolved to uids).</summary>
public sealed record TokenBinding(string Namespace, string ServiceAccount, string ServiceAccountUid,
    string? PodName = null, string? PodUid = null, string? NodeName = null, string? NodeUid = null, string? SecretName = null, string? SecretUid = null);

/// <summary>
/// Mints service-account JWTs as kube-apiserver 1.32 does (pkg/serviceaccount/claims.go Claims, jwt.go JWTTokenGenerator):
/// RS256 with the cluster's sa.key, issuer <see cref="Issuer"/>, private claims under <c>kubernetes.io</c>; legacy Secret tokens
/// with the old <c>kubernetes/serviceaccount</c> issuer and flat claims (legacy.go LegacyClaims).
/// </summary>
public sealed class ServiceAccountTokens(ClusterPki pki)
{
    /// <summary>kind/kubeadm: --service-account-issuer=https://kubernetes.default.svc.cluster.local (also the default --api-audiences).</summary>
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";
    public const string LegacyIssuer = "kubernetes/serviceaccount";

    private readonly string keyId = Jwt.KeyId(pki.ServiceAccountKey);

    public ClusterPki Pki => pki;

    public string KeyIdValue => keyId;

    /// <summary>A bound token (TokenRequest). <paramref name="warnAfter"/> is set when the expiry was extended for a kubelet's token.</summary>
    public (string Token, string Jti) Issue(TokenBinding binding, IReadOnlyList<string> audiences, DateTimeOffset now, long expirationSeconds, long? warnAfter = null)
    {
        var iat = now.ToUnixTimeSeconds();
        var jti = Util.RandomIds.NewUid();
        var k8s = new JsonObject { ["namespace"] = binding.Namespace };
        if (binding.NodeName is not null)
            k8s["node"] = new JsonObject { ["name"] = binding.NodeName, ["uid"] = binding.NodeUid ?? "" };
        if (binding.PodName is not null) k8s["pod"] = new JsonObject { ["name"] = binding.PodName, ["uid"] = binding.PodUid };
        if (binding.SecretName is not null) k8s["secret"] = new JsonObject { ["name"] = binding.SecretName, ["uid"] = binding.SecretUid };
        k8s["serviceaccount"] = new JsonObject { ["name"] = binding.ServiceAccount, ["uid"] = binding.ServiceAccountUid };
        if (warnAfter is { } w) k8s["warnafter"] = w;
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(audiences.Select(a => (JsonNode?)a).ToArray()),
            ["exp"] = iat + expirationSeconds,
            ["iat"] = iat,
            ["iss"] = Issuer,
            ["jti"] = jti,
            ["kubernetes.io"] = k8s,
            ["nbf"] = iat,
            ["sub"] = ServiceAccountUser.Name(binding.Namespace, binding.ServiceAccount),
        };
        return (Jwt.Sign(Header(), claims, pki.ServiceAccountKey), jti);
    }

    /// <summary>The token the legacy token controller writes into a kubernetes.io/service-account-token Secret (no expiry).</summary>
    public string IssueLegacy(string ns, string serviceAccount, string serviceAccountUid, string secretName)
    {
        var claims = new JsonObject
        {
            ["iss"] = LegacyIssuer,
            ["kubernetes.io/serviceaccount/namespace"] = ns,
            ["kubernetes.io/serviceaccount/secret.name"] = secretName,
            ["kubernetes.io/serviceaccount/service-account.name"] = serviceAccount,
            ["kubernetes.io/serviceaccount/service-account.uid"] = serviceAccountUid,
            ["sub"] = ServiceAccountUser.Name(ns, serviceAccount),
        };
        return Jwt.Sign(Header(), claims, pki.ServiceAccountKey);
    }

    private JsonObject Header() => new() { ["alg"] = "RS256", ["kid"] = keyId };
}

/// <summary>The user a service account authenticates as (k8s.io/apiserver/pkg/authentication/serviceaccount/util.go).</summary>
public static class ServiceAccountUser
{
    public const string PodNameKey = "authentication.kubernetes.io/pod-name";
    public const string PodUidKey = "authentication.kubernetes.io/pod-uid";
    public const string NodeNameKey = "authentication.kubernetes.io/node-name";
    public const string NodeUidKey = "authentication.kubernetes.io/node-uid";
    public const string CredentialIdKey = "authentication.kubernetes.io/credential-id";

    public static string Name(string ns, string serviceAccount) => $"system:serviceaccount:{ns}:{serviceAccount}";

    public static UserInfo For(TokenBinding b, string? jti)
    {
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (b.PodName is not null) { extra[PodNameKey] = [b.PodName]; extra[PodUidKey] = [b.PodUid ?? ""]; }
        if (b.NodeName is not null)
        {
            extra[NodeNameKey] = [b.NodeName];
            if (!string.IsNullOrEmpty(b.NodeUid)) extra[NodeUidKey] = [b.NodeUid];
        }
        if (jti is not null) extra[CredentialIdKey] = ["JTI=" + jti];
        return new UserInfo(Name(b.Namespace, b.ServiceAccount),
            ["system:serviceaccounts", $"system:serviceaccounts:{b.Namespace}", "system:authenticated"], b.ServiceAccountUid,
            extra.Count == 0 ? null : extra);
    }
}
