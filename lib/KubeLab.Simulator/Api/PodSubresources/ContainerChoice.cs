using k8s.Models;
using KubeLab.Simulator.Api.Errors;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// Which container a log or exec request addresses, as the API server decides before it calls the kubelet
/// (validateContainer / streamLocation in pkg/registry/core/pod/strategy.go). Choosing the
/// <c>kubectl.kubernetes.io/default-container</c> is kubectl's business: it sends <c>container=</c> itself.
/// </summary>
public static class ContainerChoice
{
    public static string Resolve(V1Pod pod, string? container)
    {
        var podName = pod.Metadata.Name;
        if (string.IsNullOrEmpty(container))
        {
            var containers = pod.Spec?.Containers ?? [];
            switch (containers.Count)
            {
                case 1:
                    return containers[0].Name;
                case 0:
                    throw ApiError.BadRequest($"pod {podName} does not have a container");
                default:
                    var text = $"a container name must be specified for pod {podName}, choose one of: [{string.Join(' ', containers.Select(c => c.Name))}]";
                    if (pod.Spec?.InitContainers is { Count: > 0 } init)
                        text += $" or one of the init containers: [{string.Join(' ', init.Select(c => c.Name))}]";
                    throw ApiError.BadRequest(text);
            }
        }
        // podHasContainerWithName visits init, regular and ephemeral containers.
        var all = (pod.Spec?.InitContainers ?? []).Select(c => c.Name)
            .Concat((pod.Spec?.Containers ?? []).Select(c => c.Name))
            .Concat((pod.Spec?.EphemeralContainers ?? []).Select(c => c.Name));
        if (!all.Contains(container, StringComparer.Ordinal))
            throw ApiError.BadRequest($"container {container} is not valid for pod {podName}");
        return container;
    }
}
