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

    /// <summary>
    /// The header and claims of a well-formed compact JWS, or null (not a JWT at all: not this authenticator's token). The signing
    /// input is the token's first <c>SigningInputLength</c> characters. Decoded from spans: every request of a token-authenticated
    /// client goes through here.
    /// </summary>
    public static (JsonObject Header, JsonObject Claims, int SigningInputLength, byte[] Signature)? Parse(string token)
    {
        var first = token.IndexOf('.');
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (second < 0 || token.IndexOf('.', second + 1) >= 0) return null;
        try
        {
            var header = Api.Server.JsonTreeReader.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, first))) as JsonObject;
            var claims = Api.Server.JsonTreeReader.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(first + 1, second - first - 1))) as JsonObject;
            if (header is null || claims is null) return null;
            return (header, claims, second, System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(second + 1)));
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException) { return null; }
    }

    /// <summary>RS256 over the signing input (ASCII, as every character of a compact JWS is).</summary>
    public static bool Verifies(ReadOnlySpan<char> signingInput, byte[] signature, RSA key)
    {
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(signingInput.Length);
        try
        {
            var length = Encoding.ASCII.GetBytes(signingInput, rented);
            return key.VerifyData(rented.AsSpan(0, length), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>kube-apiserver's key id: base64url(SHA-256(DER of the PKIX public key)) (pkg/serviceaccount/jwt.go keyIDFromPublicKey).</summary>
    public static string KeyId(RSA key) => Base64Url(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

    public static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s += (s.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => throw new FormatException("bad base64url length") };
        return Convert.FromBase64String(s);
    }
}
