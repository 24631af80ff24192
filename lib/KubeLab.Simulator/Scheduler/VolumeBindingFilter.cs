using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Controllers.PersistentVolume;
using static KubeLab.Simulator.Controllers.PersistentVolume.PersistentVolumeAnnotations;

namespace KubeLab.Simulator.Scheduler;

/// <summary>
/// kube-scheduler 1.32's volume plugins (pkg/scheduler/framework/plugins/volumebinding and volumerestrictions):
/// <list type="bullet">
/// <item>PreFilter: every claim the pod names must exist and not be deleting; an unbound claim of a class that is not
/// WaitForFirstConsumer makes the pod wait ("pod has unbound immediate PersistentVolumeClaims") – the PV controller binds those;</item>
/// <item>Filter: a bound claim's PV must allow the node (its node affinity); an unbound WaitForFirstConsumer claim needs a static
/// PV that matches on this node or a class with a provisioner; a ReadWriteOncePod claim already used by another pod rejects
/// every node (VolumeRestrictions);</item>
/// <item>PreBind (<see cref="PreBindAsync"/>): for unbound WaitForFirstConsumer claims, pre-bind the matching static PV (its
/// claimRef) or set <c>volume.kubernetes.io/selected-node</c> on the claim for the provisioner, then wait (up to the 600 s
/// bind timeout) until every claim is Bound; only then is the pod bound to the node.</item>
/// </list>
/// </summary>
public sealed class VolumeBindingFilter(IKubernetes client, Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList> claims,
    Informer<V1PersistentVolume, V1PersistentVolumeList> volumes, Informer<V1StorageClass, V1StorageClassList> classes,
    Informer<V1Pod, V1PodList> pods, TimeProvider time)
{
    /// <summary>kube-scheduler 1.32's reason texts for these plugins.</summary>
    public const string ConflictReason = "node(s) had volume node affinity conflict";
    public const string UnboundImmediateReason = "pod has unbound immediate PersistentVolumeClaims";
    public const string NoVolumeReason = "node(s) didn't find available persistent volumes to bind";
    public const string ReadWriteOncePodReason = "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode";

    /// <summary>volumebinding's default --bind-timeout-seconds.</summary>
    public static readonly TimeSpan BindTimeout = TimeSpan.FromSeconds(600);

    private V1PersistentVolumeClaim? Claim(V1Pod pod, string name) =>
        claims.Get(Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(pod.Metadata.NamespaceProperty, name));

    /// <summary>Most pods mount no claim: the filters run for every pod on every node, so they return at once without allocating.</summary>
    // Runs for every node of every scheduling cycle: indexed, since a foreach over the IList boxed an enumerator each time (~40 MB per 10,000 pods).
    private static bool HasClaims(V1Pod pod)
    {
        if (pod.Spec?.Volumes is not { } volumes) return false;
        for (var i = 0; i < volumes.Count; i++)
            if (volumes[i].PersistentVolumeClaim?.ClaimName is not null) return true;
        return false;
    }

    private static IEnumerable<string> ClaimNames(V1Pod pod) =>
        (pod.Spec?.Volumes ?? []).Select(v => v.PersistentVolumeClaim?.ClaimName).OfType<string>().Distinct();

    private bool DelayBinding(V1PersistentVolumeClaim c) => PersistentVolumeController.IsDelayBinding(c, classes.Get);

    private static bool Bound(V1PersistentVolumeClaim c) => !string.IsNullOrEmpty(c.Spec?.VolumeName);

    /// <summary>PreFilter: the message that makes the pod unschedulable on every node, or null.</summary>
    public string? PreFilter(V1Pod pod)
    {
        if (!HasClaims(pod)) return null;
        foreach (var name in ClaimNames(pod))
        {
            var claim = Claim(pod, name);
            if (claim is null) return $"persistentvolumeclaim \"{name}\" not found";
            if (claim.Metadata.DeletionTimestamp is not null) return $"persistentvolumeclaim \"{name}\" is being deleted";
        }
        foreach (var name in ClaimNames(pod))
            if (Claim(pod, name) is { } c && !Bound(c) && !DelayBinding(c)) return UnboundImmediateReason;
        return null;
    }

    /// <summary>Filter: why the node cannot take the pod's volumes, or null.</summary>
    public string? Filter(V1Pod pod, V1Node node)
    {
        if (!HasClaims(pod)) return null;
        if (ReadWriteOncePodConflict(pod)) return ReadWriteOncePodReason;
        foreach (var name in ClaimNames(pod))
        {
            if (Claim(pod, name) is not { } claim) continue;
            if (Bound(claim))
            {
                if (volumes.Get(claim.Spec!.VolumeName) is { } pv && !VolumeMatching.NodeAffinityAllows(pv, node)) return ConflictReason;
                continue;
            }
            if (!DelayBinding(claim)) continue;
            if (VolumeMatching.FindBestMatch(claim, volumes.List(), true, node) is not null) continue;
            var provisioner = classes.Get(VolumeMatching.ClaimClass(claim))?.Provisioner;
            if (provisioner is null or "kubernetes.io/no-provisioner") return NoVolumeReason;
        }
        return null;
    }

    /// <summary>VolumeRestrictions: another pod that has not finished already uses one of this pod's ReadWriteOncePod claims.</summary>
    private bool ReadWriteOncePodConflict(V1Pod pod)
    {
        var rwop = ClaimNames(pod).Where(n => Claim(pod, n)?.Spec?.AccessModes?.Contains("ReadWriteOncePod") == true).ToHashSet();
        if (rwop.Count == 0) return false;
        return pods.List(pod.Metadata.NamespaceProperty).Any(p => p.Metadata.Uid != pod.Metadata.Uid && !string.IsNullOrEmpty(p.Spec?.NodeName) &&
            p.Status?.Phase is not ("Succeeded" or "Failed") && ClaimNames(p).Any(rwop.Contains));
    }

    /// <summary>Whether binding the pod must wait for volumes (it has unbound WaitForFirstConsumer claims).</summary>
    public bool NeedsPreBind(V1Pod pod) => HasClaims(pod) && ClaimNames(pod).Any(n => Claim(pod, n) is { } c && !Bound(c));

    /// <summary>PreBind (BindPodVolumes): pre-bind static PVs / ask for provisioning on <paramref name="nodeName"/>, then wait for Bound.</summary>
    public async Task PreBindAsync(V1Pod pod, V1Node node, CancellationToken ct)
    {
        foreach (var name in ClaimNames(pod))
        {
            if (Claim(pod, name) is not { } claim || Bound(claim) || !DelayBinding(claim)) continue;
            if (VolumeMatching.FindBestMatch(claim, volumes.List(), true, node) is { } pv)
            {
                if (VolumeMatching.IsBoundToClaim(pv, claim)) continue;
                var patch = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [BoundByController] = "yes" } },
                    ["spec"] = new JsonObject
                    {
                        ["claimRef"] = new JsonObject
                        {
                            ["kind"] = "PersistentVolumeClaim", ["apiVersion"] = "v1", ["namespace"] = claim.Metadata.NamespaceProperty,
                            ["name"] = claim.Metadata.Name, ["uid"] = claim.Metadata.Uid, ["resourceVersion"] = claim.Metadata.ResourceVersion,
                        },
                    },
                };
                await client.CoreV1.PatchPersistentVolumeAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), pv.Metadata.Name,
                    cancellationToken: ct).ConfigureAwait(false);
            }
            else if (PersistentVolumeAnnotations.Annotation(claim.Metadata.Annotations, SelectedNode) != node.Metadata.Name)
            {
                var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [SelectedNode] = node.Metadata.Name } } };
                await client.CoreV1.PatchNamespacedPersistentVolumeClaimAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
                    claim.Metadata.Name, claim.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            }
        }
        // checkBindings, polled every second until the claims are bound (the PV controller and provisioner do the work).
        var deadline = time.GetUtcNow() + BindTimeout;
        while (ClaimNames(pod).Any(n => Claim(pod, n) is not { Status.Phase: "Bound" }))
        {
            if (time.GetUtcNow() >= deadline) throw new TimeoutException("binding volumes: context deadline exceeded");
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct).ConfigureAwait(false);
        }
    }
}
