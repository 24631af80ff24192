using k8s;
using k8s.Models;
using KubeLab.Simulator.Kubelet.Managers;
using KubeLab.Simulator.Kubelet.Environment;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Storage;

namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>
/// The volumes of one pod as the kubelet's volume manager sets them up before any container starts, one file-system node per
/// <c>spec.volumes</c> entry:
/// <list type="bullet">
/// <item>emptyDir (also <c>medium: Memory</c>): a new 0777 directory per pod, shared by its containers;</item>
/// <item>hostPath: the node's directory or file from <see cref="VolumeData"/> after the <c>type</c> check (<see cref="HostPathVolume"/>);</item>
/// <item>persistentVolumeClaim: the claim must exist, not be deleting, be Bound; its PV's <c>hostPath</c> or <c>local.path</c> is that
/// directory on the PV's node (nodeAffinity kubernetes.io/hostname) or this one; other PV kinds are one cluster-wide directory per PV;</item>
/// <item>configMap, secret, downwardAPI, projected: files in the atomic-writer layout (<see cref="AtomicWriter"/>), always read-only;</item>
/// <item>nfs: a directory shared cluster-wide per server and path; any other kind: an empty directory (not modelled further).</item>
/// </list>
/// Failures throw <see cref="VolumeSetupException"/> with the kubelet's FailedMount text; the caller records it and retries.
/// </summary>
public sealed class PodVolumes
{
    private readonly Dictionary<string, PodVolume> volumes;
    private readonly IKubernetes client;
    private readonly TimeProvider time;
    private V1Pod pod;

    private PodVolumes(V1Pod pod, Dictionary<string, PodVolume> volumes, IKubernetes client, TimeProvider time)
    {
        this.pod = pod;
        this.volumes = volumes;
        this.client = client;
        this.time = time;
    }

    public IReadOnlyDictionary<string, PodVolume> Volumes => volumes;

    /// <summary>As the other overload, reading ConfigMaps and Secrets with a GET each (no kubelet watches to share).</summary>
    public static Task<PodVolumes> PrepareAsync(V1Pod pod, string nodeName, IKubernetes client, VolumeData data, TimeProvider time,
        CancellationToken ct) => PrepareAsync(pod, nodeName, client, new ApiGetConfigObjects(client), data, time, ct);

    public static async Task<PodVolumes> PrepareAsync(V1Pod pod, string nodeName, IKubernetes client, IConfigObjects objects, VolumeData data,
        TimeProvider time, CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "default";
        var prepared = new Dictionary<string, PodVolume>(StringComparer.Ordinal);
        var setUpFailures = new List<VolumeSetupException>();
        var claimFailures = new List<(string Volume, string Error)>();
        PodVolumes result = null!;
        Func<V1Pod> currentPod = () => result?.pod ?? pod;

        foreach (var v in pod.Spec?.Volumes ?? [])
        {
            try
            {
                if (v.PersistentVolumeClaim is { } claimSource)
                {
                    var (root, error) = await ClaimAsync(ns, claimSource.ClaimName, nodeName, client, data, time, ct).ConfigureAwait(false);
                    if (error is not null) claimFailures.Add((v.Name, error));
                    else prepared[v.Name] = new PodVolume(v.Name, "persistentVolumeClaim", root!, claimSource.ReadOnlyProperty == true);
                    continue;
                }
                prepared[v.Name] = await PrepareOneAsync(v, currentPod, nodeName, client, objects, data, time, ct).ConfigureAwait(false);
            }
            catch (VolumePayloads.PayloadException e) { setUpFailures.Add(VolumeSetupException.SetUpFailed(v.Name, e.Message)); }
            catch (InvalidOperationException e) { setUpFailures.Add(VolumeSetupException.SetUpFailed(v.Name, e.Message)); }
        }

        if (claimFailures.Count > 0)
        {
            // volume_manager.go WaitForAttachAndMount, reported as "Unable to attach or mount volumes: %v" once it gives up.
            var unmounted = claimFailures.Select(f => f.Volume).Concat(setUpFailures.Select(f => f.VolumeName)).Order(StringComparer.Ordinal);
            var failed = claimFailures.Select(f => f.Volume).Order(StringComparer.Ordinal);
            setUpFailures.Insert(0, new VolumeSetupException(claimFailures[0].Volume,
                $"Unable to attach or mount volumes: unmounted volumes=[{string.Join(' ', unmounted)}], unattached volumes=[], " +
                $"failed to process volumes=[{string.Join(' ', failed)}]: {string.Join("; ", claimFailures.Select(f => f.Error))}"));
        }
        if (setUpFailures.Count > 0)
        {
            setUpFailures[0].Failures = setUpFailures;
            throw setUpFailures[0];
        }
        result = new PodVolumes(pod, prepared, client, time);
        return result;
    }

