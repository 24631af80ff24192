using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeLab.Simulator.Controllers.Deployment;

/// <summary>
/// How the Deployment controller resizes ReplicaSets (sync.go scale, scaleReplicaSet, cleanupDeployment): proportional
/// scaling when spec.replicas changes mid-rollout, resourceVersion-guarded writes of spec.replicas and the
/// desired/max-replicas annotations with a ScalingReplicaSet event, and the revisionHistoryLimit clean-up.
/// </summary>
public sealed partial class DeploymentController
{
    /// <summary>
    /// scale: with one active ReplicaSet (or none) it simply gets spec.replicas; when the new one is saturated the old ones go
    /// to 0; during a rolling update a change of spec.replicas is shared out in proportion to each ReplicaSet's size
    /// (largest first when adding, smallest first when removing), the leftover going to the first one.
    /// </summary>
    private async Task ScaleAsync(V1Deployment d, V1ReplicaSet? newRs, List<V1ReplicaSet> old, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var replicas = RolloutArithmetic.Replicas(d);
        var activeOrLatest = ActiveOrLatest(newRs, old);
        if (activeOrLatest is not null)
        {
            if ((activeOrLatest.Spec.Replicas ?? 0) == replicas) return;
            await ScaleAndRecordAsync(rsList, activeOrLatest, replicas, d, ct).ConfigureAwait(false);
            return;
        }
        if (IsSaturated(d, newRs))
        {
            foreach (var rs in Active(old)) await ScaleAndRecordAsync(rsList, rs, 0, d, ct).ConfigureAwait(false);
            return;
        }
        if (!RolloutArithmetic.IsRollingUpdate(d)) return;

        var all = Active(old.Append(newRs));
        var maxSurge = RolloutArithmetic.MaxSurge(d);
        var allowed = replicas > 0 ? replicas + maxSurge : 0;
        var toAdd = allowed - DeploymentStatusModel.SpecReplicas(all);
        var operation = toAdd > 0 ? "up" : "down";
        all = toAdd > 0
            ? all.OrderByDescending(rs => rs.Spec.Replicas ?? 0).ThenByDescending(rs => rs.Metadata.CreationTimestamp).ToList()
            : all.OrderByDescending(rs => rs.Spec.Replicas ?? 0).ThenBy(rs => rs.Metadata.CreationTimestamp).ToList();
        var sizes = new Dictionary<string, int>();
        var added = 0;
        foreach (var rs in all)
        {
            var size = rs.Spec.Replicas ?? 0;
            if (toAdd != 0)
            {
                var fraction = RolloutArithmetic.ReplicaSetFraction(size, replicas, maxSurge,
                    RolloutRevisions.IntAnnotation(rs.Metadata, RolloutRevisions.MaxReplicasAnnotation), d.Status?.Replicas ?? 0);
                var proportion = RolloutArithmetic.Proportion(size, fraction, toAdd, added);
                sizes[rs.Metadata.Name] = size + proportion;
                added += proportion;
            }
            else sizes[rs.Metadata.Name] = size;
        }
        if (toAdd != 0 && all.Count > 0)
        {
            var first = all[0].Metadata.Name;
            sizes[first] = Math.Max(0, sizes[first] + toAdd - added);
        }
        foreach (var rs in all) await ScaleReplicaSetAsync(rsList, rs, sizes[rs.Metadata.Name], d, operation, ct).ConfigureAwait(false);
    }

    private static V1ReplicaSet? ActiveOrLatest(V1ReplicaSet? newRs, List<V1ReplicaSet> old)
    {
        if (newRs is null && old.Count == 0) return null;
        var active = Active(old.Append(newRs));
        return active.Count switch
        {
            0 => newRs ?? ByCreation(old).Last(),
            1 => active[0],
            _ => null,
        };
    }

    /// <summary>IsSaturated: the new ReplicaSet is at full size, was sized for this spec.replicas, and all of it is available.</summary>
    private static bool IsSaturated(V1Deployment d, V1ReplicaSet? rs)
    {
        if (rs is null) return false;
        var replicas = RolloutArithmetic.Replicas(d);
        return (rs.Spec.Replicas ?? 0) == replicas && RolloutRevisions.IntAnnotation(rs.Metadata, RolloutRevisions.DesiredReplicasAnnotation) == replicas
            && (rs.Status?.AvailableReplicas ?? 0) == replicas;
    }

