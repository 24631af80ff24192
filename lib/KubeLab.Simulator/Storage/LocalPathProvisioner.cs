using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Storage;

/// <summary>
/// What kind does for PVCs of its default StorageClass <c>standard</c> (provisioner <c>rancher.io/local-path</c>,
/// volumeBindingMode WaitForFirstConsumer, reclaimPolicy Delete) – the persistentvolume-controller and the local-path
/// provisioner together, one reconcile per claim:
/// <list type="bullet">
/// <item>no pod uses the claim yet: it stays Pending, with the event <c>WaitForFirstConsumer</c>
/// "waiting for first consumer to be created before binding";</item>
/// <item>a pod using it has been scheduled to a node: create PV <c>pvc-&lt;claim uid&gt;</c> (capacity = the request, the claim's
/// access modes, claimRef, a hostPath under /var/local-path-provisioner, node affinity to that node), then bind: the claim gets
/// spec.volumeName and phase Bound, the PV phase Bound;</item>
/// <item>the claim is deleted: its PV (reclaimPolicy Delete) is deleted too.</item>
/// </list>
/// Claims of other classes are left alone (they stay Pending, as with no provisioner).
/// </summary>
public sealed class LocalPathProvisioner
{
    public const string ProvisionerName = "rancher.io/local-path";
    private const string ControllerComponent = "persistentvolume-controller";
    private const string ProvisionerComponent = "rancher.io/local-path_local-path-provisioner-7dc846544d-kubelab";

    private readonly IKubernetes client;
    private readonly Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList> claims;
    private readonly Informer<V1PersistentVolume, V1PersistentVolumeList> volumes;
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly Informer<V1StorageClass, V1StorageClassList> classes;
    private readonly WorkQueue queue;
    private readonly EventRecorder controllerEvents;
    private readonly EventRecorder provisionerEvents;
    private readonly HashSet<string> waitingReported = new();

    public LocalPathProvisioner(IKubernetes client, Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList> claims,
        Informer<V1PersistentVolume, V1PersistentVolumeList> volumes, Informer<V1Pod, V1PodList> pods,
        Informer<V1StorageClass, V1StorageClassList> classes, TimeProvider time)
    {
        this.client = client;
        this.claims = claims;
        this.volumes = volumes;
        this.pods = pods;
        this.classes = classes;
        queue = new WorkQueue(time);
        controllerEvents = new EventRecorder(client, time, ControllerComponent);
        provisionerEvents = new EventRecorder(client, time, ProvisionerComponent);
        claims.AddHandler(added: c => queue.Add(Key(c)), updated: (_, c) => queue.Add(Key(c)), deleted: c => queue.Add(Key(c)));
        pods.AddHandler(added: EnqueueClaimsOf, updated: (_, p) => EnqueueClaimsOf(p));
        volumes.AddHandler(updated: (_, v) =>
        {
            if (v.Spec?.ClaimRef is { } r) queue.Add(Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(r.NamespaceProperty, r.Name));
        });
    }

    private static string Key(V1PersistentVolumeClaim c) => Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(c);

    private void EnqueueClaimsOf(V1Pod pod)
    {
        if (string.IsNullOrEmpty(pod.Spec?.NodeName)) return;
        foreach (var v in pod.Spec.Volumes ?? [])
            if (v.PersistentVolumeClaim?.ClaimName is { } name)
                queue.Add(Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(pod.Metadata.NamespaceProperty, name));
    }

    public Task RunAsync(CancellationToken ct) =>
        queue.RunControllerAsync(Task.WhenAll(claims.Synced, volumes.Synced, pods.Synced, classes.Synced), () => claims.List().Select(Key), 1, ReconcileAsync,
            [controllerEvents, provisionerEvents], ct);

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var claim = claims.Get(key);
        if (claim is null || claim.Metadata.DeletionTimestamp is not null)
        {
            await ReclaimAsync(key, ct).ConfigureAwait(false);
            return;
        }
        if (!string.IsNullOrEmpty(claim.Spec?.VolumeName))
        {
            if (claim.Status?.Phase != "Bound" && volumes.Get(claim.Spec.VolumeName) is { } bound)
                await MarkBoundAsync(claim, bound, ct).ConfigureAwait(false);
            return;
        }
        var sc = claim.Spec?.StorageClassName is { Length: > 0 } scName ? classes.Get(scName) : null;
        if (sc is null || sc.Provisioner != ProvisionerName) return;

        var consumer = pods.List(claim.Metadata.NamespaceProperty).FirstOrDefault(p =>
            p.Metadata.DeletionTimestamp is null && !string.IsNullOrEmpty(p.Spec?.NodeName) &&
            (p.Spec.Volumes ?? []).Any(v => v.PersistentVolumeClaim?.ClaimName == claim.Metadata.Name));
        if (consumer is null)
        {
            if (sc.VolumeBindingMode == "WaitForFirstConsumer" && waitingReported.Add(claim.Metadata.Uid))
                controllerEvents.Normal(Reference(claim), "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
            return;
        }
        await ProvisionAsync(claim, sc, consumer.Spec.NodeName, ct).ConfigureAwait(false);
    }

