using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Validation.Decoding;

/// <summary>
/// The first value that does not fit its Go type, and the three ways kube-apiserver words it: Go's encoding/json
/// (create/update and JSON/merge patches), apimachinery's unstructured converter (strategic merge patches) and
/// structured-merge-diff (server-side apply).
/// </summary>
public sealed record TypeMismatch(JsonNode Value, GoShape Expected, string? Struct, string GoFieldPath, string SmdPath, string? UnmarshalerError, bool NumberOutOfRange)
{
    /// <summary>What encoding/json calls the JSON value (UnmarshalTypeError.Value): "string", "number 1.5", "object"...</summary>
    private string JsonWord => Value.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => NumberOutOfRange ? "number " + Value.ToJsonString() : "number",
    };

    /// <summary>encoding/json (decode.go UnmarshalTypeError.Error): "json: cannot unmarshal X into Go struct field S.path of type T".</summary>
    public string GoJsonError()
    {
        if (UnmarshalerError is not null) return UnmarshalerError;
        return Struct is null
            ? $"json: cannot unmarshal {JsonWord} into Go value of type {Expected.GoType}"
            : $"json: cannot unmarshal {JsonWord} into Go struct field {Struct}.{GoFieldPath} of type {Expected.GoType}";
    }

    /// <summary>The Go kind of the value as an unstructured map holds it (ints stay int64: UnmarshalCaseSensitivePreserveInts).</summary>
    private string UnstructuredKind => Value.GetValueKind() switch
    {
        JsonValueKind.Object => "map",
        JsonValueKind.Array => "slice",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => long.TryParse(Value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? "int64" : "float64",
    };

    /// <summary>runtime.DefaultUnstructuredConverter.FromUnstructured (apimachinery/pkg/runtime/converter.go fromUnstructured).</summary>
    public string ConverterError()
    {
        if (UnmarshalerError is not null) return UnmarshalerError;
        var src = UnstructuredKind;
        return Expected.Kind switch
        {
            GoKind.Struct => $"cannot restore struct from: {src}",
            GoKind.Map => $"cannot restore map from {src}",
            GoKind.Slice or GoKind.Bytes => $"cannot restore slice from {src}",
            // Numbers convert between int and float kinds (a float only when whole); int converts to string in Go, but JSON does not allow it.
            GoKind.Int32 or GoKind.Int64 when src is "int64" or "float64" => $"cannot convert {src} to {Expected.GoType}",
            GoKind.String when src is "int64" => "cannot convert int64 to string",
            _ => $"unrecognized type: {Expected.GoType}",
        };
    }

    /// <summary>structured-merge-diff's typed conversion (typed/validate.go): ".spec.replicas: expected numeric (int or float), got string".</summary>
    public string ApplyError()
    {
        var got = Value.GetValueKind() switch
        {
            JsonValueKind.Object => "map[string]interface {}",
            JsonValueKind.Array => "[]interface {}",
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "float64",
        };
        var detail = Expected.Kind switch
        {
            GoKind.Int32 or GoKind.Int64 or GoKind.Float64 when Value.GetValueKind() == JsonValueKind.Number => null,
            GoKind.Int32 or GoKind.Int64 or GoKind.Float64 => $"expected numeric (int or float), got {got}",
            // A string that is not base64 is still a string to SMD: it fails when decoded into []byte (Secret data).
            GoKind.Bytes when Value.GetValueKind() == JsonValueKind.String => null,
            GoKind.String or GoKind.Time or GoKind.Bytes => $"expected string, got {GoFormat.Value(Value)}",
            GoKind.Bool => $"expected boolean, got {GoFormat.Value(Value)}",
            GoKind.Struct or GoKind.Map => $"expected map, got {GoFormat.Value(Value)}",
            GoKind.Slice => $"expected list, got {GoFormat.Value(Value)}",
            _ => null,
        };
        // Values SMD accepts (untyped scalars, whole numbers out of range) fail later, when the result is decoded into the Go struct.
        return detail is null ? GoJsonError() : $"{SmdPath}: {detail}";
    }
}
