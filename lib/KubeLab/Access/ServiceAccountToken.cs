using System.Text;
using System.Text.Json.Nodes;

namespace KubeLab;

/// <summary>
/// A ServiceAccount token as TokenRequest returns it: a signed JWT (header.payload.signature, base64url). Its claims are
/// readable by anyone holding it; only the API server (with the signing key) can tell a real one from a forged one.
/// </summary>
public sealed class ServiceAccountToken
{
    public ServiceAccountToken(string token, DateTime? expiresAt)
    {
        Token = token;
        ExpiresAt = expiresAt;
        var parts = token.Split('.');
        if (parts.Length != 3) throw new FormatException("A JWT has three dot-separated parts (header.payload.signature).");
        Header = Decode(parts[0]);
        Claims = Decode(parts[1]);
    }

    public string Token { get; }
    public DateTime? ExpiresAt { get; }
    public JsonObject Header { get; }
    public JsonObject Claims { get; }

    public string? Issuer => Claims["iss"]?.ToString();
    public string? SubjectName => Claims["sub"]?.ToString();
    public IReadOnlyList<string> Audiences => Claims["aud"] switch
    {
        JsonArray a => a.Select(x => x?.ToString() ?? "").ToList(),
        JsonValue v => [v.ToString()],
        _ => [],
    };
    public DateTimeOffset? IssuedAt => Seconds("iat");
    public DateTimeOffset? Expiry => Seconds("exp");
    /// <summary>How long the token is valid (exp − iat).</summary>
    public TimeSpan? Lifetime => Expiry - IssuedAt;

    /// <summary>One row per claim (nested kubernetes.io claims flattened with dots), for display.</summary>
    public IReadOnlyList<Dictionary<string, object>> ClaimRows() => Flatten(Claims, "")
        .Select(kv => new Dictionary<string, object> { ["claim"] = kv.Key, ["value"] = kv.Value }).ToList();

    /// <summary>The token with one claim changed and the signature kept: what a forger would try.</summary>
    public string Forge(string claim, JsonNode value)
    {
        var claims = Claims.DeepClone().AsObject();
        claims[claim] = value;
        var parts = Token.Split('.');
        return $"{parts[0]}.{Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()))}.{parts[2]}";
    }

    private DateTimeOffset? Seconds(string claim)
        => Claims[claim] is JsonValue v && v.TryGetValue<long>(out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    private static IEnumerable<KeyValuePair<string, string>> Flatten(JsonObject o, string prefix)
    {
        foreach (var (k, v) in o)
        {
            if (v is JsonObject child) foreach (var kv in Flatten(child, prefix + k + ".")) yield return kv;
            else yield return KeyValuePair.Create(prefix + k, v is JsonValue s && s.TryGetValue<string>(out var str) ? str : v?.ToJsonString() ?? "null");
        }
    }

    private static JsonObject Decode(string part)
    {
        var s = part.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        return JsonNode.Parse(Convert.FromBase64String(s))?.AsObject() ?? throw new FormatException("JWT part is not a JSON object");
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public override string ToString() => $"{SubjectName} (aud {string.Join(",", Audiences)}, valid {Lifetime?.TotalMinutes:0} min)";
}
