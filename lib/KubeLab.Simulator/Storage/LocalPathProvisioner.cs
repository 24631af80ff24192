using KubeLab.Simulator.Controllers.PersistentVolume;
using System.Collections.Concurrent;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using static KubeLab.Simulator.Controllers.PersistentVolume.PersistentVolumeAnnotations;

namespace KubeLab.Simulator.Storage;

/// <summary>
/// kind's external provisioner for the <c>standard</c> class: rancher local-path-provisioner v0.0.30 (kind v0.25) on top of
/// sig-storage-lib-external-provisioner. It only creates and deletes volumes; the persistentvolume-controller binds them.
/// <list type="bullet">
/// <item>It takes claims the PV controller annotated with its name (<c>volume.kubernetes.io/storage-provisioner</c>) that have
/// no volume yet; for a WaitForFirstConsumer class only once the scheduler set <c>volume.kubernetes.io/selected-node</c>.</item>
/// <item>local-path's Provision refuses a selector ("claim.Spec.Selector is not supported"), access modes other than RWO/RWOP
/// ("NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes") and a claim without a node – what an
/// <c>Immediate</c> class gives it ("configuration error, no node was specified"); the library reports each as
/// <c>ProvisioningFailed</c> "failed to provision volume with StorageClass …" and retries with back-off.</item>
/// <item>Otherwise it creates PV <c>pvc-&lt;claim uid&gt;</c>: pre-bound to the claim, a hostPath
/// <c>/var/local-path-provisioner/pvc-&lt;uid&gt;_&lt;ns&gt;_&lt;claim&gt;</c> on that node (the directory exists at once; the
/// helper pod that creates it is not modelled, its second is), node affinity to the node, the class's reclaim policy.</item>
/// <item>A Released volume it provisioned with reclaim policy Delete: the directory is removed and the PV deleted.</item>
/// </list>
/// </summary>
public sealed class LocalPathProvisioner
{
    public const string ProvisionerName = "rancher.io/local-path";
    private const string ProvisionerComponent = "rancher.io/local-path_local-path-provisioner-7dc846544d-kubelab";
    public const string BasePath = "/var/local-path-provisioner";

    /// <summary>The library's default number of workers (DefaultThreadiness): four volumes are provisioned at a time.</summary>
    private const int Threadiness = 4;

    /// <summary>How long local-path's helper pod takes to create or remove the directory on the node.</summary>
    public static readonly TimeSpan HelperPodDuration = TimeSpan.FromSeconds(1);

    private readonly IKubernetes client;
    private readonly Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList> claims;
    private readonly Informer<V1PersistentVolume, V1PersistentVolumeList> volumes;
    private readonly Informer<V1StorageClass, V1StorageClassList> classes;
    private readonly VolumeData? data;
    private readonly TimeProvider time;
    private readonly WorkQueue queue;
    private readonly EventRecorder events;
    private readonly ConcurrentDictionary<string, int> failures = new();

    public LocalPathProvisioner(IKubernetes client, Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList> claims,
        Informer<V1PersistentVolume, V1PersistentVolumeList> volumes, Informer<V1StorageClass, V1StorageClassList> classes, TimeProvider time,
        VolumeData? data = null)
    {
        this.client = client;
        this.claims = claims;
        this.volumes = volumes;
        this.classes = classes;
        this.data = data;
        this.time = time;
        queue = new WorkQueue(time);
        events = new EventRecorder(client, time, ProvisionerComponent);
        claims.AddHandler(added: c => queue.Add("claim:" + Key(c)), updated: (_, c) => queue.Add("claim:" + Key(c)));
        volumes.AddHandler(added: v => queue.Add("volume:" + v.Metadata.Name), updated: (_, v) => queue.Add("volume:" + v.Metadata.Name));
    }

    private static string Key(V1PersistentVolumeClaim c) => Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(c);

    public Task RunAsync(CancellationToken ct) =>
        queue.RunControllerAsync(Task.WhenAll(claims.Synced, volumes.Synced, classes.Synced),
            () => claims.List().Select(c => "claim:" + Key(c)).Concat(volumes.List().Select(v => "volume:" + v.Metadata.Name)), Threadiness, ReconcileAsync, [events], ct);

    private Task ReconcileAsync(string key, CancellationToken ct) =>
        key.StartsWith("claim:", StringComparison.Ordinal)
            ? (claims.Get(key["claim:".Length..]) is { } c ? ProvisionAsync(key, c, ct) : Task.CompletedTask)
            : (volumes.Get(key["volume:".Length..]) is { } v ? DeleteAsync(v, ct) : Task.CompletedTask);