    /// <summary>scaleReplicaSetAndRecordEvent: no-op at the same size, otherwise "up" or "down".</summary>
    private async Task<(bool Scaled, V1ReplicaSet Rs)> ScaleAndRecordAsync(List<V1ReplicaSet> rsList, V1ReplicaSet rs, int newScale, V1Deployment d, CancellationToken ct)
    {
        if ((rs.Spec.Replicas ?? 0) == newScale) return (false, rs);
        return await ScaleReplicaSetAsync(rsList, rs, newScale, d, (rs.Spec.Replicas ?? 0) < newScale ? "up" : "down", ct).ConfigureAwait(false);
    }

    /// <summary>scaleReplicaSet: set spec.replicas and the desired/max-replicas annotations; record "Scaled up replica set X to N from M".</summary>
    private async Task<(bool Scaled, V1ReplicaSet Rs)> ScaleReplicaSetAsync(List<V1ReplicaSet> rsList, V1ReplicaSet rs, int newScale, V1Deployment d, string operation, CancellationToken ct)
    {
        var oldScale = rs.Spec.Replicas ?? 0;
        var replicas = RolloutArithmetic.Replicas(d);
        var copy = Clone(rs);
        var annotationsChanged = RolloutRevisions.SetReplicasAnnotations(copy, replicas, replicas + RolloutArithmetic.MaxSurge(d));
        if (oldScale == newScale && !annotationsChanged) return (false, rs);
        copy.Spec.Replicas = newScale;
        var updated = await UpdateReplicaSetAsync(rsList, copy, ct).ConfigureAwait(false);
        if (oldScale != newScale)
            recorder.Normal(Reference(d), "ScalingReplicaSet", $"Scaled {operation} replica set {rs.Metadata.Name} to {newScale} from {oldScale}");
        return (oldScale != newScale, updated);
    }

    /// <summary>Writes a ReplicaSet's spec.replicas, minReadySeconds and annotations, guarded by its resourceVersion (a stale copy gets 409).</summary>
    private async Task<V1ReplicaSet> UpdateReplicaSetAsync(List<V1ReplicaSet> rsList, V1ReplicaSet rs, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = rs.Metadata.ResourceVersion,
                ["annotations"] = JsonNode.Parse(KubernetesJson.Serialize(rs.Metadata.Annotations ?? new Dictionary<string, string>())),
            },
            ["spec"] = new JsonObject { ["replicas"] = rs.Spec.Replicas ?? 0, ["minReadySeconds"] = rs.Spec.MinReadySeconds ?? 0 },
        };
        var updated = await client.AppsV1.PatchNamespacedReplicaSetAsync(new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch),
            rs.Metadata.Name, rs.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        var i = rsList.FindIndex(x => x.Metadata.Uid == updated.Metadata.Uid);
        if (i >= 0) rsList[i] = updated;
        return updated;
    }

    /// <summary>
    /// cleanupDeployment: keep at most revisionHistoryLimit old ReplicaSets; delete the lowest revisions first, but only
    /// ones that are scaled to 0, have no pods left and whose status has caught up.
    /// </summary>
    private async Task CleanupAsync(V1Deployment d, List<V1ReplicaSet> old, CancellationToken ct)
    {
        if (d.Spec.RevisionHistoryLimit is not { } limit) return;
        var cleanable = old.Where(rs => rs.Metadata.DeletionTimestamp is null).ToList();
        var diff = cleanable.Count - limit;
        if (diff <= 0) return;
        foreach (var rs in cleanable.OrderBy(rs => RolloutRevisions.Revision(rs.Metadata)).ThenBy(rs => rs.Metadata.CreationTimestamp).Take(diff))
        {
            if ((rs.Status?.Replicas ?? 0) != 0 || (rs.Spec.Replicas ?? 0) != 0 || (rs.Metadata.Generation ?? 0) > (rs.Status?.ObservedGeneration ?? 0)) continue;
            try
            {
                await client.AppsV1.DeleteNamespacedReplicaSetAsync(rs.Metadata.Name, rs.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { }
        }
    }
}
