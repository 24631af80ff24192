using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Controllers.History;

namespace KubeLab.Simulator.Controllers.StatefulSet;

/// <summary>
/// apps/v1 StatefulSet controller ("statefulset-controller"; pkg/controller/statefulset stateful_set_control.go), one
/// reconcile per StatefulSet:
/// <list type="number">
/// <item>record the template as a ControllerRevision <c>&lt;sts&gt;-&lt;hash&gt;</c> (the update revision);</item>
/// <item>for ordinals 0..replicas−1: create the PVCs of the volumeClaimTemplates (if missing), then the pod
/// (<see cref="StatefulSetIdentity"/>); replace failed pods. With OrderedReady (the default) it stops at the first pod that
/// is not yet Running and Ready – ordinal N is only created once 0..N−1 are; with Parallel it creates them all at once;</item>
/// <item>delete surplus ordinals from the highest down – OrderedReady one at a time, waiting for each to terminate and for
/// the others to be healthy. PVCs stay (persistentVolumeClaimRetentionPolicy whenScaled: Retain) unless whenScaled is Delete;</item>
/// <item>RollingUpdate: delete the highest-ordinal pod not at the update revision (ordinals below partition are kept), one at a
/// time and only while every pod is healthy; it comes back from the new template. OnDelete: only pods deleted by hand change;</item>
/// <item>write replicas, readyReplicas, currentReplicas, updatedReplicas, availableReplicas, currentRevision, updateRevision,
/// collisionCount and observedGeneration.</item>
/// </list>
/// Pod names are fixed, so an earlier create whose result the cache has not shown yet just answers 409 AlreadyExists.
/// </summary>
public sealed class StatefulSetController
{
    public const string Component = "statefulset-controller";

    private readonly IKubernetes client;
    private readonly Informer<V1StatefulSet, V1StatefulSetList> sets;
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList> claims;
    private readonly ControllerRevisionHistory history;
    private readonly TimeProvider time;
    private readonly WorkQueue queue;
    private readonly EventRecorder recorder;

    public StatefulSetController(IKubernetes client, Informer<V1StatefulSet, V1StatefulSetList> sets, Informer<V1Pod, V1PodList> pods,
        Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList> claims, ControllerRevisionHistory history, TimeProvider time)
    {
        this.client = client;
        this.sets = sets;
        this.pods = pods;
        this.claims = claims;
        this.history = history;
        this.time = time;
        queue = new WorkQueue(time);
        recorder = new EventRecorder(client, time, Component);
        sets.AddHandler(added: s => queue.Add(Key(s)), updated: (_, s) => queue.Add(Key(s)), deleted: s => queue.Add(Key(s)));
        pods.AddHandler(added: EnqueueOwner, updated: (_, p) => EnqueueOwner(p), deleted: EnqueueOwner);
    }

    private static string Key(V1StatefulSet s) => Informer<V1StatefulSet, V1StatefulSetList>.KeyOf(s);

    private void EnqueueOwner(V1Pod pod)
    {
        if (PodFacts.ControllerOf(pod) is { Kind: "StatefulSet" } owner)
            queue.Add(Informer<V1StatefulSet, V1StatefulSetList>.KeyOf(pod.Metadata.NamespaceProperty, owner.Name));
    }

    public Task RunAsync(int workers, CancellationToken ct) =>
        queue.RunControllerAsync(Task.WhenAll(sets.Synced, pods.Synced, claims.Synced), () => sets.List().Select(Key), workers, ReconcileAsync, [recorder], ct);

    private static bool RunningAndReady(V1Pod p) => p.Status?.Phase == "Running" && PodFacts.IsReady(p);

    private static string? RevisionOf(V1Pod p) => p.Metadata.Labels?.TryGetValue(StatefulSetIdentity.RevisionLabel, out var r) == true ? r : null;

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var set = sets.Get(key);
        if (set is null || set.Metadata.DeletionTimestamp is not null || set.Spec?.Template is null) return;
        var name = set.Metadata.Name;
        var ns = set.Metadata.NamespaceProperty;

        var hash = ControllerRevisionHistory.Hash(set.Spec.Template, set.Status?.CollisionCount ?? 0);
        var revisionLabels = set.Spec.Template.Metadata?.Labels is { } tl ? new Dictionary<string, string>(tl) : new Dictionary<string, string>();
        revisionLabels["controller.kubernetes.io/hash"] = hash;
        var updateRevision = await history.EnsureAsync(set.Metadata, "StatefulSet", set.Spec.Template, hash, revisionLabels, ct).ConfigureAwait(false);
        var currentRevision = string.IsNullOrEmpty(set.Status?.CurrentRevision) ? updateRevision : set.Status.CurrentRevision;

