using System.Net;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;

using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// pkg/apis/networking/validation ValidateIngressSpec / validateHTTPIngressPath / validateIngressBackend and ValidateIngressClass
/// (1.32), in upstream order and wording; the host rules (DNS-1123 subdomain, a leading <c>*.</c> wildcard, no IP address).
/// </summary>
internal static class IngressValidation
{
    private static readonly string[] PathTypes = ["Exact", "ImplementationSpecific", "Prefix"];

    public static void Validate(JsonObject ing, List<FieldError> errors)
    {
        var spec = ing["spec"] as JsonObject;
        var rules = spec?["rules"] as JsonArray;
        if (spec?["defaultBackend"] is JsonObject backend) ValidateBackend(backend, "spec.defaultBackend", errors);
        if ((rules is null || rules.Count == 0) && spec?["defaultBackend"] is null)
            errors.Add(FieldError.Invalid("spec", "[]networking.IngressRule(nil)", "either `defaultBackend` or `rules` must be specified"));
        for (var i = 0; i < (rules?.Count ?? 0); i++)
        {
            if (rules![i] is not JsonObject rule) continue;
            var at = $"spec.rules[{i}]";
            if (rule.Str("host") is { Length: > 0 } host)
            {
                if (IPAddress.TryParse(host, out _)) errors.Add(FieldError.Invalid($"{at}.host", Q(host), "must be a DNS name, not an IP address"));
                else if (host.StartsWith('*'))
                {
                    if (!host.StartsWith("*.", StringComparison.Ordinal) || LabelValidation.Dns1123SubdomainError(host[2..]) is not null)
                        errors.Add(FieldError.Invalid($"{at}.host", Q(host),
                            "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
                }
                else if (LabelValidation.Dns1123SubdomainError(host) is { } e) errors.Add(FieldError.Invalid($"{at}.host", Q(host), e));
            }
            if (rule["http"] is not JsonObject http) continue;
            var paths = http["paths"] as JsonArray;
            if (paths is null || paths.Count == 0) errors.Add(FieldError.Required($"{at}.http.paths"));
            for (var j = 0; j < (paths?.Count ?? 0); j++)
                if (paths![j] is JsonObject p) ValidatePath(p, $"{at}.http.paths[{j}]", errors);
        }
    }

    private static void ValidatePath(JsonObject p, string at, List<FieldError> errors)
    {
        var path = p.Str("path") ?? "";
        var type = p.Str("pathType");
        if (type is null)
        {
            errors.Add(FieldError.Required($"{at}.pathType", "pathType must be specified"));
            return;
        }
        switch (type)
        {
            case "Exact" or "Prefix":
                if (!path.StartsWith('/')) errors.Add(FieldError.Invalid($"{at}.path", Q(path), "must be an absolute path"));
                if (path.Contains("//", StringComparison.Ordinal)) errors.Add(FieldError.Invalid($"{at}.path", Q(path), "must not contain '//'"));
                break;
            case "ImplementationSpecific":
                if (path.Length > 0 && !path.StartsWith('/')) errors.Add(FieldError.Invalid($"{at}.path", Q(path), "must be an absolute path"));
                break;
            default:
                errors.Add(new FieldError($"{at}.pathType", "FieldValueNotSupported", "supported values: " + string.Join(", ", PathTypes.Select(Q)), Q(type)));
                return;
        }
        if (p["backend"] is JsonObject b) ValidateBackend(b, $"{at}.backend", errors);
        else errors.Add(FieldError.Invalid($"{at}.backend", Q(""), "resource or service backend is required"));
    }

    private static void ValidateBackend(JsonObject b, string at, List<FieldError> errors)
    {
        var service = b["service"] as JsonObject;
        var resource = b["resource"] is JsonObject;
        if (service is not null && resource) { errors.Add(FieldError.Invalid(at, Q(""), "cannot set both resource and service backends")); return; }
        if (service is null) { if (!resource) errors.Add(FieldError.Invalid(at, Q(""), "resource or service backend is required")); return; }
        if (service.Str("name") is not { Length: > 0 } name) errors.Add(FieldError.Required($"{at}.service.name"));
        else if (LabelValidation.Dns1035LabelError(name) is { } e) errors.Add(FieldError.Invalid($"{at}.service.name", Q(name), e));
        var port = service["port"] as JsonObject;
        var portName = port?.Str("name") ?? "";
        var number = port?["number"].Long() ?? 0;
        if (portName.Length > 0 && number != 0) errors.Add(FieldError.Invalid($"{at}.service.port", Q(""), "cannot set both port name & port number"));
        else if (number != 0)
        {
            if (number is < 1 or > 65535) errors.Add(FieldError.Invalid($"{at}.service.port.number", number.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
        }
        else if (portName.Length == 0) errors.Add(FieldError.Required($"{at}.service.port", "port name or number is required"));
    }

    public static void ValidateClass(JsonObject ic, List<FieldError> errors)
    {
        if (ic.Path("spec.controller")?.ToString() is not { Length: > 0 }) errors.Add(FieldError.Required("spec.controller"));
    }

    private static string Q(string s) => Decoding.GoFormat.Quote(s);
}
