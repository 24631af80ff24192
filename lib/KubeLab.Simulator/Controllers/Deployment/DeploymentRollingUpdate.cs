using k8s.Models;

namespace KubeLab.Simulator.Controllers.Deployment;

/// <summary>
/// The RollingUpdate strategy (pkg/controller/deployment/rolling.go), one step per reconcile:
/// <list type="number">
/// <item>grow the new ReplicaSet while all ReplicaSets together stay within replicas + maxSurge;</item>
/// <item>otherwise shrink old ReplicaSets: first their unavailable replicas (they cost no availability), then available
/// ones, never letting available pods drop below replicas − maxUnavailable, and counting the new ReplicaSet's
/// not-yet-available pods against that budget;</item>
/// <item>when complete, delete old ReplicaSets beyond revisionHistoryLimit.</item>
/// </list>
/// Each step is followed by a status write; the next step happens when ReplicaSet status (pod readiness) changes.
/// </summary>
public sealed partial class DeploymentController
{
    private async Task RolloutRollingAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRs, old) = await NewAndOldAsync(d, rsList, createIfMissing: true, ct).ConfigureAwait(false);
        if (await ReconcileNewReplicaSetAsync(d, rsList, newRs!, ct).ConfigureAwait(false))
        {
            await SyncRolloutStatusAsync(d, rsList, ct).ConfigureAwait(false);
            return;
        }
        (newRs, old) = FindNewAndOld(d, rsList);
        if (await ReconcileOldReplicaSetsAsync(d, rsList, newRs!, ct).ConfigureAwait(false))
        {
            await SyncRolloutStatusAsync(d, rsList, ct).ConfigureAwait(false);
            return;
        }
        if (DeploymentStatusModel.Complete(d, d.Status ?? new V1DeploymentStatus()))
            await CleanupAsync(d, FindNewAndOld(d, rsList).Old, ct).ConfigureAwait(false);
        await SyncRolloutStatusAsync(d, rsList, ct).ConfigureAwait(false);
    }

    /// <summary>reconcileNewReplicaSet: scale the new ReplicaSet down to replicas if it is too big, else up as far as maxSurge allows.</summary>
    private async Task<bool> ReconcileNewReplicaSetAsync(V1Deployment d, List<V1ReplicaSet> rsList, V1ReplicaSet newRs, CancellationToken ct)
    {
        var replicas = RolloutArithmetic.Replicas(d);
        var current = newRs.Spec.Replicas ?? 0;
        if (current == replicas) return false;
        if (current > replicas) return (await ScaleAndRecordAsync(rsList, newRs, replicas, d, ct).ConfigureAwait(false)).Scaled;
        var target = RolloutArithmetic.NewReplicaSetReplicas(replicas, rollingUpdate: true, RolloutArithmetic.MaxSurge(d),
            DeploymentStatusModel.SpecReplicas(rsList), current);
        return (await ScaleAndRecordAsync(rsList, newRs, target, d, ct).ConfigureAwait(false)).Scaled;
    }

    /// <summary>reconcileOldReplicaSets: how many old replicas may go now, spent on unhealthy ones first.</summary>
    private async Task<bool> ReconcileOldReplicaSetsAsync(V1Deployment d, List<V1ReplicaSet> rsList, V1ReplicaSet newRs, CancellationToken ct)
    {
        var old = Active(FindNewAndOld(d, rsList).Old);
        if (DeploymentStatusModel.SpecReplicas(old) == 0) return false;
        var maxScaledDown = RolloutArithmetic.MaxScaledDown(DeploymentStatusModel.SpecReplicas(rsList), RolloutArithmetic.Replicas(d),
            RolloutArithmetic.MaxUnavailable(d), newRs.Spec.Replicas ?? 0, newRs.Status?.AvailableReplicas ?? 0);
        if (maxScaledDown <= 0) return false;
        var cleaned = await CleanupUnhealthyReplicasAsync(d, rsList, old, maxScaledDown, ct).ConfigureAwait(false);
        var scaledDown = await ScaleDownOldForRollingUpdateAsync(d, rsList, ct).ConfigureAwait(false);
        return cleaned + scaledDown > 0;
    }

    /// <summary>cleanupUnhealthyReplicas: oldest first, remove replicas that are not available (e.g. stuck in ImagePullBackOff).</summary>
    private async Task<int> CleanupUnhealthyReplicasAsync(V1Deployment d, List<V1ReplicaSet> rsList, List<V1ReplicaSet> old, int maxCleanup, CancellationToken ct)
    {
        var total = 0;
        foreach (var rs in ByCreation(old))
        {
            if (total >= maxCleanup) break;
            var replicas = rs.Spec.Replicas ?? 0;
            var available = rs.Status?.AvailableReplicas ?? 0;
            if (replicas == 0 || replicas == available) continue;
            var count = Math.Min(maxCleanup - total, replicas - available);
            // Status may still count pods of a bigger size (more available than spec.replicas): never "clean up" upwards.
            if (replicas - count > replicas)
                throw new InvalidOperationException($"when cleaning up unhealthy replicas, got invalid request to scale down {rs.Metadata.NamespaceProperty}/{rs.Metadata.Name} {replicas} -> {replicas - count}");
            await ScaleAndRecordAsync(rsList, rs, replicas - count, d, ct).ConfigureAwait(false);
            total += count;
        }
        return total;
    }

    /// <summary>scaleDownOldReplicaSetsForRollingUpdate: oldest first, remove available replicas down to replicas − maxUnavailable.</summary>
    private async Task<int> ScaleDownOldForRollingUpdateAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var minAvailable = RolloutArithmetic.Replicas(d) - RolloutArithmetic.MaxUnavailable(d);
        var available = DeploymentStatusModel.AvailableReplicas(rsList);
        if (available <= minAvailable) return 0;
        var budget = available - minAvailable;
        var total = 0;
        foreach (var rs in ByCreation(FindNewAndOld(d, rsList).Old).ToList())
        {
            if (total >= budget) break;
            var replicas = rs.Spec.Replicas ?? 0;
            if (replicas == 0) continue;
            var count = Math.Min(replicas, budget - total);
            await ScaleAndRecordAsync(rsList, rs, replicas - count, d, ct).ConfigureAwait(false);
            total += count;
        }
        return total;
    }
}
