using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Storage.Encryption;

/// <summary>
/// An apiserver.config.k8s.io/v1 EncryptionConfiguration (what <c>--encryption-provider-config</c> points at): per group of
/// resources an ordered list of providers. The first provider encrypts every write; all of them can read (the stored prefix
/// picks one; identity reads what has none). Supported: identity, aescbc, aesgcm, secretbox; kms is refused with a clear
/// error (the simulator has no KMS plugin). Resources without a rule are stored as they are (identity).
/// </summary>
public sealed class EncryptionConfiguration
{
    private readonly List<(string[] Resources, List<ValueTransformer> Providers)> rules;

    private EncryptionConfiguration(List<(string[], List<ValueTransformer>)> rules) => this.rules = rules;

    public static EncryptionConfiguration Load(string path)
    {
        try { return Parse(File.ReadAllText(path)); }
        catch (FormatException e) { throw new FormatException($"error while parsing file: {path}: {e.Message}", e); }
    }

    /// <summary>Parses the YAML (or JSON) text; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static EncryptionConfiguration Parse(string text)
    {
        var root = YamlToJson.Parse(text) as JsonObject ?? throw new FormatException("an EncryptionConfiguration must be a YAML mapping");
        if (root["kind"]?.ToString() != "EncryptionConfiguration" || root["apiVersion"]?.ToString() != "apiserver.config.k8s.io/v1")
            throw new FormatException("expected kind EncryptionConfiguration with apiVersion apiserver.config.k8s.io/v1");
        var rules = new List<(string[], List<ValueTransformer>)>();
        var i = 0;
        foreach (var rule in root["resources"] as JsonArray ?? throw new FormatException("resources: Required value"))
        {
            var resources = (rule?["resources"] as JsonArray)?.Select(r => r!.ToString()).ToArray() ?? [];
            if (resources.Length == 0) throw new FormatException($"resources[{i}].resources: Required value");
            var providers = new List<ValueTransformer>();
            var j = 0;
            foreach (var p in rule!["providers"] as JsonArray ?? throw new FormatException($"resources[{i}].providers: Required value"))
                providers.Add(Provider(p as JsonObject, $"resources[{i}].providers[{j++}]"));
            if (providers.Count == 0) throw new FormatException($"resources[{i}].providers: Required value");
            rules.Add((resources, providers));
            i++;
        }
        return new EncryptionConfiguration(rules);
    }

    private static ValueTransformer Provider(JsonObject? p, string path)
    {
        if (p is null || p.Count != 1) throw new FormatException($"{path}: Invalid value: exactly one provider must be configured for each entry");
        var (kind, body) = p.First();
        switch (kind)
        {
            case "identity": return new IdentityTransformer();
            case "aescbc" or "aesgcm" or "secretbox":
                var key = (body?["keys"] as JsonArray)?.FirstOrDefault() ?? throw new FormatException($"{path}.{kind}.keys: Required value");
                var name = key["name"]?.ToString() ?? throw new FormatException($"{path}.{kind}.keys[0].name: Required value");
                byte[] secret;
                try { secret = Convert.FromBase64String(key["secret"]?.ToString() ?? ""); }
                catch (FormatException) { throw new FormatException($"{path}.{kind}.keys[0].secret: Invalid value: \"REDACTED\": secrets must be base64 encoded"); }
                var sizes = kind == "secretbox" ? new[] { 32 } : [16, 24, 32];
                if (!sizes.Contains(secret.Length))
                    throw new FormatException($"{path}.{kind}.keys[0].secret: Invalid value: \"REDACTED\": secret is not of the expected length, got {secret.Length}, expected one of [{string.Join(' ', sizes)}]");
                return kind switch
                {
                    "aescbc" => new AesCbcTransformer(name, secret),
                    "aesgcm" => new AesGcmTransformer(name, secret),
                    _ => new SecretboxTransformer(name, secret),
                };
            case "kms":
                throw new NotSupportedException($"{path}: the simulator has no KMS plugin; use aescbc or aesgcm");
            default:
                throw new FormatException($"{path}: unknown provider {kind}");
        }
    }

    /// <summary>The providers for a resource: the first rule naming it (<c>secrets</c>, <c>deployments.apps</c>, <c>*.apps</c>,
    /// <c>*.</c> for the core group, <c>*.*</c>); none → identity.</summary>
    public IReadOnlyList<ValueTransformer> ProvidersFor(ResourceType t)
    {
        foreach (var (resources, providers) in rules)
            foreach (var r in resources)
                if (r == t.QualifiedName || r == $"*.{t.Group}" || r == "*.*") return providers;
        return [Identity];
    }

    private static readonly IdentityTransformer Identity = new();

    /// <summary>The bytes etcd keeps for a serialized object: the first provider's output.</summary>
    public byte[] ToStorage(ResourceType t, byte[] plain, string etcdKey, string seed) => ProvidersFor(t)[0].ToStorage(plain, etcdKey, seed);

    /// <summary>Reading back: the provider whose prefix the bytes carry, else identity if it is configured.</summary>
    public byte[] FromStorage(ResourceType t, byte[] stored, string etcdKey)
    {
        var providers = ProvidersFor(t);
        foreach (var p in providers.Where(p => p.Prefix.Length > 0))
            if (stored.AsSpan().StartsWith(System.Text.Encoding.ASCII.GetBytes(p.Prefix))) return p.FromStorage(stored, etcdKey);
        return providers.OfType<IdentityTransformer>().FirstOrDefault() is { } id
            ? id.FromStorage(stored, etcdKey)
            : throw new System.Security.Cryptography.CryptographicException("no matching prefix found");
    }
}
