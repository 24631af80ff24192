using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.Autoscaling;

/// <summary>Why the target's scale subresource could not be read or written; the message is the API server's.</summary>
public sealed class HorizontalPodAutoscalerScaleException(string message) : Exception(message);

/// <summary>
/// The HPA's view of its target: the autoscaling/v1 Scale subresource of a Deployment, ReplicaSet, StatefulSet or
/// ReplicationController (the scale client resolves scaleTargetRef through discovery; these are the kinds served here).
/// </summary>
public sealed class HorizontalPodAutoscalerScaleClient(IKubernetes client)
{
    public async Task<V1Scale> GetAsync(V2CrossVersionObjectReference target, string ns, CancellationToken ct)
    {
        try
        {
            return (target.Kind, Group(target.ApiVersion)) switch
            {
                ("Deployment", "apps") => await client.AppsV1.ReadNamespacedDeploymentScaleAsync(target.Name, ns, cancellationToken: ct).ConfigureAwait(false),
                ("ReplicaSet", "apps") => await client.AppsV1.ReadNamespacedReplicaSetScaleAsync(target.Name, ns, cancellationToken: ct).ConfigureAwait(false),
                ("StatefulSet", "apps") => await client.AppsV1.ReadNamespacedStatefulSetScaleAsync(target.Name, ns, cancellationToken: ct).ConfigureAwait(false),
                ("ReplicationController", "") => await client.CoreV1.ReadNamespacedReplicationControllerScaleAsync(target.Name, ns, cancellationToken: ct).ConfigureAwait(false),
                var (kind, group) => throw new HorizontalPodAutoscalerScaleException($"no matches for kind \"{kind}\" in group \"{group}\""),
            };
        }
        catch (HttpOperationException e) { throw new HorizontalPodAutoscalerScaleException(ApiErrorMessage.Of(e)); }
    }

    public async Task UpdateAsync(V2CrossVersionObjectReference target, string ns, V1Scale scale, CancellationToken ct)
    {
        try
        {
            switch (target.Kind)
            {
                case "Deployment": await client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, target.Name, ns, cancellationToken: ct).ConfigureAwait(false); break;
                case "ReplicaSet": await client.AppsV1.ReplaceNamespacedReplicaSetScaleAsync(scale, target.Name, ns, cancellationToken: ct).ConfigureAwait(false); break;
                case "StatefulSet": await client.AppsV1.ReplaceNamespacedStatefulSetScaleAsync(scale, target.Name, ns, cancellationToken: ct).ConfigureAwait(false); break;
                default: await client.CoreV1.ReplaceNamespacedReplicationControllerScaleAsync(scale, target.Name, ns, cancellationToken: ct).ConfigureAwait(false); break;
            }
        }
        catch (HttpOperationException e) { throw new HorizontalPodAutoscalerScaleException(ApiErrorMessage.Of(e)); }
    }

    private static string Group(string? apiVersion) => apiVersion is { } v && v.Contains('/') ? v[..v.IndexOf('/')] : "";
}
