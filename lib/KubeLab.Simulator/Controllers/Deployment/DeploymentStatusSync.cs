using KubeLab.Simulator.ControllerRuntime;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeLab.Simulator.Controllers.Deployment;

/// <summary>
/// How the Deployment controller writes status (sync.go syncDeploymentStatus, progress.go syncRolloutStatus /
/// requeueStuckDeployment, checkPausedConditions): computed by <see cref="DeploymentStatusModel"/>, written only when it
/// changed, and a deadline re-check queued while a rollout is still in progress.
/// </summary>
public sealed partial class DeploymentController
{
    /// <summary>sync: scaling (paused, or only spec.replicas changed) and status, without rolling anything out.</summary>
    private async Task SyncAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRs, old) = await NewAndOldAsync(d, rsList, createIfMissing: false, ct).ConfigureAwait(false);
        await ScaleAsync(d, newRs, old, rsList, ct).ConfigureAwait(false);
        (newRs, old) = FindNewAndOld(d, rsList);
        if (d.Spec.Paused == true) await CleanupAsync(d, old, ct).ConfigureAwait(false);
        await SyncStatusOnlyAsync(d, rsList, ct).ConfigureAwait(false);
    }

    private async Task SyncStatusOnlyAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRs, old) = FindNewAndOld(d, rsList);
        var status = DeploymentStatusModel.Calculate([.. old, newRs], newRs, d, Now);
        if (!SameStatus(d.Status, status)) await WriteStatusAsync(d, status, ct).ConfigureAwait(false);
    }

    /// <summary>syncRolloutStatus: counts, Available, and the Progressing condition; re-checks the deadline later if still rolling.</summary>
    private async Task SyncRolloutStatusAsync(V1Deployment d, List<V1ReplicaSet> rsList, CancellationToken ct)
    {
        var (newRs, old) = FindNewAndOld(d, rsList);
        var now = Now;
        var status = DeploymentStatusModel.Calculate([.. old, newRs], newRs, d, now);
        DeploymentStatusModel.UpdateProgressing(d, status, newRs, now);
        if (!SameStatus(d.Status, status)) await WriteStatusAsync(d, status, ct).ConfigureAwait(false);
        RequeueStuck(d, status, now);
    }

    /// <summary>requeueStuckDeployment: look again just after the progress deadline would pass.</summary>
    private void RequeueStuck(V1Deployment d, V1DeploymentStatus status, DateTime now)
    {
        var c = DeploymentStatusModel.Get(status, DeploymentStatusModel.Progressing);
        if (!DeploymentStatusModel.HasProgressDeadline(d) || c?.LastUpdateTime is not { } since) return;
        if (DeploymentStatusModel.Complete(d, status) || c.Reason == DeploymentStatusModel.ProgressDeadlineExceeded) return;
        var after = since.ToUniversalTime().AddSeconds(d.Spec.ProgressDeadlineSeconds!.Value) - now;
        queue.AddAfter(KeyOf(d), after < TimeSpan.FromSeconds(1) ? TimeSpan.FromMilliseconds(100) : after + TimeSpan.FromSeconds(1));
    }

    /// <summary>checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed, unless the deadline already passed.</summary>
    private async Task CheckPausedConditionsAsync(V1Deployment d, CancellationToken ct)
    {
        if (!DeploymentStatusModel.HasProgressDeadline(d)) return;
        var c = DeploymentStatusModel.Get(d.Status, DeploymentStatusModel.Progressing);
        if (c?.Reason == DeploymentStatusModel.ProgressDeadlineExceeded) return;
        var pausedCondition = c?.Reason == DeploymentStatusModel.DeploymentPaused;
        V1DeploymentCondition? next = null;
        if (d.Spec.Paused == true && !pausedCondition)
            next = DeploymentStatusModel.New(DeploymentStatusModel.Progressing, "Unknown", DeploymentStatusModel.DeploymentPaused, "Deployment is paused", Now);
        else if (d.Spec.Paused != true && pausedCondition)
            next = DeploymentStatusModel.New(DeploymentStatusModel.Progressing, "Unknown", DeploymentStatusModel.DeploymentResumed, "Deployment is resumed", Now);
        if (next is null) return;
        var status = CopyStatus(d);
        DeploymentStatusModel.SetCondition(status, next);
        await WriteStatusAsync(d, status, ct).ConfigureAwait(false);
    }

    private static V1DeploymentStatus CopyStatus(V1Deployment d) =>
        d.Status is null ? new V1DeploymentStatus() : KubernetesJson.Deserialize<V1DeploymentStatus>(KubernetesJson.Serialize(d.Status));

    private static bool SameStatus(V1DeploymentStatus? a, V1DeploymentStatus b) =>
        a is not null && JsonNode.DeepEquals(Normalized(a), Normalized(b));

    private static JsonNode? Normalized(V1DeploymentStatus s)
    {
        var copy = KubernetesJson.Deserialize<V1DeploymentStatus>(KubernetesJson.Serialize(s));
        foreach (var c in copy.Conditions ?? [])
        {
            c.LastUpdateTime = c.LastUpdateTime?.ToUniversalTime();
            c.LastTransitionTime = c.LastTransitionTime?.ToUniversalTime();
        }
        var node = JsonNode.Parse(KubernetesJson.Serialize(copy)) as JsonObject;
        foreach (var k in new[] { "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas" })
            if (node is not null && node[k] is null) node[k] = 0; // the API omits zero counts
        return node;
    }

    /// <summary>Replaces the status through the status subresource and keeps the local copy in step.</summary>
    private async Task WriteStatusAsync(V1Deployment d, V1DeploymentStatus status, CancellationToken ct)
    {
        var body = new JsonObject { ["status"] = JsonNode.Parse(KubernetesJson.Serialize(status)) };
        try
        {
            // UpdateStatus: system:controller:deployment-controller may update deployments/status, not patch it.
            var updated = await client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(UpdateFromPatch.Status(d, body.ToJsonString()),
                d.Metadata.Name, d.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            d.Status = updated.Status;
            d.Metadata.ResourceVersion = updated.Metadata.ResourceVersion;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { }
    }
}
