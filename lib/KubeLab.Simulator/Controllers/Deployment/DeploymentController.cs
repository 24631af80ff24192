using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.Api;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.Deployment;

/// <summary>
/// apps/v1 Deployment controller ("deployment-controller" in kube-controller-manager, pkg/controller/deployment).
/// One level-triggered reconcile per Deployment key (syncDeployment):
/// <list type="number">
/// <item>claim the namespace's ReplicaSets (owned ones that still match, orphans that match are adopted);</item>
/// <item>paused, or only spec.replicas changed (a ReplicaSet's desired-replicas annotation differs) → scale proportionally
/// (DeploymentScaling.cs) and write status (DeploymentStatusSync.cs);</item>
/// <item>otherwise roll out: <see cref="RolloutRollingAsync"/> (DeploymentRollingUpdate.cs) or <see cref="RolloutRecreateAsync"/>
/// (DeploymentRecreate.cs), then delete old ReplicaSets beyond revisionHistoryLimit and write status with the Progressing condition.</item>
/// </list>
/// The new ReplicaSet is the one whose template equals the Deployment's (ignoring pod-template-hash); creating it names it
/// <c>&lt;deployment&gt;-&lt;hash&gt;</c> and numbers it (<see cref="RolloutRevisions"/>). ReplicaSets are changed with
/// resourceVersion-guarded patches, so a decision taken on a stale cache fails with 409 and is retried, as Update does upstream.
/// </summary>
public sealed partial class DeploymentController
{
    public const string Component = "deployment-controller";

    private readonly IKubernetes client;
    private readonly Informer<V1Deployment, V1DeploymentList> deployments;
    private readonly Informer<V1ReplicaSet, V1ReplicaSetList> replicaSets;
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly TimeProvider time;
    private readonly WorkQueue queue;
    private readonly EventRecorder recorder;

    public DeploymentController(IKubernetes client, Informer<V1Deployment, V1DeploymentList> deployments,
        Informer<V1ReplicaSet, V1ReplicaSetList> replicaSets, Informer<V1Pod, V1PodList> pods, TimeProvider time)
    {
        this.client = client;
        this.deployments = deployments;
        this.replicaSets = replicaSets;
        this.pods = pods;
        this.time = time;
        queue = new WorkQueue(time);
        recorder = new EventRecorder(client, time, Component);
        deployments.AddHandler(added: d => queue.Add(KeyOf(d)), updated: (_, d) => queue.Add(KeyOf(d)), deleted: d => queue.Add(KeyOf(d)));
        replicaSets.AddHandler(added: ReplicaSetChanged, updated: (old, rs) => { ReplicaSetChanged(old); ReplicaSetChanged(rs); }, deleted: ReplicaSetChanged);
        // Recreate waits until the old pods are gone: their deletion is worth a look (deletePod upstream).
        pods.AddHandler(deleted: PodDeleted);
    }

    private static string KeyOf(V1Deployment d) => Informer<V1Deployment, V1DeploymentList>.KeyOf(d);

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public Task RunAsync(int workers, CancellationToken cancellationToken) =>
        queue.RunControllerAsync(Task.WhenAll(deployments.Synced, replicaSets.Synced, pods.Synced), () => deployments.List().Select(KeyOf), workers, ReconcileAsync, [recorder], cancellationToken);

    // ---- event handlers: work out which Deployment to look at again ----

