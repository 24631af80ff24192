using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Protobuf;

/// <summary>
/// Encodes an object the way kube-apiserver's protobuf serializer writes it (k8s.io/apimachinery/pkg/runtime/serializer/protobuf):
/// the magic <c>k8s\0</c>, then runtime.Unknown{typeMeta{apiVersion, kind}, raw = the object's message, contentEncoding "",
/// contentType ""}. Fields follow <see cref="ProtoSchemas"/> in field-number order; gogo-protobuf's generated code writes
/// non-pointer strings even when empty and map entries sorted by key, so this does too. ObjectMeta carries the fields etcd keeps
/// (name, generateName, namespace, selfLink, uid, resourceVersion, generation, creationTimestamp, labels, annotations,
/// finalizers); managedFields and ownerReferences are left out.
/// </summary>
public static class ProtobufEncoder
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    /// <summary>Whether <paramref name="kind"/> has a schema here (others cannot be encoded).</summary>
    public static bool CanEncode(string kind) => ProtoSchemas.Messages.ContainsKey(kind);

    public static byte[] Encode(JsonObject obj)
    {
        var kind = obj["kind"]?.GetValue<string>() ?? throw new ArgumentException("object without kind");
        if (!CanEncode(kind)) throw new NotSupportedException($"no protobuf schema for kind {kind}");
        var typeMeta = new ProtoWriter();
        typeMeta.String(1, obj["apiVersion"]?.GetValue<string>() ?? "");
        typeMeta.String(2, kind);
        var unknown = new ProtoWriter();
        unknown.Message(1, typeMeta);
        unknown.Bytes(2, Message(obj, kind).ToArray());
        unknown.String(3, ""); // contentEncoding
        unknown.String(4, ""); // contentType
        return [.. Magic, .. unknown.ToArray()];
    }

    private static ProtoWriter Message(JsonObject json, string message)
    {
        if (message == "ObjectMeta") return ObjectMeta(json);
        var w = new ProtoWriter();
        foreach (var (number, field) in ProtoSchemas.Messages[message].OrderBy(kv => kv.Key))
        {
            var node = json[field.Json];
            if (node is null && field.Kind != ProtoKind.String) continue;
            if (field.Repeated && node is JsonArray list)
            {
                foreach (var item in list) Write(w, number, field, item);
                continue;
            }
            Write(w, number, field, node);
        }
        return w;
    }

    private static void Write(ProtoWriter w, int number, ProtoField field, JsonNode? node)
    {
        switch (field.Kind)
        {
            case ProtoKind.String: w.String(number, node?.GetValue<string>() ?? ""); break;
            case ProtoKind.Bytes: w.Bytes(number, Convert.FromBase64String(node!.GetValue<string>())); break;
            case ProtoKind.Int: w.Varint(number, node!.GetValue<long>()); break;
            case ProtoKind.Bool: w.Varint(number, node!.GetValue<bool>() ? 1 : 0); break;
            case ProtoKind.Message: if (node is JsonObject o) w.Message(number, Message(o, field.Message!)); break;
            case ProtoKind.MapStringString:
            case ProtoKind.MapStringBytes:
                foreach (var (k, v) in ((JsonObject)node!).OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    var entry = new ProtoWriter();
                    entry.String(1, k);
                    var text = v?.GetValue<string>() ?? "";
                    entry.Bytes(2, field.Kind == ProtoKind.MapStringBytes ? Convert.FromBase64String(text) : Encoding.UTF8.GetBytes(text));
                    w.Message(number, entry);
                }
                break;
            default: break; // IntOrString and Quantity are not needed for stored ConfigMaps and Secrets
        }
    }

    /// <summary>metav1.ObjectMeta as gogo writes it: fields 1–8 always, then labels (11), annotations (12), finalizers (14).</summary>
    private static ProtoWriter ObjectMeta(JsonObject meta)
    {
        var w = new ProtoWriter();
        string S(string k) => meta[k]?.GetValue<string>() ?? "";
        w.String(1, S("name"));
        w.String(2, S("generateName"));
        w.String(3, S("namespace"));
        w.String(4, S("selfLink"));
        w.String(5, S("uid"));
        w.String(6, S("resourceVersion"));
        w.Varint(7, meta["generation"]?.GetValue<long>() ?? 0);
        var time = new ProtoWriter(); // metav1.Time → google.protobuf.Timestamp{seconds, nanos}
        if (DateTimeOffset.TryParse(S("creationTimestamp"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created))
        {
            time.Varint(1, created.ToUnixTimeSeconds());
            time.Varint(2, 0);
        }
        w.Message(8, time);
        foreach (var (number, key) in new[] { (11, "labels"), (12, "annotations") })
            if (meta[key] is JsonObject map) Write(w, number, new ProtoField(key, ProtoKind.MapStringString), map);
        if (meta["finalizers"] is JsonArray finalizers)
            foreach (var f in finalizers) w.String(14, f?.GetValue<string>() ?? "");
        return w;
    }

    /// <summary>Protobuf wire format: varint tags, varints, length-delimited bytes.</summary>
    private sealed class ProtoWriter
    {
        private readonly MemoryStream buffer = new();

        public byte[] ToArray() => buffer.ToArray();

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                buffer.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            buffer.WriteByte((byte)value);
        }

        public void Varint(int field, long value)
        {
            Raw((ulong)field << 3);
            Raw((ulong)value);
        }

        public void Bytes(int field, byte[] bytes)
        {
            Raw(((ulong)field << 3) | 2);
            Raw((ulong)bytes.Length);
            buffer.Write(bytes);
        }

        public void String(int field, string s) => Bytes(field, Encoding.UTF8.GetBytes(s));

        public void Message(int field, ProtoWriter inner) => Bytes(field, inner.ToArray());
    }
}
