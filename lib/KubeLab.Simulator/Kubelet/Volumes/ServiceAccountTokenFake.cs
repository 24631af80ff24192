using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>
/// The token of a projected <c>serviceAccountToken</c> source. The real kubelet asks the API server (TokenRequest) for a signed
/// JWT; this is a FAKE that only looks like one: a real-shaped header and claims (iss/aud https://kubernetes.default.svc.cluster.local,
/// sub system:serviceaccount:&lt;ns&gt;:&lt;sa&gt;, the kubernetes.io pod/node/serviceaccount claims, iat/nbf/exp) and random bytes
/// where the RS256 signature would be. It decodes with jwt.io-style tools but nothing can verify it.
/// </summary>
public static class ServiceAccountTokenFake
{
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";

    public static string Create(V1Pod pod, string nodeName, V1ServiceAccountTokenProjection source, DateTimeOffset now)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "default";
        var sa = string.IsNullOrEmpty(pod.Spec?.ServiceAccountName) ? "default" : pod.Spec.ServiceAccountName;
        var iat = now.ToUnixTimeSeconds();
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = "kubelab-fake-signing-key" };
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(string.IsNullOrEmpty(source.Audience) ? Issuer : source.Audience),
            ["exp"] = iat + (source.ExpirationSeconds ?? 3600),
            ["iat"] = iat,
            ["iss"] = Issuer,
            ["kubernetes.io"] = new JsonObject
            {
                ["namespace"] = ns,
                ["node"] = new JsonObject { ["name"] = nodeName },
                ["pod"] = new JsonObject { ["name"] = pod.Metadata.Name, ["uid"] = pod.Metadata.Uid ?? "" },
                ["serviceaccount"] = new JsonObject { ["name"] = sa },
            },
            ["nbf"] = iat,
            ["sub"] = $"system:serviceaccount:{ns}:{sa}",
        };
        var signature = System.Security.Cryptography.RandomNumberGenerator.GetBytes(256);
        return $"{Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()))}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
