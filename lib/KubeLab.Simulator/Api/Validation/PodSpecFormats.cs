using System.Globalization;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// Formats inside a pod spec (pkg/apis/core/validation/validation.go): container ports and protocols (validateContainerPorts),
/// volume names as DNS-1123 labels and volumeMounts that name a volume (ValidateVolumes, ValidateVolumeMounts), configMap/secret
/// names in volumes and envFrom, env var names under 1.32's RelaxedEnvironmentVariableValidation (printable ASCII but '='),
/// and serviceAccountName.
/// </summary>
internal static class PodSpecFormats
{
    public const string PortRange = "must be between 1 and 65535, inclusive";
    public const string Protocols = "supported values: \"SCTP\", \"TCP\", \"UDP\"";

    public static void Validate(JsonObject spec, string path, List<FieldError> errors, IEnumerable<string>? claimVolumes = null)
    {
        var volumes = new HashSet<string>();
        if (spec["volumes"] is JsonArray vs)
            for (var i = 0; i < vs.Count; i++)
            {
                var v = vs[i] as JsonObject;
                var p = $"{path}.volumes[{i}]";
                var name = v.Str("name");
                if (string.IsNullOrEmpty(name)) errors.Add(FieldError.Required($"{p}.name"));
                else if (LabelValidation.Dns1123LabelError(name) is { } e) errors.Add(FieldError.Invalid($"{p}.name", Q(name), e));
                else if (!volumes.Add(name)) errors.Add(new FieldError($"{p}.name", "FieldValueDuplicate", $"Duplicate value: {Q(name)}"));
                if (v?["configMap"] is JsonObject cm) ReferencedName(cm.Str("name"), $"{p}.configMap.name", errors);
                if (v?["secret"] is JsonObject sec) ReferencedName(sec.Str("secretName"), $"{p}.secret.secretName", errors);
            }
        volumes.UnionWith(claimVolumes ?? []);
        foreach (var list in new[] { "initContainers", "containers" })
            if (spec[list] is JsonArray cs)
                for (var i = 0; i < cs.Count; i++)
                    if (cs[i] is JsonObject c) Container(c, $"{path}.{list}[{i}]", volumes, errors);
        if (spec.Str("serviceAccountName") is { Length: > 0 } sa && LabelValidation.Dns1123SubdomainError(sa) is { } se)
            errors.Add(FieldError.Invalid($"{path}.serviceAccountName", Q(sa), se));
    }

    private static void Container(JsonObject c, string p, HashSet<string> volumes, List<FieldError> errors)
    {
        if (c["ports"] is JsonArray ports)
            for (var i = 0; i < ports.Count; i++)
            {
                if (ports[i] is not JsonObject port) continue;
                var pp = $"{p}.ports[{i}]";
                var containerPort = port["containerPort"].Long() ?? 0;
                if (containerPort == 0) errors.Add(FieldError.Required($"{pp}.containerPort"));
                else PortNumber(containerPort, $"{pp}.containerPort", errors);
                if (port["hostPort"].Long() is { } hp and not 0) PortNumber(hp, $"{pp}.hostPort", errors);
                Protocol(port.Str("protocol"), $"{pp}.protocol", errors);
            }
        if (c["env"] is JsonArray env)
            for (var i = 0; i < env.Count; i++)
            {
                var name = (env[i] as JsonObject).Str("name");
                if (string.IsNullOrEmpty(name)) errors.Add(FieldError.Required($"{p}.env[{i}].name"));
                else if (name.Any(ch => ch is < ' ' or > '~' or '='))
                    errors.Add(FieldError.Invalid($"{p}.env[{i}].name", Q(name), "a valid environment variable name must consist only of printable ASCII characters other than '='"));
            }
        if (c["envFrom"] is JsonArray envFrom)
            for (var i = 0; i < envFrom.Count; i++)
            {
                if (envFrom[i]?["configMapRef"] is JsonObject cm) ReferencedName(cm.Str("name"), $"{p}.envFrom[{i}].configMapRef.name", errors);
                if (envFrom[i]?["secretRef"] is JsonObject sr) ReferencedName(sr.Str("name"), $"{p}.envFrom[{i}].secretRef.name", errors);
            }
        if (c["volumeMounts"] is JsonArray mounts)
            for (var i = 0; i < mounts.Count; i++)
            {
                var m = mounts[i] as JsonObject;
                var name = m.Str("name");
                if (string.IsNullOrEmpty(name)) errors.Add(FieldError.Required($"{p}.volumeMounts[{i}].name"));
                else if (!volumes.Contains(name)) errors.Add(new FieldError($"{p}.volumeMounts[{i}].name", "FieldValueNotFound", $"Not found: {Q(name)}"));
                if (string.IsNullOrEmpty(m.Str("mountPath"))) errors.Add(FieldError.Required($"{p}.volumeMounts[{i}].mountPath"));
            }
    }

    /// <summary>validation.IsValidPortNum: the bad value is printed as a number.</summary>
    public static void PortNumber(long port, string field, List<FieldError> errors)
    {
        if (port is < 1 or > 65535) errors.Add(FieldError.Invalid(field, port.ToString(CultureInfo.InvariantCulture), PortRange));
    }

    public static void Protocol(string? protocol, string field, List<FieldError> errors)
    {
        if (protocol is null) return;   // defaulted to TCP
        if (protocol.Length == 0) errors.Add(FieldError.Required(field));
        else if (protocol is not ("TCP" or "UDP" or "SCTP")) errors.Add(new FieldError(field, "FieldValueNotSupported", Protocols, Q(protocol)));
    }

    /// <summary>A configMap or secret named by reference must be a DNS-1123 subdomain (ValidateConfigMapName/ValidateSecretName).</summary>
    private static void ReferencedName(string? name, string field, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(name)) errors.Add(FieldError.Required(field));
        else if (LabelValidation.Dns1123SubdomainError(name) is { } e) errors.Add(FieldError.Invalid(field, Q(name), e));
    }

    private static string Q(string s) => Decoding.GoFormat.Quote(s);
}
