using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using static KubeLab.Simulator.Controllers.PersistentVolume.PersistentVolumeAnnotations;

namespace KubeLab.Simulator.Controllers.PersistentVolume;

/// <summary>
/// kube-controller-manager's persistentvolume-binder (pkg/controller/volume/persistentvolume/pv_controller.go, 1.32): one
/// queue of claims (syncClaim: <see cref="SyncUnboundClaimAsync"/> / <see cref="SyncBoundClaimAsync"/>) and one of volumes
/// (syncVolume, <see cref="SyncVolumeAsync"/>), both re-examined every 15 s (the controller's default --pvclaimbinder-sync-period).
/// Binding writes the PV first (claimRef, phase Bound), then the claim (volumeName, annotations, phase Bound). Dynamic
/// provisioning is left to an external provisioner: the claim is annotated with its name and waits. Reclaiming is in
/// <see cref="VolumeReclaim"/>.
/// </summary>
public sealed partial class PersistentVolumeController
{
    private static readonly TimeSpan SyncPeriod = TimeSpan.FromSeconds(15);

    private readonly IKubernetes client;
    private readonly Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList> claims;
    private readonly Informer<V1PersistentVolume, V1PersistentVolumeList> volumes;
    private readonly Informer<V1StorageClass, V1StorageClassList> classes;
    private readonly TimeProvider time;
    private readonly WorkQueue queue;
    private readonly EventRecorder events;

    public PersistentVolumeController(IKubernetes client, Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList> claims,
        Informer<V1PersistentVolume, V1PersistentVolumeList> volumes, Informer<V1StorageClass, V1StorageClassList> classes, TimeProvider time)
    {
        this.client = client;
        this.claims = claims;
        this.volumes = volumes;
        this.classes = classes;
        this.time = time;
        queue = new WorkQueue(time);
        events = new EventRecorder(client, time, Component);
        claims.AddHandler(added: c => queue.Add(ClaimKey(c)), updated: (_, c) => queue.Add(ClaimKey(c)), deleted: ClaimDeleted);
        volumes.AddHandler(added: v => queue.Add(VolumeKey(v.Metadata.Name)), updated: (_, v) => queue.Add(VolumeKey(v.Metadata.Name)),
            deleted: VolumeDeleted);
    }

    private static string ClaimKey(V1PersistentVolumeClaim c) => "claim:" + Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(c);
    private static string ClaimKey(string? ns, string name) => "claim:" + Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(ns, name);
    private static string VolumeKey(string name) => "volume:" + name;

    /// <summary>deleteClaim: the volume it was bound to is re-examined (it becomes Released).</summary>
    private void ClaimDeleted(V1PersistentVolumeClaim c)
    {
        if (!string.IsNullOrEmpty(c.Spec?.VolumeName)) queue.Add(VolumeKey(c.Spec.VolumeName));
    }

    /// <summary>deleteVolume: its claim is re-examined (a bound claim becomes Lost).</summary>
    private void VolumeDeleted(V1PersistentVolume v)
    {
        if (v.Spec?.ClaimRef is { } r) queue.Add(ClaimKey(r.NamespaceProperty, r.Name));
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var resync = ResyncAsync(ct);
        await queue.RunControllerAsync(Task.WhenAll(claims.Synced, volumes.Synced, classes.Synced),
            () => volumes.List().Select(v => VolumeKey(v.Metadata.Name)).Concat(claims.List().Select(ClaimKey)), 1, ReconcileAsync, [events], ct).ConfigureAwait(false);
        await resync.ConfigureAwait(false);
    }

