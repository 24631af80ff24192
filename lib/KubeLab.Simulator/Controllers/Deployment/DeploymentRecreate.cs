using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.Deployment;

/// <summary>
/// The Recreate strategy (pkg/controller/deployment/recreate.go): scale every old ReplicaSet to 0, wait until none of
/// their pods is left running (terminating pods still count), and only then create/scale the new ReplicaSet to
/// spec.replicas – so for a while no replica is available at all, the gap the course plots.
/// </summary>
public sealed partial class DeploymentController
{
    private async Task RolloutRecreateAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRs, old) = await NewAndOldAsync(d, rsList, createIfMissing: false, ct).ConfigureAwait(false);
        var scaledDown = false;
        foreach (var rs in Active(old))
            if ((await ScaleAndRecordAsync(rsList, rs, 0, d, ct).ConfigureAwait(false)).Scaled) scaledDown = true;
        if (scaledDown || OldPodsRunning(d, rsList))
        {
            await SyncRolloutStatusAsync(d, rsList, ct).ConfigureAwait(false);
            return;
        }
        if (newRs is null) (newRs, _) = await NewAndOldAsync(d, rsList, createIfMissing: true, ct).ConfigureAwait(false);
        await ScaleAndRecordAsync(rsList, newRs!, RolloutArithmetic.Replicas(d), d, ct).ConfigureAwait(false);
        if (DeploymentStatusModel.Complete(d, d.Status ?? new V1DeploymentStatus()))
            await CleanupAsync(d, FindNewAndOld(d, rsList).Old, ct).ConfigureAwait(false);
        await SyncRolloutStatusAsync(d, rsList, ct).ConfigureAwait(false);
    }

    /// <summary>oldPodsRunning: an old ReplicaSet still reports pods, or a pod it owns has not finished (Succeeded/Failed).</summary>
    private bool OldPodsRunning(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        var (newRs, old) = FindNewAndOld(d, rsList);
        if (DeploymentStatusModel.ActualReplicas(old) > 0) return true;
        var oldUids = old.Select(rs => rs.Metadata.Uid).ToHashSet();
        return pods.List(d.Metadata.NamespaceProperty).Any(p =>
            PodFacts.ControllerOf(p) is { } owner && owner.Uid != newRs?.Metadata.Uid && oldUids.Contains(owner.Uid)
            && p.Status?.Phase is not ("Succeeded" or "Failed"));
    }
}
