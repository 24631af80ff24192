using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Protobuf;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Api.Storage.Encryption;

namespace KubeLab.Simulator.Tests.Api.Storage;

/// <summary>The bytes etcd keeps: protobuf envelope, EncryptionConfiguration providers, and the view over the store.</summary>
public sealed class EncryptionAtRestTests
{
    private static readonly ResourceType Secrets = ResourceRegistry.Types.Single(t => t.Kind == "Secret");
    private static readonly ResourceType ConfigMaps = ResourceRegistry.Types.Single(t => t.Kind == "ConfigMap");
    private static readonly string CourseConfig = Path.Combine(RepoRoot(), "environment", "encryption", "encryption-config.yaml");

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KubeLab.slnx"))) dir = dir.Parent;
        return dir!.FullName;
    }

    private static JsonObject Secret(string password) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = "db", ["namespace"] = "lab", ["uid"] = "u-1", ["resourceVersion"] = "42", ["creationTimestamp"] = "2026-01-02T03:04:05Z" },
        ["type"] = "Opaque",
        ["data"] = new JsonObject { ["password"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(password)) },
    };

    private static bool Contains(byte[] haystack, string text) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    [Fact]
    public void Protobuf_encoding_round_trips_through_the_decoder_and_starts_with_the_magic()
    {
        var bytes = ProtobufEncoder.Encode(Secret("s3cr3t"));
        Assert.Equal("k8s\0"u8.ToArray(), bytes[..4]);
        var back = ProtobufDecoder.Decode(bytes);
        Assert.Equal("Secret", back["kind"]!.GetValue<string>());
        Assert.Equal("db", back["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("lab", back["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String("s3cr3t"u8.ToArray()), back["data"]!["password"]!.GetValue<string>());
        // Secret data is raw bytes in protobuf, not base64: the plain value is readable in the stored bytes.
        Assert.True(Contains(bytes, "s3cr3t"));
        // runtime.Unknown ends with empty contentEncoding and contentType, as kube-apiserver writes it.
        Assert.Equal(new byte[] { 0x1a, 0x00, 0x22, 0x00 }, bytes[^4..]);

        var cm = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "c" }, ["data"] = new JsonObject { ["b"] = "2", ["a"] = "1" }, ["immutable"] = true };
        var cmBack = ProtobufDecoder.Decode(ProtobufEncoder.Encode(cm));
        Assert.Equal("1", cmBack["data"]!["a"]!.GetValue<string>());
        Assert.True(cmBack["immutable"]!.GetValue<bool>());
    }

    [Fact]
    public void Aescbc_writes_the_prefix_hides_the_value_and_reads_back()
    {
        var config = EncryptionConfiguration.Load(CourseConfig);
        var plain = ProtobufEncoder.Encode(Secret("s3cr3t"));
        var stored = config.ToStorage(Secrets, plain, "/registry/secrets/lab/db", "42");
        Assert.StartsWith("k8s:enc:aescbc:v1:key1:", Encoding.ASCII.GetString(stored[..23]));
        Assert.False(Contains(stored, "s3cr3t"));
        Assert.Equal(0, (stored.Length - 23 - 16) % 16); // IV, then whole AES blocks (PKCS#7)
        Assert.Equal(plain, config.FromStorage(Secrets, stored, "/registry/secrets/lab/db"));
        // Same revision, same bytes; a new revision gets a new IV.
        Assert.Equal(stored, config.ToStorage(Secrets, plain, "/registry/secrets/lab/db", "42"));
        Assert.NotEqual(stored, config.ToStorage(Secrets, plain, "/registry/secrets/lab/db", "43"));
        // ConfigMaps have no rule in the course's file: identity, the value in the clear.
        Assert.Equal(plain, config.ToStorage(ConfigMaps, plain, "/registry/configmaps/lab/db", "42"));
    }

    [Fact]
    public void Identity_reads_plain_data_but_not_encrypted_data()
    {
        var config = EncryptionConfiguration.Parse("""
            apiVersion: apiserver.config.k8s.io/v1
            kind: EncryptionConfiguration
            resources:
              - resources: ["*.*"]
                providers:
                  - identity: {}
            """);
        var plain = ProtobufEncoder.Encode(Secret("s3cr3t"));
        var stored = config.ToStorage(Secrets, plain, "/registry/secrets/lab/db", "1");
        Assert.Equal(plain, stored);
        Assert.True(Contains(stored, "s3cr3t"));
        Assert.Throws<CryptographicException>(() => config.FromStorage(Secrets, "k8s:enc:aescbc:v1:key1:xxxx"u8.ToArray(), "/registry/secrets/lab/db"));
    }

    [Fact]
    public void Aesgcm_binds_the_value_to_its_key()
    {
        var key = Convert.ToBase64String(new byte[32]);
        var config = EncryptionConfiguration.Parse($$"""
            apiVersion: apiserver.config.k8s.io/v1
            kind: EncryptionConfiguration
            resources:
              - resources: [secrets]
                providers:
                  - aesgcm:
                      keys:
                        - name: k2
                          secret: {{key}}
            """);
        var plain = ProtobufEncoder.Encode(Secret("s3cr3t"));
        var stored = config.ToStorage(Secrets, plain, "/registry/secrets/lab/db", "7");
        Assert.StartsWith("k8s:enc:aesgcm:v1:k2:", Encoding.ASCII.GetString(stored));
        Assert.Equal(plain, config.FromStorage(Secrets, stored, "/registry/secrets/lab/db"));
        Assert.ThrowsAny<CryptographicException>(() => config.FromStorage(Secrets, stored, "/registry/secrets/lab/other"));
    }

    [Fact]
    public void Secretbox_seals_with_xsalsa20_poly1305_and_detects_tampering()
    {
        var config = EncryptionConfiguration.Parse(
            "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n" +
            "      - secretbox:\n          keys:\n            - name: sb\n              secret: " + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) + "\n");
        var plain = ProtobufEncoder.Encode(Secret("s3cr3t"));
        var stored = config.ToStorage(Secrets, plain, "/registry/secrets/lab/db", "5");
        Assert.StartsWith("k8s:enc:secretbox:v1:sb:", Encoding.ASCII.GetString(stored));
        Assert.Equal("k8s:enc:secretbox:v1:sb:".Length + 24 + 16 + plain.Length, stored.Length); // nonce, tag, ciphertext
        Assert.False(Contains(stored, "s3cr3t"));
        Assert.Equal(plain, config.FromStorage(Secrets, stored, "/registry/secrets/lab/db"));
        stored[^1] ^= 1;
        Assert.Throws<CryptographicException>(() => config.FromStorage(Secrets, stored, "/registry/secrets/lab/db"));
    }

    [Theory]
    [InlineData("kms", "has no KMS plugin")]
    [InlineData("secretbox-short", "secret is not of the expected length, got 16, expected one of [32]")]
    [InlineData("aescbc-short", "secret is not of the expected length, got 5, expected one of [16 24 32]")]
    public void Bad_or_unsupported_providers_are_refused_clearly(string provider, string expected)
    {
        var body = provider switch
        {
            "kms" => "- kms:\n            name: vault\n            endpoint: unix:///tmp/kms.sock",
            "secretbox-short" => "- secretbox:\n            keys:\n              - name: k\n                secret: " + Convert.ToBase64String(new byte[16]),
            _ => "- aescbc:\n            keys:\n              - name: k\n                secret: " + Convert.ToBase64String(new byte[5]),
        };
        var text = "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n        " + body + "\n";
        var e = Assert.ThrowsAny<Exception>(() => EncryptionConfiguration.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void The_view_shows_keys_and_bytes_of_stored_objects()
    {
        var store = new ObjectStore();
        var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "lab" } };
        store.Create(ResourceRegistry.Namespaces, ns);
        store.Create(Secrets, Secret("s3cr3t"));
        var cm = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "app", ["namespace"] = "lab" }, ["data"] = new JsonObject { ["color"] = "blue" } };
        store.Create(ConfigMaps, cm);

        var plainView = new StoredObjectView(store, null);
        var encrypted = new StoredObjectView(store, EncryptionConfiguration.Load(CourseConfig));
        Assert.Equal(["/registry/configmaps/lab/app", "/registry/secrets/lab/db"], encrypted.Keys("/registry/").Where(k => !k.StartsWith("/registry/namespaces", StringComparison.Ordinal)));
        Assert.True(Contains(plainView.Get("/registry/secrets/lab/db")!, "s3cr3t"));
        var secretBytes = encrypted.Get("/registry/secrets/lab/db")!;
        Assert.StartsWith("k8s:enc:aescbc:v1:key1:", Encoding.ASCII.GetString(secretBytes));
        Assert.False(Contains(secretBytes, "s3cr3t"));
        Assert.Equal(secretBytes, encrypted.Get("/registry/secrets/lab/db"));
        var cmBytes = encrypted.Get("/registry/configmaps/lab/app")!;
        Assert.Equal("k8s\0"u8.ToArray(), cmBytes[..4]);
        Assert.True(Contains(cmBytes, "blue"));
        Assert.Null(encrypted.Get("/registry/secrets/lab/none"));
    }
}