    private static async Task<PodVolume> PrepareOneAsync(V1Volume v, Func<V1Pod> pod, string nodeName, IKubernetes client, IConfigObjects objects,
        VolumeData data, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var ns = pod().Metadata.NamespaceProperty ?? "default";
        if (v.EmptyDir is not null) return new PodVolume(v.Name, "emptyDir", new DirectoryNode(0x1FF) { ModifiedAt = now }, false);
        if (v.HostPath is { } hp)
            return new PodVolume(v.Name, "hostPath", HostPathVolume.Resolve(data, nodeName, hp.Path, hp.Type, now), false);
        if (v.Nfs is { } nfs)
            return new PodVolume(v.Name, "nfs", data.HostPath("nfs://" + nfs.Server, nfs.Path), nfs.ReadOnlyProperty == true);

        (string Kind, Func<CancellationToken, Task<Dictionary<string, FileProjection>>> Payload)? projection = null;
        if (v.ConfigMap is { } cm)
            projection = ("configMap", c => VolumePayloads.ConfigMapAsync(objects, ns, cm.Name, cm.Items, cm.DefaultMode, cm.Optional == true, c));
        else if (v.Secret is { } s)
            projection = ("secret", c => VolumePayloads.SecretAsync(objects, ns, s.SecretName, s.Items, s.DefaultMode, s.Optional == true, c));
        else if (v.DownwardAPI is { } d)
            projection = ("downwardAPI", c => VolumePayloads.DownwardApiAsync(pod(), d.Items, d.DefaultMode, client, nodeName, c));
        else if (v.Projected is { } p)
        {
            var tokens = new ServiceAccountTokenSource(client, time);
            projection = ("projected", c => VolumePayloads.ProjectedAsync(pod(), p, client, objects, nodeName, (sat, tc) => tokens.GetAsync(pod(), sat, tc), c));
        }
        if (projection is { } proj)
        {
            var root = new DirectoryNode(0x1FF) { ModifiedAt = now };
            var writer = new AtomicWriter(root, time);
            writer.Write(await proj.Payload(ct).ConfigureAwait(false));
            return new PodVolume(v.Name, proj.Kind, root, true, writer, proj.Payload);
        }
        return new PodVolume(v.Name, "other", new DirectoryNode(0x1FF) { ModifiedAt = now }, false);
    }

    /// <summary>desired_state_of_world_populator getPVCExtractPV + getPVSpec, with their error texts.</summary>
    private static async Task<(FileNode? Root, string? Error)> ClaimAsync(string ns, string claimName, string nodeName, IKubernetes client,
        VolumeData data, TimeProvider time, CancellationToken ct)
    {
        string Fail(string why) => $"error processing PVC {ns}/{claimName}: {why}";
        var claim = await ApiObjects.OrNull(() => client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(claimName, ns, cancellationToken: ct)).ConfigureAwait(false);
        if (claim is null) return (null, Fail($"failed to fetch PVC from API server: persistentvolumeclaims \"{claimName}\" not found"));
        if (claim.Metadata.DeletionTimestamp is not null) return (null, Fail("PVC is being deleted"));
        if (claim.Status?.Phase != "Bound") return (null, Fail("PVC is not bound"));
        var pvName = claim.Spec?.VolumeName;
        if (string.IsNullOrEmpty(pvName)) return (null, Fail("PVC has empty pvc.Spec.VolumeName"));
        var pv = await ApiObjects.OrNull(() => client.CoreV1.ReadPersistentVolumeAsync(pvName, cancellationToken: ct)).ConfigureAwait(false);
        if (pv is null) return (null, Fail($"failed to fetch PV {pvName} from API server: persistentvolumes \"{pvName}\" not found"));
        if (pv.Spec?.ClaimRef is { } r && !string.IsNullOrEmpty(r.Uid) && r.Uid != claim.Metadata.Uid)
            return (null, Fail($"The PV {pvName} is bound to a different PVC"));

        var pvNode = pv.Spec?.NodeAffinity?.Required?.NodeSelectorTerms?
            .SelectMany(t => t.MatchExpressions ?? [])
            .FirstOrDefault(e => e.Key == "kubernetes.io/hostname" && e.OperatorProperty == "In" && e.Values is { Count: > 0 })?.Values[0] ?? nodeName;
        // A failing type check here is a SetUp failure of the volume (PayloadException), not a claim-processing error.
        if (pv.Spec?.HostPath is { } hp) return (HostPathVolume.Resolve(data, pvNode, hp.Path, hp.Type, time.GetUtcNow()), null);
        if (pv.Spec?.Local?.Path is { } local) return (HostPathVolume.Resolve(data, pvNode, local, "Directory", time.GetUtcNow()), null);
        if (pv.Spec?.Nfs is { } nfs) return (data.HostPath("nfs://" + nfs.Server, nfs.Path), null);
        return (data.HostPath("", "/persistentvolumes/" + pvName), null); // network storage: the same data on every node
    }