    /// <summary>shouldProvision (the library) then Provision (local-path).</summary>
    private async Task ProvisionAsync(string key, V1PersistentVolumeClaim claim, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(claim.Spec?.VolumeName) || claim.Metadata.DeletionTimestamp is not null) return;
        var annotations = claim.Metadata.Annotations ?? new Dictionary<string, string>();
        if ((PersistentVolumeAnnotations.Annotation(annotations, StorageProvisioner) ?? PersistentVolumeAnnotations.Annotation(annotations, BetaStorageProvisioner)) != ProvisionerName) return;
        var sc = claim.Spec?.StorageClassName is { Length: > 0 } scName ? classes.Get(scName) : null;
        if (sc is null || sc.Provisioner != ProvisionerName) return;
        var node = PersistentVolumeAnnotations.Annotation(annotations, SelectedNode);
        if (sc.VolumeBindingMode == "WaitForFirstConsumer" && node is null) return;
        var name = $"pvc-{claim.Metadata.Uid}";
        if (volumes.Get(name) is not null) return;

        events.Normal(Reference(claim), "Provisioning", $"External provisioner is provisioning volume for claim \"{claim.Metadata.NamespaceProperty}/{claim.Metadata.Name}\"");
        if (Refusal(claim, node) is { } refusal)
        {
            events.Warning(Reference(claim), "ProvisioningFailed", $"failed to provision volume with StorageClass \"{sc.Metadata.Name}\": {refusal}");
            // The library's exponential back-off for failed provisioning (15 s doubling; capped here at 5 min).
            var n = failures.AddOrUpdate(key, 1, (_, x) => x + 1);
            queue.AddAfter(key, TimeSpan.FromSeconds(Math.Min(300, 15 * Math.Pow(2, n - 1))));
            return;
        }
        failures.TryRemove(key, out _);
        await Task.Delay(HelperPodDuration, time, ct).ConfigureAwait(false);
        var pv = LocalVolume(claim, sc, node!, name);
        data?.HostPath(node!, pv.Spec.HostPath.Path);
        try { await client.CoreV1.CreatePersistentVolumeAsync(pv, cancellationToken: ct).ConfigureAwait(false); }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict) { return; }
        events.Normal(Reference(claim), "ProvisioningSucceeded", $"Successfully provisioned volume {name}");
    }

    /// <summary>local-path's Provision checks (provisioner.go), for a claim on a node-local (not shared) path.</summary>
    public static string? Refusal(V1PersistentVolumeClaim claim, string? node)
    {
        if (claim.Spec?.Selector is not null) return "claim.Spec.Selector is not supported";
        if ((claim.Spec?.AccessModes ?? []).Any(m => m is not ("ReadWriteOnce" or "ReadWriteOncePod")))
            return "NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes";
        if (node is null) return "configuration error, no node was specified";
        return null;
    }

    private static V1PersistentVolume LocalVolume(V1PersistentVolumeClaim claim, V1StorageClass sc, string node, string name)
    {
        var ns = claim.Metadata.NamespaceProperty;
        return new V1PersistentVolume
        {
            ApiVersion = "v1", Kind = "PersistentVolume",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Annotations = new Dictionary<string, string>
                {
                    ["local.path.provisioner/selected-node"] = node,
                    [DynamicallyProvisioned] = ProvisionerName,
                },
            },
            Spec = new V1PersistentVolumeSpec
            {
                AccessModes = claim.Spec?.AccessModes?.ToList() ?? ["ReadWriteOnce"],
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = claim.Spec!.Resources!.Requests!["storage"] },
                ClaimRef = new V1ObjectReference
                {
                    ApiVersion = "v1", Kind = "PersistentVolumeClaim", Name = claim.Metadata.Name, NamespaceProperty = ns,
                    Uid = claim.Metadata.Uid, ResourceVersion = claim.Metadata.ResourceVersion,
                },
                HostPath = new V1HostPathVolumeSource { Path = $"{BasePath}/{name}_{ns}_{claim.Metadata.Name}", Type = "DirectoryOrCreate" },
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
    }

    /// <summary>shouldDelete (the library): Released, reclaim Delete, provisioned by us; then local-path's Delete and the PV.</summary>
    private async Task DeleteAsync(V1PersistentVolume pv, CancellationToken ct)
    {
        if (pv.Status?.Phase != "Released" || pv.Spec?.PersistentVolumeReclaimPolicy != "Delete" || pv.Metadata.DeletionTimestamp is not null) return;
        if (PersistentVolumeAnnotations.Annotation(pv.Metadata.Annotations, DynamicallyProvisioned) != ProvisionerName) return;
        await Task.Delay(HelperPodDuration, time, ct).ConfigureAwait(false);
        if (data is not null && pv.Spec.HostPath?.Path is { } path && PersistentVolumeAnnotations.Annotation(pv.Metadata.Annotations, "local.path.provisioner/selected-node") is { } node)
            data.Remove(node, path);
        try { await client.CoreV1.DeletePersistentVolumeAsync(pv.Metadata.Name, cancellationToken: ct).ConfigureAwait(false); }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
    }

    private static V1ObjectReference Reference(V1PersistentVolumeClaim c) => EventRecorder.Reference(c.Metadata, "PersistentVolumeClaim", "v1");
}
