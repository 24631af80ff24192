using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// A container's own <c>restartPolicy</c> (native sidecars, KEP-753; SidecarContainers is on in 1.32), as
/// pkg/apis/core/validation/validation.go checks it: an app container may not set it at all (validateContainers), an init
/// container only to "Always" (validateInitContainerRestartPolicy).
/// </summary>
public static class ContainerRestartPolicyValidation
{
    public static void Validate(JsonObject? spec, string path, List<FieldError> errors)
    {
        if (spec?["containers"] is JsonArray containers)
            for (var i = 0; i < containers.Count; i++)
                if ((containers[i] as JsonObject)?["restartPolicy"] is not null)
                    errors.Add(new FieldError($"{path}.containers[{i}].restartPolicy", "FieldValueForbidden", "may not be set for non-init containers"));
        if (spec?["initContainers"] is JsonArray inits)
            for (var i = 0; i < inits.Count; i++)
                if ((inits[i] as JsonObject)?["restartPolicy"]?.ToString() is { } policy and not "Always")
                    errors.Add(new FieldError($"{path}.initContainers[{i}].restartPolicy", "FieldValueNotSupported", "supported values: \"Always\"",
                        ObjectValidator.Quote(policy)));
    }
}