    /// <summary>The periodic resync: every claim and volume is looked at again (Pending claims repeat their events).</summary>
    private async Task ResyncAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(SyncPeriod, time, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            foreach (var c in claims.List().Where(c => c.Status?.Phase is null or "Pending")) queue.Add(ClaimKey(c));
            foreach (var v in volumes.List().Where(v => v.Status?.Phase != "Bound")) queue.Add(VolumeKey(v.Metadata.Name));
        }
    }

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        try
        {
            if (key.StartsWith("claim:", StringComparison.Ordinal))
            {
                var claim = claims.Get(key["claim:".Length..]);
                if (claim is null) return;
                if (claim.Metadata.Annotations?.ContainsKey(BindCompleted) == true) await SyncBoundClaimAsync(claim, ct).ConfigureAwait(false);
                else await SyncUnboundClaimAsync(claim, ct).ConfigureAwait(false);
            }
            else if (volumes.Get(key["volume:".Length..]) is { } volume) await SyncVolumeAsync(volume, ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
        {
            queue.AddAfter(key, TimeSpan.FromMilliseconds(100)); // our cache was behind: look again once it has caught up
        }
    }

    private V1StorageClass? ClassOf(V1PersistentVolumeClaim claim) =>
        VolumeMatching.ClaimClass(claim) is { Length: > 0 } name ? classes.Get(name) : null;

    /// <summary>storagehelpers.IsDelayBindingMode: the claim's class exists and is WaitForFirstConsumer.</summary>
    public static bool IsDelayBinding(V1PersistentVolumeClaim claim, Func<string, V1StorageClass?> classOf) =>
        VolumeMatching.ClaimClass(claim) is { Length: > 0 } name && classOf(name)?.VolumeBindingMode == "WaitForFirstConsumer";

    private static V1ObjectReference Ref(V1PersistentVolumeClaim c) => EventRecorder.Reference(c.Metadata, "PersistentVolumeClaim", "v1");
    private static V1ObjectReference Ref(V1PersistentVolume v) => EventRecorder.Reference(v.Metadata, "PersistentVolume", "v1");

    // ---- writes ----

    // pv_controller.go writes with Update/UpdateStatus, all that system:controller:persistent-volume-binder grants (no patch):
    // the change is applied to the cached copy and PUT, guarded by its resourceVersion (a 409 makes the sync retry).
    private Task<V1PersistentVolumeClaim> PatchClaimAsync(V1PersistentVolumeClaim c, JsonObject patch, CancellationToken ct) =>
        client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(UpdateFromPatch.Object(c, patch.ToJsonString()),
            c.Metadata.Name, c.Metadata.NamespaceProperty, cancellationToken: ct);

    private Task<V1PersistentVolume> PatchVolumeAsync(V1PersistentVolume v, JsonObject patch, CancellationToken ct) =>
        client.CoreV1.ReplacePersistentVolumeAsync(UpdateFromPatch.Object(v, patch.ToJsonString()), v.Metadata.Name, cancellationToken: ct);

    /// <summary>updateClaimStatus: phase (and, when bound, the volume's access modes and capacity).</summary>
    private async Task UpdateClaimStatusAsync(V1PersistentVolumeClaim claim, string phase, V1PersistentVolume? volume, CancellationToken ct)
    {
        if (claim.Status?.Phase == phase && (volume is null || claim.Status?.Capacity is not null)) return;
        var status = new JsonObject { ["phase"] = phase };
        if (volume is not null)
        {
            status["accessModes"] = JsonNode.Parse(KubernetesJson.Serialize(volume.Spec.AccessModes));
            status["capacity"] = JsonNode.Parse(KubernetesJson.Serialize(volume.Spec.Capacity));
        }
        await client.CoreV1.ReplaceNamespacedPersistentVolumeClaimStatusAsync(UpdateFromPatch.Status(claim, new JsonObject { ["status"] = status }.ToJsonString()),
            claim.Metadata.Name, claim.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>updateVolumePhase (with lastPhaseTransitionTime, GA in 1.31) and, for Failed, the message.</summary>
    private async Task UpdateVolumePhaseAsync(V1PersistentVolume volume, string phase, string? message, CancellationToken ct)
    {
        if (volume.Status?.Phase == phase && volume.Status?.Message == message) return;
        var status = new JsonObject { ["phase"] = phase, ["message"] = message };
        if (volume.Status?.Phase != phase) status["lastPhaseTransitionTime"] = Api.Storage.ObjectMeta.Timestamp(time.GetUtcNow());
        await client.CoreV1.ReplacePersistentVolumeStatusAsync(UpdateFromPatch.Status(volume, new JsonObject { ["status"] = status }.ToJsonString()),
            volume.Metadata.Name, cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>bind: bindVolumeToClaim, updateVolumePhase Bound, bindClaimToVolume, updateClaimStatus Bound.</summary>
    private async Task BindAsync(V1PersistentVolume volume, V1PersistentVolumeClaim claim, CancellationToken ct)
    {
        if (!VolumeMatching.IsBoundToClaim(volume, claim) || string.IsNullOrEmpty(volume.Spec.ClaimRef.Uid))
        {
            var meta = new JsonObject();
            if (volume.Spec?.ClaimRef is null) meta["annotations"] = new JsonObject { [BoundByController] = "yes" };
            volume = await PatchVolumeAsync(volume, new JsonObject
            {
                ["metadata"] = meta,
                ["spec"] = new JsonObject
                {
                    ["claimRef"] = new JsonObject
                    {
                        ["kind"] = "PersistentVolumeClaim", ["apiVersion"] = "v1", ["namespace"] = claim.Metadata.NamespaceProperty,
                        ["name"] = claim.Metadata.Name, ["uid"] = claim.Metadata.Uid, ["resourceVersion"] = claim.Metadata.ResourceVersion,
                    },
                },
            }, ct).ConfigureAwait(false);
        }
        await UpdateVolumePhaseAsync(volume, "Bound", null, ct).ConfigureAwait(false);

        if (claim.Spec?.VolumeName != volume.Metadata.Name || claim.Metadata.Annotations?.ContainsKey(BindCompleted) != true)
        {
            var annotations = new JsonObject { [BindCompleted] = "yes" };
            if (string.IsNullOrEmpty(claim.Spec?.VolumeName)) annotations[BoundByController] = "yes";
            claim = await PatchClaimAsync(claim, new JsonObject
            {
                ["metadata"] = new JsonObject { ["annotations"] = annotations },
                ["spec"] = new JsonObject { ["volumeName"] = volume.Metadata.Name },
            }, ct).ConfigureAwait(false);
        }
        await UpdateClaimStatusAsync(claim, "Bound", volume, ct).ConfigureAwait(false);
    }
}