    private async Task ProvisionAsync(V1PersistentVolumeClaim claim, V1StorageClass sc, string node, CancellationToken ct)
    {
        var ns = claim.Metadata.NamespaceProperty;
        var name = $"pvc-{claim.Metadata.Uid}";
        controllerEvents.Normal(Reference(claim), "ExternalProvisioning",
            $"Waiting for a volume to be created either by the external provisioner '{ProvisionerName}' or manually by the system administrator. " +
            "If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
        provisionerEvents.Normal(Reference(claim), "Provisioning", $"External provisioner is provisioning volume for claim \"{ns}/{claim.Metadata.Name}\"");
        var pv = volumes.Get(name) ?? await CreateVolumeAsync(claim, sc, node, name, ct).ConfigureAwait(false);
        provisionerEvents.Normal(Reference(claim), "ProvisioningSucceeded", $"Successfully provisioned volume {name}");

        // Bind: the claim points at the volume, then both report Bound (pv_controller bindVolumeToClaim / bindClaimToVolume).
        var claimPatch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["annotations"] = new JsonObject
                {
                    ["pv.kubernetes.io/bind-completed"] = "yes", ["pv.kubernetes.io/bound-by-controller"] = "yes",
                    ["volume.beta.kubernetes.io/storage-provisioner"] = ProvisionerName, ["volume.kubernetes.io/storage-provisioner"] = ProvisionerName,
                    ["volume.kubernetes.io/selected-node"] = node,
                },
            },
            ["spec"] = new JsonObject { ["volumeName"] = name },
        };
        var updated = await client.CoreV1.PatchNamespacedPersistentVolumeClaimAsync(new V1Patch(claimPatch.ToJsonString(), V1Patch.PatchType.MergePatch),
            claim.Metadata.Name, ns, cancellationToken: ct).ConfigureAwait(false);
        await MarkBoundAsync(updated, pv, ct).ConfigureAwait(false);
    }

    private async Task<V1PersistentVolume> CreateVolumeAsync(V1PersistentVolumeClaim claim, V1StorageClass sc, string node, string name, CancellationToken ct)
    {
        var ns = claim.Metadata.NamespaceProperty;
        var storage = claim.Spec?.Resources?.Requests?.TryGetValue("storage", out var q) == true ? q : new ResourceQuantity("1Gi");
        var pv = new V1PersistentVolume
        {
            ApiVersion = "v1", Kind = "PersistentVolume",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Annotations = new Dictionary<string, string>
                {
                    ["local.path.provisioner/selected-node"] = node,
                    ["pv.kubernetes.io/provisioned-by"] = ProvisionerName,
                },
            },
            Spec = new V1PersistentVolumeSpec
            {
                AccessModes = claim.Spec?.AccessModes?.ToList() ?? ["ReadWriteOnce"],
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = storage },
                ClaimRef = new V1ObjectReference
                {
                    ApiVersion = "v1", Kind = "PersistentVolumeClaim", Name = claim.Metadata.Name, NamespaceProperty = ns,
                    Uid = claim.Metadata.Uid, ResourceVersion = claim.Metadata.ResourceVersion,
                },
                HostPath = new V1HostPathVolumeSource { Path = $"/var/local-path-provisioner/{name}_{ns}_{claim.Metadata.Name}", Type = "DirectoryOrCreate" },
                NodeAffinity = new V1VolumeNodeAffinity
                {
                    Required = new V1NodeSelector
                    {
                        NodeSelectorTerms = [new V1NodeSelectorTerm
                        {
                            MatchExpressions = [new V1NodeSelectorRequirement { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = [node] }],
                        }],
                    },
                },
                PersistentVolumeReclaimPolicy = sc.ReclaimPolicy ?? "Delete",
                StorageClassName = sc.Metadata.Name,
                VolumeMode = claim.Spec?.VolumeMode ?? "Filesystem",
            },
        };
        try { return await client.CoreV1.CreatePersistentVolumeAsync(pv, cancellationToken: ct).ConfigureAwait(false); }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            return await client.CoreV1.ReadPersistentVolumeAsync(name, cancellationToken: ct).ConfigureAwait(false);
        }
    }

    private async Task MarkBoundAsync(V1PersistentVolumeClaim claim, V1PersistentVolume pv, CancellationToken ct)
    {
        var pvStatus = new JsonObject { ["status"] = new JsonObject { ["phase"] = "Bound" } };
        await client.CoreV1.PatchPersistentVolumeStatusAsync(new V1Patch(pvStatus.ToJsonString(), V1Patch.PatchType.MergePatch),
            pv.Metadata.Name, cancellationToken: ct).ConfigureAwait(false);
        var claimStatus = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["phase"] = "Bound",
                ["accessModes"] = JsonNode.Parse(KubernetesJson.Serialize(pv.Spec.AccessModes)),
                ["capacity"] = JsonNode.Parse(KubernetesJson.Serialize(pv.Spec.Capacity)),
            },
        };
        await client.CoreV1.PatchNamespacedPersistentVolumeClaimStatusAsync(new V1Patch(claimStatus.ToJsonString(), V1Patch.PatchType.MergePatch),
            claim.Metadata.Name, claim.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>reclaimPolicy Delete: once its claim is gone, the provisioned volume is deleted.</summary>
    private async Task ReclaimAsync(string claimKey, CancellationToken ct)
    {
        foreach (var pv in volumes.List())
        {
            var r = pv.Spec?.ClaimRef;
            if (r is null || Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(r.NamespaceProperty, r.Name) != claimKey) continue;
            if (claims.Get(claimKey) is { } live && live.Metadata.Uid == r.Uid && live.Metadata.DeletionTimestamp is null) continue;
            if (pv.Spec!.PersistentVolumeReclaimPolicy != "Delete" || pv.Metadata.DeletionTimestamp is not null) continue;
            try { await client.CoreV1.DeletePersistentVolumeAsync(pv.Metadata.Name, cancellationToken: ct).ConfigureAwait(false); }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
        }
    }

    private static V1ObjectReference Reference(V1PersistentVolumeClaim c) => EventRecorder.Reference(c.Metadata, "PersistentVolumeClaim", "v1");
}
