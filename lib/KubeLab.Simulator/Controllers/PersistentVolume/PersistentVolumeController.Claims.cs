using System.Text.Json.Nodes;
using k8s.Models;
using static KubeLab.Simulator.Controllers.PersistentVolume.PersistentVolumeAnnotations;

namespace KubeLab.Simulator.Controllers.PersistentVolume;

public sealed partial class PersistentVolumeController
{
    /// <summary>syncUnboundClaim (pv_controller.go).</summary>
    private async Task SyncUnboundClaimAsync(V1PersistentVolumeClaim claim, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(claim.Spec?.VolumeName))
        {
            var delayBinding = IsDelayBinding(claim, classes.Get);
            var volume = VolumeMatching.FindBestMatch(claim, volumes.List(), delayBinding);
            if (volume is not null)
            {
                await BindAsync(volume, claim, ct).ConfigureAwait(false);
                return;
            }
            if (delayBinding && claim.Metadata.Annotations?.ContainsKey(SelectedNode) != true)
                events.Normal(Ref(claim), WaitForFirstConsumer, WaitingForConsumerMessage);
            else if (VolumeMatching.ClaimClass(claim).Length > 0)
            {
                await ProvisionClaimAsync(claim, ct).ConfigureAwait(false);
                return;
            }
            else events.Normal(Ref(claim), FailedBinding, NoClassMessage);
            await UpdateClaimStatusAsync(claim, "Pending", null, ct).ConfigureAwait(false);
            return;
        }

        // The user asked for a particular volume (spec.volumeName).
        var asked = volumes.Get(claim.Spec.VolumeName);
        if (asked is null)
        {
            await UpdateClaimStatusAsync(claim, "Pending", null, ct).ConfigureAwait(false);
            return;
        }
        if (asked.Spec?.ClaimRef is null)
        {
            if (VolumeMatching.Unsatisfied(asked, claim) is { } why)
            {
                events.Warning(Ref(claim), VolumeMismatch, $"Cannot bind to requested volume \"{asked.Metadata.Name}\": {why}");
                await UpdateClaimStatusAsync(claim, "Pending", null, ct).ConfigureAwait(false);
                return;
            }
            await BindAsync(asked, claim, ct).ConfigureAwait(false);
        }
        else if (VolumeMatching.IsBoundToClaim(asked, claim)) await BindAsync(asked, claim, ct).ConfigureAwait(false);
        else await UpdateClaimStatusAsync(claim, "Pending", null, ct).ConfigureAwait(false); // the volume belongs to another claim
    }

    /// <summary>syncBoundClaim: a claim that was bound keeps checking that its volume is still there and still its own.</summary>
    private async Task SyncBoundClaimAsync(V1PersistentVolumeClaim claim, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(claim.Spec?.VolumeName))
        {
            if (claim.Status?.Phase != "Lost") events.Warning(Ref(claim), ClaimLost, ClaimLostMessage);
            await UpdateClaimStatusAsync(claim, "Lost", null, ct).ConfigureAwait(false);
            return;
        }
        var volume = volumes.Get(claim.Spec.VolumeName);
        if (volume is null)
        {
            if (claim.Status?.Phase != "Lost") events.Warning(Ref(claim), ClaimLost, ClaimLostMessage);
            await UpdateClaimStatusAsync(claim, "Lost", null, ct).ConfigureAwait(false);
            return;
        }
        if (volume.Spec?.ClaimRef is null || VolumeMatching.IsBoundToClaim(volume, claim))
        {
            await BindAsync(volume, claim, ct).ConfigureAwait(false);
            return;
        }
        if (claim.Status?.Phase != "Lost") events.Warning(Ref(claim), ClaimMisbound, ClaimMisboundMessage);
        await UpdateClaimStatusAsync(claim, "Lost", null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// provisionClaim → provisionClaimOperation: the class must exist; in-tree "kubernetes.io/…" provisioners other than the
    /// hostPath one have no plugin here; any other provisioner is external: annotate the claim with its name and wait.
    /// </summary>
    private async Task ProvisionClaimAsync(V1PersistentVolumeClaim claim, CancellationToken ct)
    {
        var className = VolumeMatching.ClaimClass(claim);
        var sc = classes.Get(className);
        if (sc is null)
        {
            events.Warning(Ref(claim), ProvisioningFailed, ClassNotFound(className));
            await UpdateClaimStatusAsync(claim, "Pending", null, ct).ConfigureAwait(false);
            return;
        }
        if (sc.Provisioner.StartsWith("kubernetes.io/", StringComparison.Ordinal))
        {
            events.Warning(Ref(claim), ProvisioningFailed, $"no volume plugin matched name: {sc.Provisioner}");
            await UpdateClaimStatusAsync(claim, "Pending", null, ct).ConfigureAwait(false);
            return;
        }
        if (PersistentVolumeAnnotations.Annotation(claim.Metadata.Annotations, StorageProvisioner) != sc.Provisioner)
            claim = await PatchClaimAsync(claim, new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["annotations"] = new JsonObject { [BetaStorageProvisioner] = sc.Provisioner, [StorageProvisioner] = sc.Provisioner },
                },
            }, ct).ConfigureAwait(false);
        events.Normal(Ref(claim), ExternalProvisioning, WaitingForProvisioner(sc.Provisioner));
        await UpdateClaimStatusAsync(claim, "Pending", null, ct).ConfigureAwait(false);
    }
}