    /// <summary>
    /// The mounts of one container (kubelet_pods.go makeMounts): each volumeMount's volume — or, with <c>subPath</c> /
    /// <c>subPathExpr</c> (expanded with <paramref name="env"/>), the node inside it — at its mountPath, read-only if the mount
    /// says so or the volume kind is always read-only. Throws <see cref="ContainerConfigException"/> as the kubelet fails the container.
    /// </summary>
    public IReadOnlyList<(string MountPath, FileNode Node, bool ReadOnly)> MountsFor(V1Container c, IReadOnlyDictionary<string, string>? env = null)
    {
        var mounts = new List<(string, FileNode, bool)>();
        foreach (var m in c.VolumeMounts ?? [])
        {
            if (!volumes.TryGetValue(m.Name, out var volume))
                throw new ContainerConfigException($"cannot find volume \"{m.Name}\" to mount into container \"{c.Name}\"");
            var subPath = m.SubPath ?? "";
            if (!string.IsNullOrEmpty(m.SubPathExpr))
                subPath = EnvExpansion.Expand(m.SubPathExpr, EnvExpansion.Lookup(env ?? new Dictionary<string, string>()));
            var node = volume.Root;
            if (subPath.Length > 0)
            {
                if (volume.Root is not DirectoryNode dir)
                    throw new ContainerConfigException($"failed to create subPath directory for volumeMount \"{m.Name}\" of container \"{c.Name}\"");
                try { node = SubPath.Resolve(dir, subPath, time.GetUtcNow()); }
                catch (Exception e) when (e is FileSystemException or InvalidOperationException)
                {
                    throw new ContainerConfigException($"failed to prepare subPath for volumeMount \"{m.Name}\" of container \"{c.Name}\"");
                }
            }
            mounts.Add((m.MountPath, node, m.ReadOnlyProperty == true || volume.AlwaysReadOnly));
        }
        return mounts;
    }

    /// <summary>
    /// The kubelet's periodic resync of configMap, secret, downwardAPI and projected volumes: re-reads the pod (for labels and
    /// annotations) and the referenced objects, and switches <c>..data</c> to a new directory where the content changed. A read that
    /// fails (e.g. the configMap was deleted) keeps the old files, as the kubelet does. Returns the names of the volumes it updated.
    /// subPath mounts keep the files they were bound to.
    /// </summary>
    public async Task<IReadOnlyList<string>> RefreshAsync(CancellationToken ct)
    {
        var fresh = await ApiObjects.OrNull(() => client.CoreV1.ReadNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty ?? "default",
            cancellationToken: ct)).ConfigureAwait(false);
        if (fresh is not null && fresh.Metadata.Uid == pod.Metadata.Uid) pod = fresh;
        var updated = new List<string>();
        foreach (var v in volumes.Values)
        {
            if (v.Writer is null || v.Payload is null) continue;
            try
            {
                if (v.Writer.Write(await v.Payload(ct).ConfigureAwait(false))) updated.Add(v.Name);
            }
            catch (VolumePayloads.PayloadException) { }
            catch (InvalidOperationException) { }
        }
        return updated;
    }
}