    private void ReplicaSetChanged(V1ReplicaSet rs)
    {
        var owner = rs.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true);
        if (owner is not null)
        {
            if (owner.Kind == "Deployment") queue.Add(Informer<V1Deployment, V1DeploymentList>.KeyOf(rs.Metadata.NamespaceProperty, owner.Name));
            return;
        }
        foreach (var d in deployments.List(rs.Metadata.NamespaceProperty))
            if (LabelSelector.FromV1(d.Spec?.Selector).Matches(rs.Metadata.Labels)) queue.Add(KeyOf(d)); // an orphan someone may adopt
    }

    private void PodDeleted(V1Pod pod)
    {
        if (PodFacts.ControllerOf(pod) is not { Kind: "ReplicaSet" } owner) return;
        var rs = replicaSets.Get(Informer<V1ReplicaSet, V1ReplicaSetList>.KeyOf(pod.Metadata.NamespaceProperty, owner.Name));
        if (rs?.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true) is { Kind: "Deployment" } d)
            queue.Add(Informer<V1Deployment, V1DeploymentList>.KeyOf(pod.Metadata.NamespaceProperty, d.Name));
    }

    // ---- the reconcile ----

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var cached = deployments.Get(key);
        if (cached is null) return; // deleted: the garbage collector removes its ReplicaSets
        var d = Clone(cached);
        var selector = LabelSelector.FromV1(d.Spec.Selector);
        if (selector.IsEmpty)
        {
            recorder.Warning(Reference(d), "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            if (d.Status?.ObservedGeneration != d.Metadata.Generation)
                await WriteStatusAsync(d, new V1DeploymentStatus { ObservedGeneration = d.Metadata.Generation }, ct).ConfigureAwait(false);
            return;
        }
        var rsList = await ClaimReplicaSetsAsync(d, selector, ct).ConfigureAwait(false);
        if (d.Metadata.DeletionTimestamp is not null)
        {
            await SyncStatusOnlyAsync(d, rsList, ct).ConfigureAwait(false);
            return;
        }
        await CheckPausedConditionsAsync(d, ct).ConfigureAwait(false);
        if (d.Spec.Paused == true || IsScalingEvent(d, rsList))
        {
            await SyncAsync(d, rsList, ct).ConfigureAwait(false);
            return;
        }
        if (RolloutArithmetic.IsRollingUpdate(d)) await RolloutRollingAsync(d, rsList, ct).ConfigureAwait(false);
        else await RolloutRecreateAsync(d, rsList, ct).ConfigureAwait(false);
    }

    /// <summary>getReplicaSetsForDeployment: ReplicaSets this Deployment controls, adopting matching orphans and releasing ones that no longer match.</summary>
    private async Task<List<V1ReplicaSet>> ClaimReplicaSetsAsync(V1Deployment d, LabelSelector selector, CancellationToken ct)
    {
        var claimed = new List<V1ReplicaSet>();
        foreach (var rs in replicaSets.List(d.Metadata.NamespaceProperty))
        {
            var controller = rs.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true);
            var matches = selector.Matches(rs.Metadata.Labels);
            if (controller is not null)
            {
                if (controller.Uid != d.Metadata.Uid) continue;
                if (matches) claimed.Add(Clone(rs));
                else if (d.Metadata.DeletionTimestamp is null)
                    await PatchOwnerReferencesAsync(rs, (rs.Metadata.OwnerReferences ?? []).Where(r => r.Uid != d.Metadata.Uid).ToList(), ct).ConfigureAwait(false);
                continue;
            }
            if (!matches || d.Metadata.DeletionTimestamp is not null || rs.Metadata.DeletionTimestamp is not null) continue;
            var adopted = await PatchOwnerReferencesAsync(rs, (rs.Metadata.OwnerReferences ?? []).Append(ControllerReference(d)).ToList(), ct).ConfigureAwait(false);
            if (adopted is not null) claimed.Add(adopted);
        }
        return claimed;
    }

    private async Task<V1ReplicaSet?> PatchOwnerReferencesAsync(V1ReplicaSet rs, List<V1OwnerReference> refs, CancellationToken ct)
    {
        var ops = new JsonArray
        {
            new JsonObject { ["op"] = "test", ["path"] = "/metadata/uid", ["value"] = rs.Metadata.Uid },
            refs.Count == 0
                ? new JsonObject { ["op"] = "remove", ["path"] = "/metadata/ownerReferences" }
                : new JsonObject { ["op"] = "add", ["path"] = "/metadata/ownerReferences", ["value"] = JsonNode.Parse(KubernetesJson.Serialize(refs)) },
        };
        try
        {
            return await client.AppsV1.PatchNamespacedReplicaSetAsync(new V1Patch(ops.ToJsonString(), V1Patch.PatchType.JsonPatch),
                rs.Metadata.Name, rs.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { return null; }
    }

    private static V1OwnerReference ControllerReference(V1Deployment d) => new()
    {
        ApiVersion = "apps/v1", Kind = "Deployment", Name = d.Metadata.Name, Uid = d.Metadata.Uid, Controller = true, BlockOwnerDeletion = true,
    };

    /// <summary>isScalingEvent: an active ReplicaSet was last sized for a different spec.replicas.</summary>
    private bool IsScalingEvent(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        var (newRs, old) = FindNewAndOld(d, rsList);
        foreach (var rs in Active(old.Append(newRs)))
            if (RolloutRevisions.IntAnnotation(rs.Metadata, RolloutRevisions.DesiredReplicasAnnotation) is { } desired && desired != RolloutArithmetic.Replicas(d))
                return true;
        return false;
    }

    /// <summary>FindNewReplicaSet/FindOldReplicaSets: the oldest ReplicaSet whose template equals the Deployment's is the new one.</summary>
    private static (V1ReplicaSet? New, List<V1ReplicaSet> Old) FindNewAndOld(V1Deployment d, List<V1ReplicaSet> rsList)
    {
        var newRs = ByCreation(rsList).FirstOrDefault(rs => RolloutRevisions.EqualIgnoreHash(rs.Spec.Template, d.Spec.Template));
        return (newRs, rsList.Where(rs => !ReferenceEquals(rs, newRs)).ToList());
    }

    private static IEnumerable<V1ReplicaSet> ByCreation(IEnumerable<V1ReplicaSet?> rss) =>
        rss.OfType<V1ReplicaSet>().OrderBy(rs => rs.Metadata.CreationTimestamp ?? DateTime.MinValue).ThenBy(rs => rs.Metadata.Name, StringComparer.Ordinal);

    private static List<V1ReplicaSet> Active(IEnumerable<V1ReplicaSet?> rss) => rss.OfType<V1ReplicaSet>().Where(rs => (rs.Spec.Replicas ?? 0) > 0).ToList();

    /// <summary>getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created if asked and missing, renumbered if re-used) and the old ones.</summary>
    private async Task<(V1ReplicaSet? New, List<V1ReplicaSet> Old)> NewAndOldAsync(V1Deployment d, List<V1ReplicaSet> rsList, bool createIfMissing, CancellationToken ct)
    {
        var (existing, old) = FindNewAndOld(d, rsList);
        var newRs = await GetNewReplicaSetAsync(d, rsList, existing, old, createIfMissing, ct).ConfigureAwait(false);
        return (newRs, old);
    }

    private async Task<V1ReplicaSet?> GetNewReplicaSetAsync(V1Deployment d, List<V1ReplicaSet> rsList, V1ReplicaSet? existing, List<V1ReplicaSet> old,
        bool createIfMissing, CancellationToken ct)
    {
        var newRevision = RolloutRevisions.MaxRevision(old) + 1;
        var maxSurge = RolloutArithmetic.MaxSurge(d);
        if (existing is not null)
        {
            var copy = Clone(existing);
            var annotationsChanged = RolloutRevisions.SetNewReplicaSetAnnotations(d, copy, newRevision, exists: true, maxSurge);
            var minReadyChanged = (copy.Spec.MinReadySeconds ?? 0) != (d.Spec.MinReadySeconds ?? 0);
            if (annotationsChanged || minReadyChanged)
            {
                copy.Spec.MinReadySeconds = d.Spec.MinReadySeconds ?? 0;
                existing = await UpdateReplicaSetAsync(rsList, copy, ct).ConfigureAwait(false);
            }
            var revisionChanged = SetDeploymentRevision(d, existing.Metadata.Annotations is { } ea && ea.TryGetValue(RolloutRevisions.RevisionAnnotation, out var er) ? er : null);
            if (revisionChanged) await WriteRevisionAsync(d, ct).ConfigureAwait(false);
            if (DeploymentStatusModel.HasProgressDeadline(d) && DeploymentStatusModel.Get(d.Status, DeploymentStatusModel.Progressing) is null)
            {
                var status = CopyStatus(d);
                DeploymentStatusModel.SetCondition(status, DeploymentStatusModel.New(DeploymentStatusModel.Progressing, "True",
                    DeploymentStatusModel.FoundNewReplicaSet, $"Found new replica set \"{existing.Metadata.Name}\"", Now));
                await WriteStatusAsync(d, status, ct).ConfigureAwait(false);
            }
            return existing;
        }
        if (!createIfMissing) return null;

        var hash = RolloutRevisions.PodTemplateHash(d.Spec.Template, d.Status?.CollisionCount);
        var template = KubernetesJson.Deserialize<V1PodTemplateSpec>(KubernetesJson.Serialize(d.Spec.Template));
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Labels = new Dictionary<string, string>(template.Metadata.Labels ?? new Dictionary<string, string>()) { [RolloutRevisions.PodTemplateHashLabel] = hash };
        var selector = KubernetesJson.Deserialize<V1LabelSelector>(KubernetesJson.Serialize(d.Spec.Selector));
        selector.MatchLabels = new Dictionary<string, string>(selector.MatchLabels ?? new Dictionary<string, string>()) { [RolloutRevisions.PodTemplateHashLabel] = hash };
        var rs = new V1ReplicaSet
        {
            ApiVersion = "apps/v1", Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta
            {
                Name = $"{d.Metadata.Name}-{hash}", NamespaceProperty = d.Metadata.NamespaceProperty,
                OwnerReferences = [ControllerReference(d)], Labels = new Dictionary<string, string>(template.Metadata.Labels),
            },
            Spec = new V1ReplicaSetSpec { Replicas = 0, MinReadySeconds = d.Spec.MinReadySeconds ?? 0, Selector = selector, Template = template },
        };
        var replicas = RolloutArithmetic.NewReplicaSetReplicas(RolloutArithmetic.Replicas(d), RolloutArithmetic.IsRollingUpdate(d), maxSurge,
            DeploymentStatusModel.SpecReplicas(old), 0);
        rs.Spec.Replicas = replicas;
        RolloutRevisions.SetNewReplicaSetAnnotations(d, rs, newRevision, exists: false, maxSurge);

        V1ReplicaSet created;
        var alreadyExisted = false;
        try
        {
            created = await client.AppsV1.CreateNamespacedReplicaSetAsync(rs, d.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // A ReplicaSet of that name exists: ours with the same template (a stale cache), or a hash collision.
            var other = await client.AppsV1.ReadNamespacedReplicaSetAsync(rs.Metadata.Name, d.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            var ours = other.Metadata.OwnerReferences?.Any(r => r.Controller == true && r.Uid == d.Metadata.Uid) == true;
            if (!ours || !RolloutRevisions.EqualIgnoreHash(other.Spec.Template, d.Spec.Template))
            {
                var status = CopyStatus(d);
                status.CollisionCount = (status.CollisionCount ?? 0) + 1;
                await WriteStatusAsync(d, status, ct).ConfigureAwait(false);
                throw new InvalidOperationException($"hash collision for ReplicaSet {rs.Metadata.Name}; collisionCount is now {status.CollisionCount}");
            }
            created = other;
            alreadyExisted = true;
        }
        rsList.Add(created);
        if (!alreadyExisted && replicas > 0)
            recorder.Normal(Reference(d), "ScalingReplicaSet", $"Scaled up replica set {created.Metadata.Name} to {replicas}");
        if (SetDeploymentRevision(d, newRevision.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            await WriteRevisionAsync(d, ct).ConfigureAwait(false);
        if (!alreadyExisted && DeploymentStatusModel.HasProgressDeadline(d))
        {
            var status = CopyStatus(d);
            DeploymentStatusModel.SetCondition(status, DeploymentStatusModel.New(DeploymentStatusModel.Progressing, "True",
                DeploymentStatusModel.NewReplicaSetCreated, $"Created new replica set \"{created.Metadata.Name}\"", Now));
            await WriteStatusAsync(d, status, ct).ConfigureAwait(false);
        }
        return created;
    }

    private static bool SetDeploymentRevision(V1Deployment d, string? revision)
    {
        if (string.IsNullOrEmpty(revision)) return false;
        d.Metadata.Annotations ??= new Dictionary<string, string>();
        if (d.Metadata.Annotations.TryGetValue(RolloutRevisions.RevisionAnnotation, out var cur) && cur == revision) return false;
        d.Metadata.Annotations[RolloutRevisions.RevisionAnnotation] = revision;
        return true;
    }

    /// <summary>The revision annotation goes on the Deployment's metadata (upstream it rides along with the status update).</summary>
    private async Task WriteRevisionAsync(V1Deployment d, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["annotations"] = new JsonObject { [RolloutRevisions.RevisionAnnotation] = d.Metadata.Annotations![RolloutRevisions.RevisionAnnotation] },
            },
        };
        // An Update guarded by the resourceVersion (the role grants update on deployments, not patch; a 409 requeues).
        var updated = await client.AppsV1.ReplaceNamespacedDeploymentAsync(UpdateFromPatch.Object(d, body.ToJsonString()),
            d.Metadata.Name, d.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        d.Metadata.ResourceVersion = updated.Metadata.ResourceVersion;
    }

    private static V1ObjectReference Reference(V1Deployment d) => EventRecorder.Reference(d.Metadata, "Deployment", "apps/v1");

    private static T Clone<T>(T obj) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(obj));
}
