using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// ConfigMap and Secret validation as kube-apiserver does it (pkg/apis/core/validation/validation.go ValidateConfigMap,
/// ValidateConfigMapUpdate, ValidateSecret, ValidateSecretUpdate; apimachinery's IsConfigMapKey), in upstream order and wording,
/// and the Secret's <c>stringData</c> merge (v1 → internal conversion: stringData wins over data, then is gone).
/// </summary>
public static partial class ConfigMapSecretValidation
{
    /// <summary>core.MaxSecretSize: the data of one ConfigMap or Secret together, 1 MiB.</summary>
    public const int MaxSize = 1 << 20;

    private const string ConfigKeyMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' " +
        "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
    private const string Redacted = "\"<secret contents redacted>\"";

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();

    /// <summary>validation.IsConfigMapKey: length, alphabet, and no "." / ".." / "..x" (they would escape the volume's directory).</summary>
    public static List<string> ConfigMapKeyErrors(string key)
    {
        var errs = new List<string>();
        if (key.Length > 253) errs.Add("must be no more than 253 characters");
        if (!ConfigKey().IsMatch(key)) errs.Add(ConfigKeyMessage);
        if (key == ".") errs.Add("must not be '.'");
        else if (key == "..") errs.Add("must not be '..'");
        else if (key.StartsWith("..", StringComparison.Ordinal)) errs.Add("must not start with '..'");
        return errs;
    }