        var owned = PodFacts.OwnedOrOrphans(pods, set.Metadata).Where(p => PodFacts.ControllerOf(p)?.Uid == set.Metadata.Uid).ToList();
        var byOrdinal = new Dictionary<int, V1Pod>();
        foreach (var p in owned)
            if (StatefulSetIdentity.Ordinal(name, p.Metadata.Name) is { } o) byOrdinal[o] = p;

        var replicas = set.Spec.Replicas ?? 1;
        await SyncPodsAsync(set, byOrdinal, replicas, updateRevision, currentRevision, ct).ConfigureAwait(false);
        await UpdateStatusAsync(set, owned, replicas, updateRevision, currentRevision, ct).ConfigureAwait(false);
        var inUse = owned.Select(RevisionOf).OfType<string>().Append(updateRevision).Append(currentRevision).ToHashSet();
        await history.TruncateAsync(set.Metadata, set.Spec.RevisionHistoryLimit ?? 10, inUse, ct).ConfigureAwait(false);
        if ((set.Spec.MinReadySeconds ?? 0) > 0) queue.AddAfter(key, TimeSpan.FromSeconds(set.Spec.MinReadySeconds!.Value));
    }

    private async Task SyncPodsAsync(V1StatefulSet set, Dictionary<int, V1Pod> byOrdinal, int replicas, string updateRevision, string currentRevision, CancellationToken ct)
    {
        var ordered = set.Spec.PodManagementPolicy != "Parallel";
        var partition = set.Spec.UpdateStrategy?.RollingUpdate?.Partition ?? 0;

        // 1. Replicas 0..replicas-1, lowest first.
        for (var i = 0; i < replicas; i++)
        {
            if (!byOrdinal.TryGetValue(i, out var pod))
            {
                // Ordinals below the partition keep the current revision; the rest get the update revision.
                var useCurrent = currentRevision != updateRevision && (set.Spec.UpdateStrategy?.Type == "OnDelete" ? false : i < partition);
                var template = useCurrent ? TemplateOfRevision(set, currentRevision) ?? set.Spec.Template : set.Spec.Template;
                await CreateClaimsAsync(set, i, ct).ConfigureAwait(false);
                await CreatePodAsync(set, StatefulSetIdentity.NewPod(set, template, useCurrent ? currentRevision : updateRevision, i), ct).ConfigureAwait(false);
                if (ordered) return;
                continue;
            }
            if (pod.Metadata.DeletionTimestamp is not null) { if (ordered) return; continue; }
            if (pod.Status?.Phase == "Failed")
            {
                await DeletePodAsync(set, pod, ct).ConfigureAwait(false); // comes back with the same name on a later sync
                if (ordered) return;
                continue;
            }
            if (ordered && !RunningAndReady(pod)) return; // "waiting for Pod to be Running and Ready"
        }

        // 2. Condemned ordinals, highest first.
        var condemned = byOrdinal.Where(kv => kv.Key >= replicas).OrderByDescending(kv => kv.Key).Select(kv => kv.Value).ToList();
        foreach (var pod in condemned)
        {
            if (pod.Metadata.DeletionTimestamp is not null) { if (ordered) return; continue; }
            if (ordered && byOrdinal.Values.Any(p => p != pod && StatefulSetIdentity.Ordinal(set.Metadata.Name, p.Metadata.Name) < replicas && !RunningAndReady(p)))
                return;
            if (set.Spec.PersistentVolumeClaimRetentionPolicy?.WhenScaled == "Delete")
                await ClaimsFollowPodAsync(set, pod, ct).ConfigureAwait(false);
            await DeletePodAsync(set, pod, ct).ConfigureAwait(false);
            if (ordered) return;
        }
        if (condemned.Count > 0) return;

        // 3. Rolling update from the highest ordinal down to the partition, one pod at a time.
        if (set.Spec.UpdateStrategy?.Type is "OnDelete") return;
        for (var target = replicas - 1; target >= partition; target--)
        {
            if (!byOrdinal.TryGetValue(target, out var pod)) return;
            if (RevisionOf(pod) != updateRevision && pod.Metadata.DeletionTimestamp is null)
            {
                await DeletePodAsync(set, pod, ct).ConfigureAwait(false);
                return;
            }
            if (!RunningAndReady(pod) || pod.Metadata.DeletionTimestamp is not null) return;
        }
    }

    private V1PodTemplateSpec? TemplateOfRevision(V1StatefulSet set, string revisionName) =>
        history.Owned(set.Metadata.NamespaceProperty, set.Metadata.Uid).FirstOrDefault(r => r.Metadata.Name == revisionName) is { } r
            ? ControllerRevisionHistory.TemplateOf(r) : null;

    private async Task CreateClaimsAsync(V1StatefulSet set, int ordinal, CancellationToken ct)
    {
        var podName = StatefulSetIdentity.PodName(set.Metadata.Name, ordinal);
        foreach (var template in set.Spec.VolumeClaimTemplates ?? [])
        {
            var claim = StatefulSetIdentity.NewClaim(set, template, ordinal);
            if (claims.Get(Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(claim)) is not null) continue;
            try
            {
                await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, set.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
                recorder.Normal(Reference(set), "SuccessfulCreate", $"create Claim {claim.Metadata.Name} Pod {podName} in StatefulSet {set.Metadata.Name} success");
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict) { }
            catch (HttpOperationException e)
            {
                recorder.Warning(Reference(set), "FailedCreate",
                    $"create Claim {claim.Metadata.Name} for Pod {podName} in StatefulSet {set.Metadata.Name} failed error: {e.Response.Content}");
                throw;
            }
        }
    }

    /// <summary>whenScaled: Delete – the claims of a condemned pod get that pod as owner, so the garbage collector removes them with it.</summary>
    private async Task ClaimsFollowPodAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        var ordinal = StatefulSetIdentity.Ordinal(set.Metadata.Name, pod.Metadata.Name)!.Value;
        foreach (var template in set.Spec.VolumeClaimTemplates ?? [])
        {
            var name = StatefulSetIdentity.ClaimName(template.Metadata.Name, set.Metadata.Name, ordinal);
            var claim = claims.Get(Informer<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>.KeyOf(set.Metadata.NamespaceProperty, name));
            if (claim is null || claim.Metadata.OwnerReferences?.Any(r => r.Uid == pod.Metadata.Uid) == true) continue;
            var refs = (claim.Metadata.OwnerReferences ?? []).Append(new V1OwnerReference
            {
                ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata.Name, Uid = pod.Metadata.Uid, BlockOwnerDeletion = true,
            }).ToList();
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["ownerReferences"] = JsonNode.Parse(KubernetesJson.Serialize(refs)) } };
            // Update (stateful_pod_control.go): the role grants update on persistentvolumeclaims, not patch.
            await client.CoreV1.ReplaceNamespacedPersistentVolumeClaimAsync(UpdateFromPatch.Object(claim, patch.ToJsonString()),
                name, set.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        }
    }

    private async Task CreatePodAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.CreateNamespacedPodAsync(pod, set.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            recorder.Normal(Reference(set), "SuccessfulCreate", $"create Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict) { }
        catch (HttpOperationException e)
        {
            recorder.Warning(Reference(set), "FailedCreate", $"create Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} failed error: {e.Response.Content}");
            throw;
        }
    }

    private async Task DeletePodAsync(V1StatefulSet set, V1Pod pod, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            recorder.Normal(Reference(set), "SuccessfulDelete", $"delete Pod {pod.Metadata.Name} in StatefulSet {set.Metadata.Name} successful");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
    }

    private async Task UpdateStatusAsync(V1StatefulSet set, List<V1Pod> owned, int replicas, string updateRevision, string currentRevision, CancellationToken ct)
    {
        var minReady = set.Spec.MinReadySeconds ?? 0;
        var now = time.GetUtcNow().UtcDateTime;
        var live = owned.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        var ready = live.Count(RunningAndReady);
        var available = live.Count(p => RunningAndReady(p) && PodFacts.IsAvailable(p, minReady, now));
        var updated = live.Count(p => RevisionOf(p) == updateRevision);
        var current = live.Count(p => RevisionOf(p) == currentRevision);
        // A finished rolling update makes the update revision current (completeRollingUpdate).
        if (set.Spec.UpdateStrategy?.Type != "OnDelete" && updated == live.Count && ready == live.Count && live.Count == replicas)
        {
            currentRevision = updateRevision;
            current = updated;
        }
        var s = set.Status;
        if (s is not null && s.Replicas == live.Count && (s.ReadyReplicas ?? 0) == ready && (s.AvailableReplicas ?? 0) == available &&
            (s.UpdatedReplicas ?? 0) == updated && (s.CurrentReplicas ?? 0) == current && s.CurrentRevision == currentRevision &&
            s.UpdateRevision == updateRevision && s.ObservedGeneration == set.Metadata.Generation) return;
        var body = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["replicas"] = live.Count, ["readyReplicas"] = ready, ["currentReplicas"] = current, ["updatedReplicas"] = updated,
                ["availableReplicas"] = available, ["currentRevision"] = currentRevision, ["updateRevision"] = updateRevision,
                ["collisionCount"] = set.Status?.CollisionCount ?? 0, ["observedGeneration"] = set.Metadata.Generation,
            },
        }.ToJsonString();
        try
        {
            // UpdateStatus (stateful_set_status_updater.go): the role grants update on statefulsets/status, not patch.
            await client.AppsV1.ReplaceNamespacedStatefulSetStatusAsync(UpdateFromPatch.Status(set, body),
                set.Metadata.Name, set.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
    }

    private static V1ObjectReference Reference(V1StatefulSet set) => EventRecorder.Reference(set.Metadata, "StatefulSet", "apps/v1");
}
