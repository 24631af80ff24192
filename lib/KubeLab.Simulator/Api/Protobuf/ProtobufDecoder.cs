using System.Text;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Protobuf;

/// <summary>
/// Decodes the Kubernetes protobuf envelope (magic <c>k8s\0</c> + runtime.Unknown{typeMeta, raw}) into JSON for the kinds
/// in <see cref="ProtoSchemas"/>. kubectl 1.32 sends these bodies for <c>kubectl create namespace|configmap|secret|deployment|...</c>.
/// </summary>
public static class ProtobufDecoder
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < 4 || !body.AsSpan(0, 4).SequenceEqual(Magic)) throw new FormatException("protobuf body does not start with the Kubernetes magic number");
        string? apiVersion = null, kind = null;
        byte[]? raw = null;
        var envelope = new ProtoReader(body, 4, body.Length);
        while (envelope.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                var tm = envelope.Sub();
                while (tm.Next(out var f, out var w))
                {
                    if (f == 1 && w == 2) apiVersion = tm.String();
                    else if (f == 2 && w == 2) kind = tm.String();
                    else tm.Skip(w);
                }
            }
            else if (field == 2 && wire == 2) raw = envelope.Bytes();
            else envelope.Skip(wire);
        }
        if (kind is null || raw is null) throw new FormatException("protobuf envelope without kind or object");
        if (!ProtoSchemas.Messages.ContainsKey(kind)) throw new NotSupportedException($"protobuf bodies for kind {kind} are not supported; use JSON (kubectl apply -f)");
        var obj = ReadMessage(new ProtoReader(raw, 0, raw.Length), kind);
        var result = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (k, v) in obj.ToList())
        {
            obj.Remove(k);
            result[k] = v;
        }
        return result;
    }

    private static JsonObject ReadMessage(ProtoReader r, string message)
    {
        var schema = ProtoSchemas.Messages[message];
        var json = new JsonObject();
        while (r.Next(out var field, out var wire))
        {
            if (!schema.TryGetValue(field, out var spec)) { r.Skip(wire); continue; }
            JsonNode? value = spec.Kind switch
            {
                ProtoKind.String => r.String(),
                ProtoKind.Bytes => Convert.ToBase64String(r.Bytes()),
                ProtoKind.Int => r.Varint(),
                ProtoKind.Bool => r.Varint() != 0,
                ProtoKind.Message => ReadMessage(r.Sub(), spec.Message!),
                ProtoKind.IntOrString => IntOrString(r.Sub()),
                _ => null,
            };
            if (spec.Kind is ProtoKind.MapStringString or ProtoKind.MapStringBytes or ProtoKind.Quantity)
            {
                var (key, val) = MapEntry(r.Sub(), spec.Kind);
                var map = json[spec.Json] as JsonObject ?? new JsonObject();
                map[key] = val;
                json[spec.Json] = map;
                continue;
            }
            if (!spec.Repeated && IsGoZeroValue(spec, value)) continue;
            if (spec.Repeated)
            {
                var list = json[spec.Json] as JsonArray ?? new JsonArray();
                list.Add(value);
                json[spec.Json] = list;
            }
            else json[spec.Json] = value;
        }
        return json;
    }

    /// <summary>Fields that are pointers in Go: an explicit 0/false is meaningful there (e.g. replicas: 0).</summary>
    private static readonly HashSet<string> PointerFields =
    [
        "replicas", "parallelism", "completions", "backoffLimit", "terminationGracePeriodSeconds", "activeDeadlineSeconds", "revisionHistoryLimit",
        "progressDeadlineSeconds", "ttlSecondsAfterFinished", "startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit",
        "suspend", "immutable", "manualSelector", "automountServiceAccountToken",
    ];

    /// <summary>Go's protobuf encoding writes non-pointer scalars even when empty; JSON (omitempty) would leave them out, so do we.</summary>
    private static bool IsGoZeroValue(ProtoField spec, JsonNode? value)
    {
        if (value is not JsonValue v || PointerFields.Contains(spec.Json)) return false;
        if (v.TryGetValue<string>(out var s)) return s.Length == 0 && spec.Kind == ProtoKind.String;
        if (v.TryGetValue<long>(out var l)) return l == 0 && spec.Kind == ProtoKind.Int;
        if (v.TryGetValue<bool>(out var b)) return !b;
        return false;
    }

    private static (string Key, JsonNode? Value) MapEntry(ProtoReader r, ProtoKind kind)
    {
        var key = "";
        JsonNode? value = kind == ProtoKind.MapStringBytes ? "" : kind == ProtoKind.Quantity ? "0" : "";
        while (r.Next(out var f, out var w))
        {
            if (f == 1 && w == 2) key = r.String();
            else if (f == 2 && w == 2)
            {
                value = kind switch
                {
                    ProtoKind.MapStringBytes => Convert.ToBase64String(r.Bytes()),
                    ProtoKind.Quantity => QuantityString(r.Sub()),
                    _ => r.String(),
                };
            }
            else r.Skip(w);
        }
        return (key, value);
    }

    private static string QuantityString(ProtoReader r)
    {
        var s = "";
        while (r.Next(out var f, out var w))
            if (f == 1 && w == 2) s = r.String(); else r.Skip(w);
        return s;
    }

    private static JsonNode? IntOrString(ProtoReader r)
    {
        long type = 0, intVal = 0;
        string strVal = "";
        while (r.Next(out var f, out var w))
        {
            if (f == 1 && w == 0) type = r.Varint();
            else if (f == 2 && w == 0) intVal = r.Varint();
            else if (f == 3 && w == 2) strVal = r.String();
            else r.Skip(w);
        }
        return type == 1 ? strVal : intVal;
    }

    /// <summary>Minimal protobuf wire-format reader over a byte range.</summary>
    private sealed class ProtoReader(byte[] data, int position, int end)
    {
        private int pos = position;

        public bool Next(out int field, out int wire)
        {
            field = 0; wire = 0;
            if (pos >= end) return false;
            var tag = Varint();
            field = (int)(tag >> 3);
            wire = (int)(tag & 7);
            return true;
        }

        public long Varint()
        {
            long result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (pos >= end) throw new FormatException("truncated protobuf varint");
                var b = data[pos++];
                result |= (long)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return result;
            }
            throw new FormatException("malformed protobuf varint");
        }

        private int Length()
        {
            var len = Varint();
            if (len < 0 || pos + len > end) throw new FormatException("truncated protobuf field");
            return (int)len;
        }

        public byte[] Bytes()
        {
            var len = Length();
            var bytes = data.AsSpan(pos, len).ToArray();
            pos += len;
            return bytes;
        }

        public string String() => Encoding.UTF8.GetString(Bytes());

        public ProtoReader Sub()
        {
            var len = Length();
            var sub = new ProtoReader(data, pos, pos + len);
            pos += len;
            return sub;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: pos += 8; break;
                case 2: { var len = Length(); pos += len; break; }   // not 'pos += Length()': pos would be read before Length() advances it
                case 5: pos += 4; break;
                default: throw new FormatException($"unsupported protobuf wire type {wire}");
            }
            if (pos > end) throw new FormatException("truncated protobuf field");
        }
    }
}
