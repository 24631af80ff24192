using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// pkg/apis/core/validation ValidateService (1.32), the parts a learner meets: type, ports (numbers, names, protocols,
/// targetPort as number or IANA_SVC_NAME, nodePort only where the type has one), cluster IPs, ExternalName, session affinity,
/// traffic policies, externalIPs and the selector's labels. Allocation errors (taken IPs and ports) come earlier, from
/// <see cref="Registry.Service.ServiceAllocations"/>.
/// </summary>
internal static class ServiceValidation
{
    private const int MaxClientIpAffinitySeconds = 86400; // core.MaxClientIPServiceAffinitySeconds

    public static void Validate(JsonObject svc, List<FieldError> errors)
    {
        if (svc["spec"] is not JsonObject spec) return;
        // The order of ValidateService, so several errors print in kube-apiserver's order.
        var type = spec.Str("type") ?? "ClusterIP";
        var clusterIps = (spec["clusterIPs"] as JsonArray)?.Select(x => x?.ToString() ?? "").ToList() ?? [];
        var headless = clusterIps.FirstOrDefault() == "None";
        var ports = (spec["ports"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (ports.Count == 0 && !headless && type != "ExternalName") errors.Add(FieldError.Required("spec.ports"));

        if (headless && type is "NodePort" or "LoadBalancer")
            errors.Add(FieldError.Invalid("spec.clusterIPs[0]", Q("None"), $"may not be set to 'None' for {type} services"));
        if (type == "ExternalName")
        {
            if (clusterIps.Count > 0) errors.Add(new FieldError("spec.clusterIPs", "FieldValueForbidden", "may not be set for ExternalName services"));
            var cname = (spec.Str("externalName") ?? "").TrimEnd('.');
            if (cname.Length == 0) errors.Add(FieldError.Required("spec.externalName"));
            else if (LabelValidation.Dns1123SubdomainError(cname) is { } e) errors.Add(FieldError.Invalid("spec.externalName", Q(cname), e));
        }

        ValidatePorts(ports, errors);

        foreach (var (k, v) in ObjectMeta.StringMap(spec["selector"]))
        {
            if (LabelValidation.QualifiedNameError(k) is { } ke) errors.Add(FieldError.Invalid("spec.selector", Q(k), ke));
            if (LabelValidation.LabelValueError(v) is { } ve) errors.Add(FieldError.Invalid("spec.selector", Q(v), ve));
        }

        var affinity = spec.Str("sessionAffinity") ?? "None";
        if (affinity is not ("None" or "ClientIP"))
            errors.Add(new FieldError("spec.sessionAffinity", "FieldValueNotSupported", "supported values: \"ClientIP\", \"None\"", Q(affinity)));
        if (affinity == "ClientIP" && spec.Path("sessionAffinityConfig.clientIP.timeoutSeconds").Long() is { } t && t is <= 0 or > MaxClientIpAffinitySeconds)
            errors.Add(FieldError.Invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", t.ToString(CultureInfo.InvariantCulture),
                $"must be greater than 0 and less than {MaxClientIpAffinitySeconds}"));
        if (affinity == "None" && spec["sessionAffinityConfig"] is JsonObject)
            errors.Add(new FieldError("spec.sessionAffinityConfig", "FieldValueForbidden", "must not be set when session affinity is None"));

        if (type != "ExternalName")
            for (var i = 0; i < clusterIps.Count; i++)
                if (clusterIps[i] != "None" && !IsIp(clusterIps[i])) errors.Add(FieldError.Invalid($"spec.clusterIPs[{i}]", Q(clusterIps[i]), IpMessage));

        var externalIps = (spec["externalIPs"] as JsonArray)?.Select(x => x?.ToString() ?? "").ToList() ?? [];
        for (var i = 0; i < externalIps.Count; i++)
        {
            if (!IsIp(externalIps[i])) errors.Add(FieldError.Invalid($"spec.externalIPs[{i}]", Q(externalIps[i]), IpMessage));
            else if (IPAddress.Parse(externalIps[i]) is var a && (a.Equals(IPAddress.Any) || a.Equals(IPAddress.IPv6Any)))
                errors.Add(FieldError.Invalid($"spec.externalIPs[{i}]", Q(externalIps[i]), "may not be unspecified (0.0.0.0, ::)"));
            else if (IPAddress.IsLoopback(a))
                errors.Add(FieldError.Invalid($"spec.externalIPs[{i}]", Q(externalIps[i]), "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
        }

        if (type is not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName"))
            errors.Add(new FieldError("spec.type", "FieldValueNotSupported", "supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"", Q(type)));

        var nodePorts = new HashSet<(long, string)>();
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i]["nodePort"].Long() is not { } np || np == 0) continue;
            if (type == "ClusterIP")
                errors.Add(new FieldError($"spec.ports[{i}].nodePort", "FieldValueForbidden", "may not be used when `type` is 'ClusterIP'"));
            if (!nodePorts.Add((np, ports[i].Str("protocol") ?? "TCP")))
                errors.Add(new FieldError($"spec.ports[{i}].nodePort", "FieldValueDuplicate", $"Duplicate value: {np.ToString(CultureInfo.InvariantCulture)}"));
        }

        if (spec["allocateLoadBalancerNodePorts"] is JsonValue && type != "LoadBalancer")
            errors.Add(new FieldError("spec.allocateLoadBalancerNodePorts", "FieldValueForbidden", "may only be used when `type` is 'LoadBalancer'"));

        // validateServiceExternalTrafficPolicy: ExternallyAccessible = NodePort, LoadBalancer, or ClusterIP with externalIPs.
        var externallyAccessible = type is "NodePort" or "LoadBalancer" || (type == "ClusterIP" && externalIps.Count > 0);
        if (spec.Str("externalTrafficPolicy") is { } etp)
        {
            if (!externallyAccessible)
                errors.Add(FieldError.Invalid("spec.externalTrafficPolicy", Q(etp), "may only be set for externally-accessible services"));
            else if (etp is not ("Cluster" or "Local"))
                errors.Add(new FieldError("spec.externalTrafficPolicy", "FieldValueNotSupported", "supported values: \"Cluster\", \"Local\"", Q(etp)));
        }
        if (spec["healthCheckNodePort"].Long() is { } hc and not 0 && !(type == "LoadBalancer" && spec.Str("externalTrafficPolicy") == "Local"))
            errors.Add(FieldError.Invalid("spec.healthCheckNodePort", hc.ToString(CultureInfo.InvariantCulture),
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));

        if (spec.Str("internalTrafficPolicy") is { } itp && itp is not ("Cluster" or "Local"))
            errors.Add(new FieldError("spec.internalTrafficPolicy", "FieldValueNotSupported", "supported values: \"Cluster\", \"Local\"", Q(itp)));
    }

    /// <summary>validateServicePort: name (required when there are several, DNS-1123 label, unique), port, protocol, targetPort (ValidatePortNumOrName).</summary>
    private static void ValidatePorts(List<JsonObject> ports, List<FieldError> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            var p = $"spec.ports[{i}]";
            var name = port.Str("name") ?? "";
            if (ports.Count > 1 && name.Length == 0) errors.Add(FieldError.Required($"{p}.name"));
            else if (name.Length > 0)
            {
                if (LabelValidation.Dns1123LabelError(name) is { } e) errors.Add(FieldError.Invalid($"{p}.name", Q(name), e));
                if (!names.Add(name)) errors.Add(new FieldError($"{p}.name", "FieldValueDuplicate", $"Duplicate value: {Q(name)}"));
            }
            PodSpecFormats.PortNumber(port["port"].Long() ?? 0, $"{p}.port", errors);
            PodSpecFormats.Protocol(port.Str("protocol"), $"{p}.protocol", errors);
            if (port["targetPort"] is JsonValue tp)
            {
                if (tp.TryGetValue<string>(out var named))
                    foreach (var msg in PortNameErrors(named)) errors.Add(FieldError.Invalid($"{p}.targetPort", Q(named), msg));
                else if (tp.TryGetValue<long>(out var target)) PodSpecFormats.PortNumber(target, $"{p}.targetPort", errors);
            }
        }
    }

    /// <summary>validation.IsValidPortName: an IANA_SVC_NAME (RFC 6335), one message per broken rule.</summary>
    public static IEnumerable<string> PortNameErrors(string port)
    {
        if (port.Length is < 1 or > 15) yield return "must be no more than 15 characters";
        if (!port.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')) yield return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
        if (!port.Any(c => c is >= 'a' and <= 'z')) yield return "must contain at least one letter (a-z)";
        if (port.Contains("--", StringComparison.Ordinal)) yield return "must not contain consecutive hyphens";
        if (port.Length > 0 && (port[0] == '-' || port[^1] == '-')) yield return "must not begin or end with a hyphen";
    }

    private const string IpMessage = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

    private static bool IsIp(string s) => IPAddress.TryParse(s, out var a) && (a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || s.Count(c => c == '.') == 3);

    private static string Q(string s) => Decoding.GoFormat.Quote(s);
}
