using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.Api.Validation;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.PvcProtection;

/// <summary>
/// kube-controller-manager's pvc-protection controller (pkg/controller/volume/pvcprotection): a claim that is being deleted
/// keeps its <c>kubernetes.io/pvc-protection</c> finalizer while a scheduled pod that has not finished (phase not Succeeded or
/// Failed) still names it in a volume; once none does, the finalizer is removed and the API server deletes the claim. Until then
/// <c>kubectl get pvc</c> shows it as Terminating.
/// </summary>
public sealed class PvcProtectionController
{
    private readonly IKubernetes client;
    private readonly Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList> claims;
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly WorkQueue queue;

    public PvcProtectionController(IKubernetes client, Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList> claims,
        Informer<V1Pod, V1PodList> pods, TimeProvider time)
    {
        this.client = client;
        this.claims = claims;
        this.pods = pods;
        queue = new WorkQueue(time);
        claims.AddHandler(added: Enqueue, updated: (_, c) => Enqueue(c));
        // A pod that goes away or finishes may release the claims it used (pvcprotection's podAddedDeletedUpdated).
        pods.AddHandler(updated: (_, p) => EnqueueClaimsOf(p), deleted: EnqueueClaimsOf);
    }

    private void Enqueue(V1PersistentVolumeClaim c)
    {
        if (NeedsRelease(c)) queue.Add(Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(c));
    }

    private void EnqueueClaimsOf(V1Pod pod)
    {
        foreach (var v in pod.Spec?.Volumes ?? [])
            if (v.PersistentVolumeClaim?.ClaimName is { } name)
                queue.Add(Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(pod.Metadata.NamespaceProperty, name));
    }

    private static bool NeedsRelease(V1PersistentVolumeClaim c) =>
        c.Metadata.DeletionTimestamp is not null && (c.Metadata.Finalizers?.Contains(StorageObjectInUseProtection.PvcFinalizer) ?? false);

    public Task RunAsync(CancellationToken ct) =>
        queue.RunControllerAsync(Task.WhenAll(claims.Synced, pods.Synced),
            () => claims.List().Where(NeedsRelease).Select(Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf), 1, ReconcileAsync, [], ct);

    /// <summary>podUsesPVC: only scheduled pods count (the kubelet refuses to start a pod whose claim is being deleted).</summary>
    public static bool InUseBy(V1Pod pod, string claimName) =>
        !string.IsNullOrEmpty(pod.Spec?.NodeName) && pod.Status?.Phase is not ("Succeeded" or "Failed") &&
        (pod.Spec.Volumes ?? []).Any(v => v.PersistentVolumeClaim?.ClaimName == claimName);

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var claim = claims.Get(key);
        if (claim is null || !NeedsRelease(claim)) return;
        if (pods.List(claim.Metadata.NamespaceProperty).Any(p => InUseBy(p, claim.Metadata.Name))) return;
        try
        {
            // Update (pvc_protection_controller.go removeFinalizer): the role grants update on persistentvolumeclaims, not patch.
            await client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(UpdateFromPatch.Object(claim, (string)FinalizerPatch.Without(claim.Metadata, StorageObjectInUseProtection.PvcFinalizer).Content),
                claim.Metadata.Name, claim.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
    }
}
