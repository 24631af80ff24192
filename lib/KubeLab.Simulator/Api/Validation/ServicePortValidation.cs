using System.Globalization;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>Service ports (pkg/apis/core/validation validateServicePort): port and an integer targetPort in 1–65535, protocol TCP/UDP/SCTP.</summary>
internal static class ServicePortValidation
{
    public static void Validate(JsonObject svc, List<FieldError> errors)
    {
        if (svc.Path("spec.ports") is not JsonArray ports) return;
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i] is not JsonObject port) continue;
            var p = $"spec.ports[{i}]";
            PodSpecFormats.PortNumber(port["port"].Long() ?? 0, $"{p}.port", errors);
            if (port["targetPort"] is JsonValue tp && tp.TryGetValue<long>(out var target) && target != 0) PodSpecFormats.PortNumber(target, $"{p}.targetPort", errors);
            if (port["nodePort"].Long() is { } np and not 0) PodSpecFormats.PortNumber(np, $"{p}.nodePort", errors);
            PodSpecFormats.Protocol(port.Str("protocol"), $"{p}.protocol", errors);
        }
    }
}
