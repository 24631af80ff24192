using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Api.Validation.Decoding;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// A custom object checked against its structural schema, worded as kube-openapi's validate package words it
/// (pkg/validation/errors/schema.go) and turned into field errors as apiextensions-apiserver does
/// (pkg/apiserver/validation/validation.go kubeOpenAPIResultToFieldErrors): type → <c>Invalid value: "string": spec.size in
/// body must be of type integer: "string"</c>, required → Required value, enum → Unsupported value, maxLength → Too long,
/// maxItems → Too many, everything else Invalid value with kube-openapi's sentence.
/// </summary>
public static class SchemaValidation
{
    private static readonly string[] RootFields = ["apiVersion", "kind", "metadata"];

    public static List<FieldError> Validate(JsonObject obj, JsonObject schema)
    {
        var errors = new List<FieldError>();
        ValidateObject(obj, schema, "", errors, root: true);
        return errors;
    }

    private static void ValidateNode(JsonNode? node, JsonObject schema, string path, List<FieldError> errors)
    {
        var nullable = SchemaDefaulting.IsTrue(schema, "nullable");
        if (node is null)
        {
            if (!nullable && schema.Str("type") is { Length: > 0 } t) errors.Add(TypeError(path, t, "null"));
            return;
        }
        var actual = TypeOf(node);
        if (SchemaDefaulting.IsTrue(schema, "x-kubernetes-int-or-string"))
        {
            if (actual is not ("integer" or "string")) errors.Add(TypeError(path, "integer,string", actual));
        }
        else if (schema.Str("type") is { Length: > 0 } type && !(type == actual || type == "number" && actual == "integer"))
        {
            errors.Add(TypeError(path, type, actual));
            return;
        }
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, node)))
            errors.Add(new FieldError(path, "FieldValueNotSupported", "supported values: " + string.Join(", ", allowed.Select(a => GoFormat.Quote(a is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : a?.ToJsonString() ?? "null"))), Shown(node)));
        switch (node)
        {
            case JsonObject o:
                ValidateObject(o, schema, path, errors, root: false);
                break;
            case JsonArray a:
                // slice_validator.go: the items first (paths "spec.tags[0]"), then minItems, then maxItems.
                if (schema["items"] is JsonObject items)
                    for (var i = 0; i < a.Count; i++) ValidateNode(a[i], items, $"{path}[{i}]", errors);
                if (schema["minItems"].Long() is { } minItems && a.Count < minItems)
                    errors.Add(FieldError.Invalid(path, a.Count.ToString(CultureInfo.InvariantCulture), $"{path} in body should have at least {minItems} items"));
                if (schema["maxItems"].Long() is { } maxItems && a.Count > maxItems)
                    errors.Add(new FieldError(path, "FieldValueTooMany", $"must have at most {maxItems} {(maxItems == 1 ? "item" : "items")}", a.Count.ToString(CultureInfo.InvariantCulture)));
                break;
            case JsonValue v when actual == "string":
            {
                var s = v.GetValue<string>();
                var length = new StringInfo(s).LengthInTextElements;
                if (schema["maxLength"].Long() is { } max && length > max)
                    errors.Add(new FieldError(path, "FieldValueTooLong", $"may not be more than {max} {(max == 1 ? "byte" : "bytes")}", GoFormat.Quote(s)));
                if (schema["minLength"].Long() is { } min && length < min)
                    errors.Add(FieldError.Invalid(path, GoFormat.Quote(s), $"{path} in body should be at least {min} chars long"));
                if (schema.Str("pattern") is { } pattern && !Matches(pattern, s))
                    errors.Add(FieldError.Invalid(path, GoFormat.Quote(s), $"{path} in body should match '{pattern}'"));
                break;
            }
            case JsonValue v when actual is "integer" or "number":
            {
                var d = Number(v);
                var shown = Shown(node);
                if (schema["maximum"] is JsonValue maxNode && maxNode.GetValueKind() == JsonValueKind.Number && Number(maxNode) is var maximum)
                {
                    var exclusive = SchemaDefaulting.IsTrue(schema, "exclusiveMaximum");
                    if (exclusive ? d >= maximum : d > maximum)
                        errors.Add(FieldError.Invalid(path, shown, $"{path} in body should be less than {(exclusive ? "" : "or equal to ")}{Bound(maximum, actual)}"));
                }
                if (schema["minimum"] is JsonValue minNode && minNode.GetValueKind() == JsonValueKind.Number && Number(minNode) is var minimum)
                {
                    var exclusive = SchemaDefaulting.IsTrue(schema, "exclusiveMinimum");
                    if (exclusive ? d <= minimum : d < minimum)
                        errors.Add(FieldError.Invalid(path, shown, $"{path} in body should be greater than {(exclusive ? "" : "or equal to ")}{Bound(minimum, actual)}"));
                }
                if (schema["multipleOf"] is JsonValue mNode && mNode.GetValueKind() == JsonValueKind.Number && Number(mNode) is var multiple && multiple > 0 && Math.Abs(d / multiple - Math.Round(d / multiple)) > 1e-9)
                    errors.Add(FieldError.Invalid(path, shown, $"{path} in body should be a multiple of {Bound(multiple, actual)}"));
                break;
            }
        }
    }

    private static void ValidateObject(JsonObject o, JsonObject schema, string path, List<FieldError> errors, bool root)
    {
        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"] as JsonObject;
        foreach (var (key, value) in o)
        {
            if (root && RootFields.Contains(key)) continue;
            var child = path.Length == 0 ? key : $"{path}.{key}";
            if (properties?[key] is JsonObject ps) ValidateNode(value, ps, child, errors);
            else if (additional is not null) ValidateNode(value, additional, child, errors);
        }
        foreach (var required in (schema["required"] as JsonArray)?.Select(r => r?.ToString() ?? "") ?? [])
            if (!o.ContainsKey(required) || o[required] is null && properties?[required] is JsonObject rs && !SchemaDefaulting.IsTrue(rs, "nullable"))
                errors.Add(FieldError.Required(path.Length == 0 ? required : $"{path}.{required}"));
        if (schema["maxProperties"].Long() is { } maxProps && o.Count > maxProps)
            errors.Add(new FieldError(path, "FieldValueTooMany", $"must have at most {maxProps} {(maxProps == 1 ? "item" : "items")}", o.Count.ToString(CultureInfo.InvariantCulture)));
    }

    private static FieldError TypeError(string path, string expected, string actual)
        => new(path, "FieldValueTypeInvalid", $"{path} in body must be of type {expected}: {GoFormat.Quote(actual)}", GoFormat.Quote(actual));

    /// <summary>The JSON type kube-openapi's type validator sees (integral numbers count as integers).</summary>
    internal static string TypeOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => Number(v) is var d && Math.Floor(d) == d && !double.IsInfinity(d) ? "integer" : "number",
            _ => "null",
        },
        _ => "null",
    };

    /// <summary>MaximumNativeType and friends: an integer checked against an integral bound prints it as an int64, else as a float64.</summary>
    private static string Bound(double bound, string actualType)
        => actualType == "integer" && Math.Floor(bound) == bound && Math.Abs(bound) < 9.2e18 ? ((long)bound).ToString(CultureInfo.InvariantCulture) : GoFloat(bound);

    /// <summary>A JSON number whatever CLR type holds it (parsed JSON, YAML, or a long set by code).</summary>
    private static double Number(JsonValue v) => double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A field error's value as Go prints it: strings quoted, numbers and booleans bare.</summary>
    private static string Shown(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => GoFormat.Quote(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => TypeOf(v) == "integer" ? ((long)Number(v)).ToString(CultureInfo.InvariantCulture) : GoFloat(Number(v)),
        _ => GoFormat.Value(node),
    };

    /// <summary>fmt's %v of a float64 (strconv 'g' with the shortest digits): exponent form when the exponent is below -4 or at least 6.</summary>
    internal static string GoFloat(double d)
    {
        if (d == 0) return "0";
        var r = Math.Abs(d).ToString("E16", CultureInfo.InvariantCulture);
        // Shortest round-trip digits, then Go's choice between plain and exponent notation.
        var shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var digits = new string(shortest.TakeWhile(c => c != 'E').Where(char.IsDigit).ToArray()).TrimStart('0').TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var exp = int.Parse(r[(r.IndexOf('E') + 1)..], CultureInfo.InvariantCulture);
        var sign = d < 0 ? "-" : "";
        if (exp < -4 || exp >= 6)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            return $"{sign}{mantissa}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }
        return sign + Math.Abs(d).ToString("0.#################", CultureInfo.InvariantCulture);
    }

    private static bool Matches(string pattern, string value)
    {
        try { return Regex.IsMatch(value, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)); }
        catch (ArgumentException) { return true; }
    }
}
