using System.Text;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Protobuf;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage.Encryption;

namespace KubeLab.Simulator.Api.Storage;

/// <summary>
/// The bytes etcd would hold for each stored object, computed when read (writes stay plain JSON in <see cref="ObjectStore"/>, off the
/// hot path): keys as kube-apiserver lays them out (<c>/registry/&lt;resource&gt;/&lt;namespace&gt;/&lt;name&gt;</c>, with upstream's
/// exceptions <c>services/specs</c>, <c>minions</c>, <c>controllers</c>), values as the storage codec writes them — protobuf for the
/// kinds <see cref="ProtobufEncoder"/> knows, JSON otherwise — with resourceVersion cleared (etcd's revision carries it), then the
/// EncryptionConfiguration's first provider for that resource. Deterministic per (key, resourceVersion).
/// </summary>
public sealed class StoredObjectView(ObjectStore store, EncryptionConfiguration? encryption)
{
    public EncryptionConfiguration? Encryption { get; } = encryption;

    private static string Segment(ResourceType t) => t.Kind switch
    {
        "Service" => "services/specs",
        "Node" => "minions",
        "ReplicationController" => "controllers",
        _ => t.Plural,
    };

    public static string KeyOf(ResourceType t, string? ns, string name) =>
        t.Namespaced ? $"/registry/{Segment(t)}/{ns}/{name}" : $"/registry/{Segment(t)}/{name}";

    private static IEnumerable<ResourceType> StoredTypes => ResourceRegistry.Types.Where(t => !t.Computed && !t.CreateOnly && ResourceRegistry.StorageType(t) == t);

    /// <summary>Every key starting with <paramref name="prefix"/>, sorted as etcd returns a range.</summary>
    public IReadOnlyList<string> Keys(string prefix) =>
        store.AllStored()
            .Select(x => KeyOf(x.Type, x.Namespace, x.Name))
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>etcd's current revision (the store's resourceVersion counter).</summary>
    public long Revision => store.CurrentResourceVersion;

    /// <summary>The stored bytes under an etcd key, or null when nothing is there.</summary>
    public byte[]? Get(string key) => GetEntry(key)?.Value;

    /// <summary>The value under an etcd key and the revision it was last written at (its resourceVersion), or null.</summary>
    public (byte[] Value, long ModRevision)? GetEntry(string key)
    {
        foreach (var t in StoredTypes)
        {
            var root = $"/registry/{Segment(t)}/";
            if (!key.StartsWith(root, StringComparison.Ordinal)) continue;
            var rest = key[root.Length..].Split('/');
            var (ns, name) = t.Namespaced ? (rest.Length == 2 ? (rest[0], rest[1]) : (null, null)) : (rest.Length == 1 ? (null, rest[0]) : (null, null));
            if (name is null) continue;
            if (store.GetReadOnly(t, ns, name) is { } obj)
                return (Bytes(t, obj, key), long.TryParse(obj.Meta().Str("resourceVersion"), out var rv) ? rv : 0);
        }
        return null;
    }

    /// <summary>What etcd keeps for <paramref name="obj"/> (a stored object of type <paramref name="t"/>).</summary>
    public byte[] Bytes(ResourceType t, JsonObject obj, string key)
    {
        var rv = obj.Meta().Str("resourceVersion") ?? "";
        var copy = obj.CloneObject();
        copy.Meta()["resourceVersion"] = "";
        copy.Meta().Remove("managedFields");
        var plain = ProtobufEncoder.CanEncode(t.Kind) ? ProtobufEncoder.Encode(copy) : Encoding.UTF8.GetBytes(copy.ToJsonString() + "\n");
        return Encryption is null ? plain : Encryption.ToStorage(t, plain, key, rv);
    }
}
