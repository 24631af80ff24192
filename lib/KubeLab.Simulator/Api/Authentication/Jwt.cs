using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Authentication;

/// <summary>Compact JWS with RS256 (RFC 7515/7518), what go-jose signs and verifies for kube-apiserver's service-account tokens.</summary>
public static class Jwt
{
    public static string Sign(JsonObject header, JsonObject claims, RSA key)
    {
        var signingInput = $"{Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    /// <summary>The header and claims of a well-formed compact JWS, or null (not a JWT at all: not this authenticator's token).</summary>
    public static (JsonObject Header, JsonObject Claims, string SigningInput, byte[] Signature)? Parse(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var header = JsonNode.Parse(FromBase64Url(parts[0])) as JsonObject;
            var claims = JsonNode.Parse(FromBase64Url(parts[1])) as JsonObject;
            if (header is null || claims is null) return null;
            return (header, claims, parts[0] + "." + parts[1], FromBase64Url(parts[2]));
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException) { return null; }
    }

    public static bool Verifies(string signingInput, byte[] signature, RSA key)
        => key.VerifyData(Encoding.ASCII.GetBytes(signingInput), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    /// <summary>kube-apiserver's key id: base64url(SHA-256(DER of the PKIX public key)) (pkg/serviceaccount/jwt.go keyIDFromPublicKey).</summary>
    public static string KeyId(RSA key) => Base64Url(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => throw new FormatException("bad base64url length") };
        return Convert.FromBase64String(s);
    }
}
