using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.Api.Validation;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.PvProtection;

/// <summary>
/// kube-controller-manager's pv-protection controller (pkg/controller/volume/pvprotection): a PV that is being deleted keeps its
/// <c>kubernetes.io/pv-protection</c> finalizer while it is Bound (isBeingUsed = phase Bound); otherwise the finalizer goes and
/// the PV with it.
/// </summary>
public sealed class PvProtectionController
{
    private readonly IKubernetes client;
    private readonly Informer<V1PersistentVolume, V1PersistentVolumeList> volumes;
    private readonly WorkQueue queue;

    public PvProtectionController(IKubernetes client, Informer<V1PersistentVolume, V1PersistentVolumeList> volumes, TimeProvider time)
    {
        this.client = client;
        this.volumes = volumes;
        queue = new WorkQueue(time);
        volumes.AddHandler(added: Enqueue, updated: (_, v) => Enqueue(v));
    }

    private void Enqueue(V1PersistentVolume v)
    {
        if (NeedsRelease(v)) queue.Add(v.Metadata.Name);
    }

    private static bool NeedsRelease(V1PersistentVolume v) =>
        v.Metadata.DeletionTimestamp is not null && (v.Metadata.Finalizers?.Contains(StorageObjectInUseProtection.PvFinalizer) ?? false);

    public Task RunAsync(CancellationToken ct) =>
        queue.RunControllerAsync(volumes.Synced, () => volumes.List().Where(NeedsRelease).Select(v => v.Metadata.Name), 1, ReconcileAsync, [], ct);

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var pv = volumes.Get(key);
        if (pv is null || !NeedsRelease(pv) || pv.Status?.Phase == "Bound") return;
        try
        {
            // Update (pv_protection_controller.go removeFinalizer): the role grants update on persistentvolumes, not patch.
            await client.CoreV1.ReplacePersistentVolumeAsync(UpdateFromPatch.Object(pv, (string)FinalizerPatch.Without(pv.Metadata, StorageObjectInUseProtection.PvFinalizer).Content), pv.Metadata.Name,
                cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
    }
}
