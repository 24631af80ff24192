using System.Text.RegularExpressions;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static KubeLab.Simulator.Controllers.PersistentVolume.PersistentVolumeAnnotations;

namespace KubeLab.Simulator.Controllers.PersistentVolume;

/// <summary>
/// reclaimVolume (pv_controller.go) for a Released volume:
/// <list type="bullet">
/// <item>Retain: nothing – the volume stays Released with its claimRef (and its data) until an administrator removes the
/// claimRef (it becomes Available) or deletes it;</item>
/// <item>Delete, dynamically provisioned by an external provisioner: that provisioner deletes the storage and the PV
/// (see <see cref="Storage.LocalPathProvisioner"/>);</item>
/// <item>Delete, otherwise: the in-tree deleter of the volume's plugin. kind enables the hostPath one
/// (controller-manager <c>enable-hostpath-provisioner: "true"</c>), which only removes paths matching <c>/tmp/.+</c>
/// (pkg/volume/hostpath hostPathDeleter.Delete); a failure turns the volume Failed with the error as its message and a
/// VolumeFailedDelete event;</item>
/// <item>Recycle (deprecated): not modelled – reported as failed, as for a plugin without a recycler.</item>
/// </list>
/// </summary>
internal static partial class VolumeReclaim
{
    [GeneratedRegex("/tmp/.+")] private static partial Regex HostPathDeletable();

    public static async Task ReclaimAsync(PersistentVolumeController controller, V1PersistentVolume volume, CancellationToken ct)
    {
        if (volume.Status?.Phase == "Failed") return;
        switch (volume.Spec?.PersistentVolumeReclaimPolicy)
        {
            case "Retain":
                return;
            case "Recycle":
                const string noRecycler = "No recycler plugin found for the volume!";
                controller.VolumeEvent(volume, "Warning", VolumeFailedRecycle, noRecycler);
                await controller.SetVolumePhaseAsync(volume, "Failed", noRecycler, ct).ConfigureAwait(false);
                return;
            case "Delete":
                if (PersistentVolumeAnnotations.Annotation(volume.Metadata.Annotations, DynamicallyProvisioned) is { } by && !by.StartsWith("kubernetes.io/", StringComparison.Ordinal))
                    return; // the external provisioner deletes it
                var error = DeleterError(volume);
                if (error is not null)
                {
                    controller.VolumeEvent(volume, "Warning", VolumeFailedDelete, error);
                    await controller.SetVolumePhaseAsync(volume, "Failed", error, ct).ConfigureAwait(false);
                    return;
                }
                try { await controller.Client.CoreV1.DeletePersistentVolumeAsync(volume.Metadata.Name, cancellationToken: ct).ConfigureAwait(false); }
                catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
                return;
        }
    }

    /// <summary>Why the in-tree deleter cannot delete the volume's storage, or null when it can.</summary>
    private static string? DeleterError(V1PersistentVolume volume)
    {
        if (volume.Spec?.HostPath is { } hp)
            return HostPathDeletable().IsMatch(hp.Path ?? "") ? null : $"host_path deleter only supports /tmp/.+ but received provided {hp.Path}";
        return $"error getting deleter volume plugin for volume \"{volume.Metadata.Name}\": no deletable volume plugin matched";
    }
}
