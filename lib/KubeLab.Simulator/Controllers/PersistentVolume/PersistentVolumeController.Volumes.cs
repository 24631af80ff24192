using k8s.Models;
using static KubeLab.Simulator.Controllers.PersistentVolume.PersistentVolumeAnnotations;

namespace KubeLab.Simulator.Controllers.PersistentVolume;

public sealed partial class PersistentVolumeController
{
    /// <summary>syncVolume (pv_controller.go): Available without a claim, Bound while its claim points back, Released once the claim is gone.</summary>
    private async Task SyncVolumeAsync(V1PersistentVolume volume, CancellationToken ct)
    {
        if (volume.Metadata.DeletionTimestamp is not null && volume.Status?.Phase != "Bound" && volume.Spec?.ClaimRef is null) return;
        var claimRef = volume.Spec?.ClaimRef;
        if (claimRef is null || string.IsNullOrEmpty(claimRef.Uid) && volume.Status?.Phase is null or "Pending" or "Available")
        {
            // Unused, or pre-bound by the user to a claim that is not bound yet.
            await UpdateVolumePhaseAsync(volume, "Available", null, ct).ConfigureAwait(false);
            if (claimRef is not null) queue.Add(ClaimKey(claimRef.NamespaceProperty, claimRef.Name));
            return;
        }
        var claim = claims.Get(Informer(claimRef.NamespaceProperty, claimRef.Name));
        if (claim is not null && !string.IsNullOrEmpty(claimRef.Uid) && claim.Metadata.Uid != claimRef.Uid) claim = null; // a new claim of the same name
        if (claim is null)
        {
            // The claim was deleted: the volume is released and then reclaimed by its policy.
            if (volume.Status?.Phase is not ("Released" or "Failed"))
            {
                await UpdateVolumePhaseAsync(volume, "Released", null, ct).ConfigureAwait(false);
                volume.Status ??= new V1PersistentVolumeStatus();
                volume.Status.Phase = "Released";
            }
            await VolumeReclaim.ReclaimAsync(this, volume, ct).ConfigureAwait(false);
            return;
        }
        if (string.IsNullOrEmpty(claim.Spec?.VolumeName))
        {
            // Pre-bound (by the user, or by a provisioner that created the PV for this claim): the claim's sync binds it.
            queue.Add(ClaimKey(claim));
            return;
        }
        if (claim.Spec.VolumeName == volume.Metadata.Name)
        {
            await UpdateVolumePhaseAsync(volume, "Bound", null, ct).ConfigureAwait(false);
            return;
        }
        // The claim is bound to another volume.
        if (volume.Metadata.Annotations?.ContainsKey(DynamicallyProvisioned) == true && volume.Spec?.PersistentVolumeReclaimPolicy == "Delete")
        {
            await VolumeReclaim.ReclaimAsync(this, volume, ct).ConfigureAwait(false);
            return;
        }
        if (volume.Metadata.Annotations?.ContainsKey(BoundByController) == true)
        {
            // unbindVolume: the controller made this binding, so it undoes it.
            var unbound = await PatchVolumeAsync(volume, new System.Text.Json.Nodes.JsonObject
            {
                ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["annotations"] = new System.Text.Json.Nodes.JsonObject { [BoundByController] = null } },
                ["spec"] = new System.Text.Json.Nodes.JsonObject { ["claimRef"] = null },
            }, ct).ConfigureAwait(false);
            await UpdateVolumePhaseAsync(unbound, "Available", null, ct).ConfigureAwait(false);
        }
    }

    private static string Informer(string? ns, string name) => ControllerRuntime.Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(ns, name);

    // What VolumeReclaim needs from the controller.
    internal Task SetVolumePhaseAsync(V1PersistentVolume volume, string phase, string? message, CancellationToken ct) =>
        UpdateVolumePhaseAsync(volume, phase, message, ct);

    internal void VolumeEvent(V1PersistentVolume volume, string type, string reason, string message) =>
        events.Record(Ref(volume), type, reason, message);

    internal k8s.IKubernetes Client => client;
}