    /// <summary>Convert_v1_Secret_To_core_Secret: every stringData entry is written into data (base64), stringData is dropped.
    /// SetDefaults_Secret: an empty type is Opaque.</summary>
    public static void MergeStringData(JsonObject secret)
    {
        if (secret["stringData"] is JsonObject sd)
        {
            var data = secret["data"] as JsonObject ?? new JsonObject();
            foreach (var (k, v) in sd) data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? ""));
            secret["data"] = data;
        }
        secret.Remove("stringData");
        if (string.IsNullOrEmpty(secret.Str("type"))) secret["type"] = "Opaque";
    }

    public static void ValidateConfigMap(JsonObject cm, List<FieldError> errors)
    {
        var total = 0L;
        var data = cm["data"] as JsonObject;
        var binary = cm["binaryData"] as JsonObject;
        foreach (var (key, value) in data ?? [])
        {
            foreach (var msg in ConfigMapKeyErrors(key)) errors.Add(FieldError.Invalid($"data[{key}]", ObjectValidator.Quote(key), msg));
            if (binary?.ContainsKey(key) == true)
                errors.Add(FieldError.Invalid($"data[{key}]", ObjectValidator.Quote(key), "duplicate of key present in binaryData"));
            total += Encoding.UTF8.GetByteCount(value?.GetValue<string>() ?? "");
        }
        foreach (var (key, value) in binary ?? [])
        {
            foreach (var msg in ConfigMapKeyErrors(key)) errors.Add(FieldError.Invalid($"binaryData[{key}]", ObjectValidator.Quote(key), msg));
            total += DecodedLength(value);
        }
        // field.TooLong(field.NewPath(""), …): the whole object, printed as "[]".
        if (total > MaxSize) errors.Add(TooLong("[]"));
    }

    public static void ValidateSecret(JsonObject secret, List<FieldError> errors)
    {
        var data = secret["data"] as JsonObject;
        var total = 0L;
        foreach (var (key, value) in data ?? [])
        {
            foreach (var msg in ConfigMapKeyErrors(key)) errors.Add(FieldError.Invalid($"data[{key}]", ObjectValidator.Quote(key), msg));
            total += DecodedLength(value);
        }
        if (total > MaxSize) errors.Add(TooLong("data"));

        bool Has(string k) => data?.ContainsKey(k) == true;
        switch (secret.Str("type"))
        {
            case "kubernetes.io/service-account-token":
                if (string.IsNullOrEmpty(ObjectMeta.StringMap(secret.Path("metadata.annotations")).GetValueOrDefault("kubernetes.io/service-account.name")))
                    errors.Add(FieldError.Required("metadata.annotations[kubernetes.io/service-account.name]"));
                break;
            case "kubernetes.io/dockercfg":
                RequireJson(data, ".dockercfg", errors);
                break;
            case "kubernetes.io/dockerconfigjson":
                RequireJson(data, ".dockerconfigjson", errors);
                break;
            case "kubernetes.io/basic-auth":
                // Either may be empty, but one of them must be there.
                if (!Has("username") && !Has("password"))
                {
                    errors.Add(FieldError.Required("data[username]"));
                    errors.Add(FieldError.Required("data[password]"));
                }
                break;
            case "kubernetes.io/ssh-auth":
                if (DecodedLength(data?["ssh-privatekey"]) == 0) errors.Add(FieldError.Required("data[ssh-privatekey]"));
                break;
            case "kubernetes.io/tls":
                if (!Has("tls.crt")) errors.Add(FieldError.Required("data[tls.crt]"));
                if (!Has("tls.key")) errors.Add(FieldError.Required("data[tls.key]"));
                break;
        }
    }

    /// <summary>ValidateConfigMapUpdate: an immutable ConfigMap keeps immutable, data and binaryData; then the new object is validated.</summary>
    public static List<FieldError> ValidateConfigMapUpdate(JsonObject oldCm, JsonObject newCm)
    {
        var errors = new List<FieldError>();
        if (oldCm["immutable"]?.GetValue<bool>() == true)
        {
            if (newCm["immutable"]?.GetValue<bool>() != true) errors.Add(ImmutableWhenSet("immutable"));
            if (!SameMap(oldCm["data"], newCm["data"])) errors.Add(ImmutableWhenSet("data"));
            if (!SameMap(oldCm["binaryData"], newCm["binaryData"])) errors.Add(ImmutableWhenSet("binaryData"));
        }
        return errors;
    }

    /// <summary>ValidateSecretUpdate: type never changes; an immutable Secret keeps immutable and data (stringData is already data here).</summary>
    public static List<FieldError> ValidateSecretUpdate(JsonObject oldSecret, JsonObject newSecret)
    {
        var errors = new List<FieldError>();
        var oldType = oldSecret.Str("type") ?? "";
        var newType = newSecret.Str("type") ?? "";
        if (oldType != newType) errors.Add(FieldError.Invalid("type", ObjectValidator.Quote(newType), "field is immutable"));
        if (oldSecret["immutable"]?.GetValue<bool>() == true)
        {
            if (newSecret["immutable"]?.GetValue<bool>() != true) errors.Add(ImmutableWhenSet("immutable"));
            if (!SameMap(oldSecret["data"], newSecret["data"])) errors.Add(ImmutableWhenSet("data"));
        }
        return errors;
    }

    private static FieldError ImmutableWhenSet(string field) =>
        new(field, "FieldValueForbidden", "field is immutable when `immutable` is set");

    private static FieldError TooLong(string field) => new(field, "FieldValueTooLong", $"must have at most {MaxSize} bytes");

    // A missing map and an empty one are the same to Go's reflect.DeepEqual after decoding only when both are nil; JSON
    // clients send {} rarely, so treat both as "no data".
    private static bool SameMap(JsonNode? a, JsonNode? b)
    {
        var x = a as JsonObject;
        var y = b as JsonObject;
        if (x is null or { Count: 0 } && y is null or { Count: 0 }) return true;
        return JsonNode.DeepEquals(x, y) || (x is not null && y is not null && x.Count == y.Count &&
            x.All(kv => y.TryGetPropertyValue(kv.Key, out var v) && JsonNode.DeepEquals(kv.Value, v)));
    }

    private static void RequireJson(JsonObject? data, string key, List<FieldError> errors)
    {
        if (data?[key] is not { } node) { errors.Add(FieldError.Required($"data[{key}]")); return; }
        var text = Encoding.UTF8.GetString(Decode(node));
        JsonNode? parsed = null;
        try { parsed = JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { }
        if (parsed is JsonObject) return;
        // encoding/json's texts for the common cases: nothing at all, or a first character that cannot start a value.
        var trimmed = text.TrimStart();
        var detail = trimmed.Length == 0 ? "unexpected end of JSON input"
            : parsed is null ? $"invalid character '{trimmed[0]}' looking for beginning of value"
            : $"json: cannot unmarshal {GoJsonType(parsed)} into Go value of type map[string]interface {{}}";
        errors.Add(FieldError.Invalid($"data[{key}]", Redacted, detail));
    }

    private static string GoJsonType(JsonNode node) => node switch
    {
        JsonArray => "array",
        JsonValue v when v.TryGetValue<string>(out _) => "string",
        JsonValue v when v.TryGetValue<bool>(out _) => "bool",
        _ => "number",
    };

    private static long DecodedLength(JsonNode? value) => Decode(value).LongLength;

    private static byte[] Decode(JsonNode? value)
    {
        var s = value?.GetValue<string>() ?? "";
        try { return Convert.FromBase64String(s); }
        catch (FormatException) { return Encoding.UTF8.GetBytes(s); } // refused earlier by the typed decoding (400)
    }
}
