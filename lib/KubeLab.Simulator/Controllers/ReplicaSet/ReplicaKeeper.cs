using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.Api;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.ReplicaSet;

/// <summary>The replica counts an owner reports in its status.</summary>
public sealed record ReplicaCounts(int Replicas, int FullyLabeledReplicas, int ReadyReplicas, int AvailableReplicas, long? ObservedGeneration);

/// <summary>
/// Keeping N copies of a pod template running – the logic ReplicaSets and ReplicationControllers share
/// (kube-controller-manager runs the ReplicationController through the ReplicaSet code too; only the selector differs).
/// One level-triggered reconcile per owner key (pkg/controller/replicaset/replica_set.go syncReplicaSet):
/// <list type="number">
/// <item>take the active pods of the namespace; claim those matching the selector: keep owned ones, adopt orphans
/// (add a controller ownerReference), release owned pods whose labels no longer match (remove it);</item>
/// <item>if earlier creations/deletions have been observed (expectations), create missing pods in slow-start batches
/// 1, 2, 4, … or delete surplus ones in <see cref="PodDeletionRanking"/> order (co-location counted over the related pods of
/// all ReplicaSets with the same controller);</item>
/// <item>write replicas / fullyLabeledReplicas / readyReplicas / availableReplicas / observedGeneration to the status subresource.</item>
/// </list>
/// </summary>
public abstract class ReplicaKeeper<TOwner, TOwnerList>
    where TOwner : class, IKubernetesObject<V1ObjectMeta>
    where TOwnerList : class, IKubernetesObject<V1ListMeta>, IItems<TOwner>
{
    /// <summary>kube-controller-manager's burstReplicas: at most this many creations/deletions per sync.</summary>
    public const int BurstReplicas = 500;

    private readonly Informer<TOwner, TOwnerList> owners;
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly WorkQueue queue;
    private readonly ControllerExpectations expectations;

    protected ReplicaKeeper(IKubernetes client, Informer<TOwner, TOwnerList> owners, Informer<V1Pod, V1PodList> pods, TimeProvider time, string component)
    {
        Client = client;
        Time = time;
        this.owners = owners;
        this.pods = pods;
        queue = new WorkQueue(time);
        expectations = new ControllerExpectations(time);
        Recorder = new EventRecorder(client, time, component);
        owners.AddHandler(added: o => queue.Add(KeyOf(o)), updated: (_, o) => queue.Add(KeyOf(o)),
            deleted: o => { expectations.Forget(KeyOf(o)); queue.Add(KeyOf(o)); });
        pods.AddHandler(added: PodAdded, updated: PodUpdated, deleted: PodDeleted);
        pods.AddIndex(ReplicaPodRow.Index, PodFacts.ControllerUidIndexValue, ReplicaPodRow.Of);
    }

    protected IKubernetes Client { get; }
    protected TimeProvider Time { get; }
    protected EventRecorder Recorder { get; }

    protected abstract string Kind { get; }
    protected abstract string ApiVersion { get; }
    protected abstract LabelSelector SelectorOf(TOwner owner);
    protected abstract int DesiredReplicas(TOwner owner);
    protected abstract V1PodTemplateSpec? TemplateOf(TOwner owner);
    protected abstract int MinReadySeconds(TOwner owner);
    protected abstract ReplicaCounts? StatusOf(TOwner owner);
    protected abstract Task WriteStatusAsync(TOwner owner, ReplicaCounts counts, CancellationToken ct);

    private static string KeyOf(TOwner o) => Informer<TOwner, TOwnerList>.KeyOf(o);

    private static string KeyOf(V1Pod p) => Informer<V1Pod, V1PodList>.KeyOf(p);

    public Task RunAsync(int workers, CancellationToken cancellationToken) =>
        queue.RunControllerAsync(Task.WhenAll(owners.Synced, pods.Synced), () => owners.List().Select(KeyOf), workers, ReconcileAsync, [Recorder], cancellationToken);

    // ---- event handlers: they only work out which owners to look at again ----

    private string? OwnerKeyOf(V1Pod pod)
    {
        var owner = PodFacts.ControllerOf(pod);
        if (owner is null || owner.Kind != Kind || owner.ApiVersion != ApiVersion) return null;
        var key = Informer<TOwner, TOwnerList>.KeyOf(pod.Metadata.NamespaceProperty, owner.Name);
        var cached = owners.Get(key);
        return cached is null || cached.Metadata.Uid == owner.Uid ? key : null;
    }

    private void EnqueueMatchingOwners(V1Pod pod)
    {
        foreach (var o in owners.List(pod.Metadata.NamespaceProperty))
            if (SelectorOf(o).Matches(pod.Metadata.Labels)) queue.Add(KeyOf(o));
    }

    private void PodAdded(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null) { PodDeleted(pod); return; }
        if (OwnerKeyOf(pod) is { } owner)
        {
            expectations.CreationObserved(owner);
            queue.Add(owner);
        }
        else if (PodFacts.ControllerOf(pod) is null) EnqueueMatchingOwners(pod); // an orphan someone may adopt
    }

    private void PodUpdated(V1Pod old, V1Pod pod)
    {
        var ownerNow = OwnerKeyOf(pod);
        if (pod.Metadata.DeletionTimestamp is not null && ownerNow is not null)
            expectations.DeletionObserved(ownerNow, KeyOf(pod)); // graceful deletion started: that is what we waited for
        var ownerBefore = OwnerKeyOf(old);
        if (ownerBefore is not null && ownerBefore != ownerNow) queue.Add(ownerBefore);
        var labelsChanged = !LabelsEqual(old.Metadata.Labels, pod.Metadata.Labels);
        // replica_set.go updatePod enqueues on every change; a sync only reads the fields below, so a change to none of them
        // (the scheduler's binding, a container's start time, the pod IP) would recompute the same status and act the same way.
        // Skipping those syncs matters at scale: each one walks every pod of the set.
        if (ownerNow is not null && (ownerNow != ownerBefore || labelsChanged || SyncInputsChanged(old, pod))) queue.Add(ownerNow);
        if (PodFacts.ControllerOf(pod) is null && (labelsChanged || ownerBefore is not null)) EnqueueMatchingOwners(pod);
        if (labelsChanged && ownerNow is null && PodFacts.ControllerOf(pod) is null) EnqueueMatchingOwners(old);
    }

    private void PodDeleted(V1Pod pod)
    {
        if (OwnerKeyOf(pod) is not { } owner) return;
        expectations.DeletionObserved(owner, KeyOf(pod));
        queue.Add(owner);
    }

    /// <summary>What a sync reads of a pod besides its owner and labels: deletion, phase (active or not) and the Ready condition.</summary>
    private static bool SyncInputsChanged(V1Pod old, V1Pod pod)
    {
        if (old.Metadata.DeletionTimestamp != pod.Metadata.DeletionTimestamp || old.Status?.Phase != pod.Status?.Phase) return true;
        var (was, now) = (PodFacts.Condition(old, "Ready"), PodFacts.Condition(pod, "Ready"));
        return was?.Status != now?.Status || was?.LastTransitionTime != now?.LastTransitionTime;
    }

    private static bool LabelsEqual(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? new Dictionary<string, string>()).All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value);

    // ---- the reconcile ----

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var owner = owners.Get(key);
        if (owner is null)
        {
            expectations.Forget(key);
            lastStatusWrite.TryRemove(key, out _);
            return; // deleted: the garbage collector removes its pods
        }
        var needsSync = expectations.Satisfied(key);
        var tally = new ClaimTally(new LabelSetMatches(SelectorOf(owner), TemplateOf(owner)?.Metadata?.Labels), MinReadySeconds(owner),
            Time.GetUtcNow().UtcDateTime);
        // Only its own pods and the namespace's orphans can be claimed (pods of other controllers are skipped anyway).
        var owned = new ClaimTally.OwnedRows(tally);
        pods.VisitIndex<ReplicaPodRow, ClaimTally.OwnedRows>(ReplicaPodRow.Index, owner.Metadata.Uid, ref owned);
        var orphans = new ClaimTally.OrphanRows(tally);
        pods.VisitIndex<ReplicaPodRow, ClaimTally.OrphanRows>(ReplicaPodRow.Index, PodFacts.OrphansOf(owner.Metadata.NamespaceProperty), ref orphans);
        var claimConflicts = await ClaimPodsAsync(owner, tally, ct).ConfigureAwait(false);
        // Like syncReplicaSet: if claiming failed we do not know how many pods we have, so do nothing else and retry.
        if (claimConflicts > 0) throw new InvalidOperationException($"{claimConflicts} pods changed while adopting/releasing them; retrying");

        Exception? manageError = null;
        if (needsSync && owner.Metadata.DeletionTimestamp is null)
        {
            try { await ManageReplicasAsync(key, owner, tally, ct).ConfigureAwait(false); }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                manageError = e;
            }
        }

        await UpdateStatusAsync(owner, tally, ct).ConfigureAwait(false);
        if (manageError is not null) throw manageError; // retried with back-off by the queue
    }

    /// <summary>
    /// ControllerRefManager.ClaimPods, second half: release the owned pods that no longer match the selector, adopt the matching
    /// orphans (the tally found both); returns how many patches met a changed pod.
    /// </summary>
    private async Task<int> ClaimPodsAsync(TOwner owner, ClaimTally tally, CancellationToken ct)
    {
        if (owner.Metadata.DeletionTimestamp is not null) return 0; // a deleting owner neither adopts nor releases
        var conflicts = 0;
        foreach (var pod in tally.ToRelease)
            if (await ReleaseAsync(owner, pod, ct).ConfigureAwait(false) == PatchOutcome.Conflict) conflicts++;
        foreach (var row in tally.ToAdopt)
        {
            switch (await AdoptAsync(owner, row.Pod, ct).ConfigureAwait(false))
            {
                case PatchOutcome.Done: tally.Adopted(row); break;
                case PatchOutcome.Conflict: conflicts++; break; // the pod changed under us (kubelet status, labels): try again
            }
        }
        return conflicts;
    }

    private enum PatchOutcome { Done, Gone, Conflict }

    private V1OwnerReference ControllerReference(TOwner owner) => new()
    {
        ApiVersion = ApiVersion, Kind = Kind, Name = owner.Metadata.Name, Uid = owner.Metadata.Uid,
        Controller = true, BlockOwnerDeletion = true,
    };

    private async Task<PatchOutcome> AdoptAsync(TOwner owner, V1Pod pod, CancellationToken ct)
    {
        var refs = (pod.Metadata.OwnerReferences ?? []).Append(ControllerReference(owner)).ToList();
        return await PatchOwnerReferencesAsync(pod, refs, ct).ConfigureAwait(false);
    }

    private async Task<PatchOutcome> ReleaseAsync(TOwner owner, V1Pod pod, CancellationToken ct)
    {
        var refs = (pod.Metadata.OwnerReferences ?? []).Where(r => r.Uid != owner.Metadata.Uid).ToList();
        return await PatchOwnerReferencesAsync(pod, refs, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Rewrites the pod's ownerReferences with a JSON patch guarded by a "test" of the pod's uid – the same guard the real
    /// controller puts in its adoption patch, so a pod deleted and re-created under the same name is never adopted by mistake.
    /// </summary>
    private async Task<PatchOutcome> PatchOwnerReferencesAsync(V1Pod pod, List<V1OwnerReference> refs, CancellationToken ct)
    {
        var ops = new System.Text.Json.Nodes.JsonArray
        {
            new System.Text.Json.Nodes.JsonObject { ["op"] = "test", ["path"] = "/metadata/uid", ["value"] = pod.Metadata.Uid },
            refs.Count == 0
                ? new System.Text.Json.Nodes.JsonObject { ["op"] = "remove", ["path"] = "/metadata/ownerReferences" }
                : new System.Text.Json.Nodes.JsonObject
                {
                    ["op"] = "add", ["path"] = "/metadata/ownerReferences",
                    ["value"] = System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(refs)),
                },
        };
        var body = ops.ToJsonString();
        try
        {
            await Client.CoreV1.PatchNamespacedPodAsync(new V1Patch(body, V1Patch.PatchType.JsonPatch), pod.Metadata.Name,
                pod.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            return PatchOutcome.Done;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return PatchOutcome.Gone;
        }
        catch (HttpOperationException e) when ((int)e.Response.StatusCode is 409 or 422)
        {
            return PatchOutcome.Conflict; // changed meanwhile, or the uid test failed: look again
        }
    }

    private async Task ManageReplicasAsync(string key, TOwner owner, ClaimTally tally, CancellationToken ct)
    {
        var diff = tally.Claimed - DesiredReplicas(owner);
        if (diff < 0)
        {
            var toCreate = Math.Min(-diff, BurstReplicas);
            expectations.ExpectCreations(key, toCreate);
            var template = TemplateOf(owner) ?? throw new InvalidOperationException($"{Kind} {key} has no pod template");
            // Slow start: 1, 2, 4, … pods per batch; one failing batch stops the rest (replica_set.go slowStartBatch).
            var remaining = toCreate;
            for (var batch = 1; remaining > 0; batch *= 2)
            {
                var size = Math.Min(batch, remaining);
                var results = await Task.WhenAll(Enumerable.Range(0, size).Select(_ => CreatePodAsync(owner, template, ct))).ConfigureAwait(false);
                remaining -= size;
                var failed = results.Count(ok => !ok);
                for (var i = 0; i < failed; i++) expectations.CreationObserved(key);
                if (failed > 0)
                {
                    for (var i = 0; i < remaining; i++) expectations.CreationObserved(key); // skipped ones will not appear either
                    throw new HttpOperationException($"failed to create {failed} pods for {Kind} {key}");
                }
            }
        }
        else if (diff > 0)
        {
            var victims = PodDeletionRanking.PodsToDelete(ClaimedPods(owner, tally), RelatedPods(owner), Math.Min(diff, BurstReplicas),
                Time.GetUtcNow().UtcDateTime).ToList();
            expectations.ExpectDeletions(key, victims.Select(KeyOf));
            await Task.WhenAll(victims.Select(p => DeletePodAsync(key, owner, p, ct))).ConfigureAwait(false);
        }
    }

    /// <summary>The claimed pods themselves, gathered only when some must be deleted.</summary>
    private List<V1Pod> ClaimedPods(TOwner owner, ClaimTally tally)
    {
        var claimed = new List<V1Pod>(tally.Claimed);
        pods.VisitIndex<ReplicaPodRow>(ReplicaPodRow.Index, owner.Metadata.Uid, row => { if (tally.IsClaimed(row)) claimed.Add(row.Pod); });
        claimed.AddRange(tally.AdoptedPods);
        return claimed;
    }

    private List<V1Pod> RelatedPods(TOwner owner) => IndirectlyRelatedPods.Of(owner.Metadata,
        owners.List(owner.Metadata.NamespaceProperty).Select(o => (o.Metadata, SelectorOf(o))), pods.List(owner.Metadata.NamespaceProperty));

    private async Task<bool> CreatePodAsync(TOwner owner, V1PodTemplateSpec template, CancellationToken ct)
    {
        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = owner.Metadata.Name + "-",
                NamespaceProperty = owner.Metadata.NamespaceProperty,
                Labels = template.Metadata?.Labels is { } l ? new Dictionary<string, string>(l) : null,
                Annotations = template.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : null,
                Finalizers = template.Metadata?.Finalizers,
                OwnerReferences = [ControllerReference(owner)],
            },
            Spec = template.Spec,
        };
        try
        {
            // Of the answer only the generated name is read (for the event); the informer brings the pod itself.
            var name = await RawApiRequest.WriteForNameAsync(Client, HttpMethod.Post, $"api/v1/namespaces/{owner.Metadata.NamespaceProperty}/pods",
                KubernetesJson.Serialize(pod), "application/json", ct).ConfigureAwait(false);
            Recorder.Normal(Reference(owner), "SuccessfulCreate", $"Created pod: {name}");
            return true;
        }
        catch (HttpOperationException e)
        {
            Recorder.Warning(Reference(owner), "FailedCreate", $"Error creating: {ApiErrorMessage.Of(e)}");
            return false;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false; // no answer (timeout, connection reset): count it as not created so expectations stay honest
        }
    }

    private async Task DeletePodAsync(string key, TOwner owner, V1Pod pod, CancellationToken ct)
    {
        try
        {
            await Client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            Recorder.Normal(Reference(owner), "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            expectations.DeletionObserved(key, KeyOf(pod)); // already gone: nothing to wait for
        }
        catch (HttpOperationException e)
        {
            expectations.DeletionObserved(key, KeyOf(pod));
            Recorder.Warning(Reference(owner), "FailedDelete", $"Error deleting: {ApiErrorMessage.Of(e)}");
            throw;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            expectations.DeletionObserved(key, KeyOf(pod));
            throw;
        }
    }

    private async Task UpdateStatusAsync(TOwner owner, ClaimTally tally, CancellationToken ct)
    {
        var minReady = MinReadySeconds(owner);
        var counts = new ReplicaCounts(
            Replicas: tally.Claimed,
            FullyLabeledReplicas: tally.FullyLabeled,
            ReadyReplicas: tally.Ready,
            AvailableReplicas: tally.Available,
            ObservedGeneration: owner.Metadata.Generation);
        if (counts != StatusOf(owner))
        {
            var key = KeyOf(owner);
            if (StatusWriteDeferral(key) is { } wait)
            {
                queue.AddAfter(key, wait); // the write happens on that sync, with the counts of then
                return;
            }
            try { await WriteStatusAsync(owner, counts, ct).ConfigureAwait(false); }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { return; }
            lastStatusWrite[key] = Time.GetUtcNow();
        }
        // Pods become available minReadySeconds after turning ready: look again then (replica_set.go does the same).
        if (minReady > 0 && counts.ReadyReplicas != counts.AvailableReplicas)
            queue.AddAfter(KeyOf(owner), TimeSpan.FromSeconds(minReady));
    }

    /// <summary>
    /// Status writes of one owner are at least <see cref="StatusWriteInterval"/> apart on the cluster clock; a change within that
    /// time is written by a sync queued for its end. kube-controller-manager's client is rate-limited (--kube-api-qps 20,
    /// --kube-api-burst 30 by default), so on a real cluster a ReplicaSet whose pods change hundreds of times a second reports
    /// them in steps as well; without a bound here, a 10,000-pod set would write its status thousands of times while scaling.
    /// </summary>
    public static readonly TimeSpan StatusWriteInterval = TimeSpan.FromMilliseconds(100);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> lastStatusWrite = new();

    private TimeSpan? StatusWriteDeferral(string key)
    {
        if (!lastStatusWrite.TryGetValue(key, out var last)) return null;
        var wait = last + StatusWriteInterval - Time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : null;
    }

    private V1ObjectReference Reference(TOwner owner) => EventRecorder.Reference(owner.Metadata, Kind, ApiVersion);
}
