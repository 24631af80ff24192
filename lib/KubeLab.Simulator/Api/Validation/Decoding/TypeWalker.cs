using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.FieldManager;
using KubeLab.Simulator.Util;

namespace KubeLab.Simulator.Api.Validation.Decoding;

/// <summary>
/// Walks a JSON document against a Go type in document order and returns the first value encoding/json would refuse
/// (decode.go keeps the first UnmarshalTypeError; a custom UnmarshalJSON error — Quantity, IntOrString — is returned as is).
/// null fits every type; unknown fields are left to field validation (StrictFieldValidation).
/// </summary>
public static class TypeWalker
{
    // Every write is walked (a pod status patch included), and nearly all fit: the first walk builds no paths; only when it finds a
    // mismatch does a second walk build the Go and structured-merge-diff paths the messages need.
    public static TypeMismatch? FirstMismatch(JsonNode? node, GoShape root) =>
        Walk(node, root, null, "", "", null, track: false) is null ? null : Walk(node, root, null, "", "", null, track: true);

    private static TypeMismatch? Walk(JsonNode? node, GoShape shape, string? structName, string goPath, string smdPath, string? parentField, bool track)
    {
        if (node is null || node.GetValueKind() == JsonValueKind.Null) return null;
        var kind = node.GetValueKind();
        TypeMismatch Miss(string? unmarshaler = null, bool number = false) => new(node, shape, structName, goPath, smdPath, unmarshaler, number);
        switch (shape.Kind)
        {
            case GoKind.Any:
                return null;
            case GoKind.Int32 or GoKind.Int64:
                if (kind != JsonValueKind.Number) return Miss();
                return FitsInteger(node, shape.Kind) ? null : Miss(number: true);
            case GoKind.Float64:
                return kind == JsonValueKind.Number ? null : Miss();
            case GoKind.Bool:
                return kind is JsonValueKind.True or JsonValueKind.False ? null : Miss();
            case GoKind.String or GoKind.Time:
                return kind == JsonValueKind.String ? null : Miss();
            case GoKind.Bytes:
                if (kind != JsonValueKind.String) return Miss();
                return Base64Error(node.GetValue<string>()) is { } b64 ? Miss(b64) : null;
            case GoKind.Quantity:
            {
                // resource.Quantity.UnmarshalJSON: strip the quotes of a string, parse anything else as it is written.
                var text = kind == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
                return QuantityFormat.Error(text.Trim()) is { } q ? Miss(q) : null;
            }
            case GoKind.IntOrString:
                // intstr.IntOrString.UnmarshalJSON: a string, or json.Unmarshal into int32 (no struct context in its message).
                if (kind == JsonValueKind.String) return null;
                if (kind == JsonValueKind.Number && FitsInteger(node, GoKind.Int32)) return null;
                var word = kind switch
                {
                    JsonValueKind.Number => "number " + node.ToJsonString(),
                    JsonValueKind.Object => "object",
                    JsonValueKind.Array => "array",
                    _ => "bool",
                };
                return Miss($"json: cannot unmarshal {word} into Go value of type int32");
            case GoKind.Struct:
                if (node is not JsonObject o) return Miss();
                foreach (var (key, value) in o.Members())
                {
                    if (shape.Field(key) is not { } field) continue;
                    var hit = track
                        ? Walk(value, field, shape.StructName, goPath.Length == 0 ? key : $"{goPath}.{key}", $"{smdPath}.{key}", key, track)
                        : Walk(value, field, shape.StructName, "", "", key, track);
                    if (hit is not null) return hit;
                }
                return null;
            case GoKind.Map:
                if (node is not JsonObject m) return Miss();
                foreach (var (key, value) in m.Members())
                    if (Walk(value, shape.Element!, structName, goPath, track ? $"{smdPath}.{key}" : "", key, track) is { } hit) return hit;
                return null;
            case GoKind.Slice:
                if (node is not JsonArray a) return Miss();
                var keys = parentField is null || !track ? null : ListKeys.For(parentField, a);
                for (var i = 0; i < a.Count; i++)
                    if (Walk(a[i], shape.Element!, structName, goPath, track ? smdPath + ElementPath(a[i], keys, i) : "", null, track) is { } hit) return hit;
                return null;
        }
        return null;
    }

    /// <summary>structured-merge-diff names list elements by their keys (<c>[name="nginx"]</c>), other lists by index.</summary>
    private static string ElementPath(JsonNode? element, IReadOnlyList<string>? keys, int index)
    {
        if (keys is null || element is not JsonObject e || keys.Any(k => e[k] is null)) return $"[{index}]";
        return "[" + string.Join(",", keys.Select(k => $"{k}={e[k]!.ToJsonString()}")) + "]";
    }

    /// <summary>encoding/json: an integer field takes a number literal that strconv.ParseInt accepts and that fits the type.</summary>
    private static bool FitsInteger(JsonNode node, GoKind kind)
    {
        long v;
        // A parsed number reads its literal in place (TryGetInt64 refuses 1.0 and 1e3 as ParseInt does); others print it first.
        if (node is JsonValue jv && jv.TryGetValue<JsonElement>(out var element)) { if (!element.TryGetInt64(out v)) return false; }
        else if (!long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v)) return false;
        return kind != GoKind.Int32 || v is >= int.MinValue and <= int.MaxValue;
    }

    /// <summary>encoding/base64's CorruptInputError for []byte fields (Secret data): "illegal base64 data at input byte N".</summary>
    private static string? Base64Error(string s)
    {
        if (Convert.TryFromBase64String(s, new byte[s.Length], out _) && !s.Any(char.IsWhiteSpace)) return null;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/') continue;
            if (c == '=' && (s.Length % 4 == 0) && i >= s.Length - 2 && s[i..].All(x => x == '=')) break;
            return $"illegal base64 data at input byte {i}";
        }
        return $"illegal base64 data at input byte {Math.Max(0, s.Length - s.Length % 4)}";
    }
}
