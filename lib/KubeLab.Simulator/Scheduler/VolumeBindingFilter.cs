using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Scheduler;

/// <summary>
/// kube-scheduler's VolumeBinding filter, reduced to local volumes: a pod whose PVC is bound to a PV with node affinity (as
/// local-path PVs are: <c>kubernetes.io/hostname In [node]</c>) fits only the nodes that affinity allows – so a StatefulSet pod
/// that comes back after a deletion lands on the node that holds its data. Unbound claims do not restrict the choice: the
/// provisioner creates the volume on whichever node the pod is scheduled to (WaitForFirstConsumer).
/// </summary>
public sealed class VolumeBindingFilter(Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList> claims,
    Informer<V1PersistentVolume, V1PersistentVolumeList> volumes)
{
    /// <summary>kube-scheduler 1.32's reason text for this filter.</summary>
    public const string ConflictReason = "node(s) had volume node affinity conflict";

    public string? Filter(V1Pod pod, V1Node node)
    {
        foreach (var volume in pod.Spec?.Volumes ?? [])
        {
            if (volume.PersistentVolumeClaim?.ClaimName is not { } claimName) continue;
            var claim = claims.Get(Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(pod.Metadata.NamespaceProperty, claimName));
            if (string.IsNullOrEmpty(claim?.Spec?.VolumeName)) continue;
            var pv = volumes.Get(claim.Spec.VolumeName);
            var affinity = pv?.Spec?.NodeAffinity?.Required;
            if (affinity is null) continue;
            var nodeAffinity = new V1NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = affinity };
            if (!SchedulingDecision.MatchesRequiredNodeAffinity(nodeAffinity, node.Metadata.Labels ?? new Dictionary<string, string>(), node.Metadata.Name))
                return ConflictReason;
        }
        return null;
    }
}
