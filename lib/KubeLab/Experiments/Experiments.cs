using k8s;
using k8s.Models;
using KubeLab.Observe;

namespace KubeLab;

/// <summary>
/// Ready-made ReplicaSet experiments from the course. Each one observes with watches (no polling) and returns a result
/// that displays as a table and carries the recorded timeline for plotting.
/// </summary>
public static class Experiments
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Each round: delete one Ready pod of the ReplicaSet and measure the time until a new pod is Ready and
    /// status.readyReplicas == spec.replicas again.
    /// </summary>
    public static async Task<SelfHealingResult> SelfHealingAsync(Lab lab, string replicaSetName, int rounds = 5, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        await lab.WaitForReplicaSetReadyAsync(replicaSetName, StepTimeout, ct).ConfigureAwait(false);
        await using var recorder = lab.StartRecording();
        await recorder.Ready.ConfigureAwait(false);
        var times = new List<TimeSpan>();
        var deleted = new List<string>();
        var replacements = new List<string>();
        for (var round = 0; round < rounds; round++)
        {
            var rs = await lab.Client.AppsV1.ReadNamespacedReplicaSetAsync(replicaSetName, lab.Namespace, cancellationToken: ct).ConfigureAwait(false);
            var owned = await OwnedPodsAsync(lab, rs, ct).ConfigureAwait(false);
            // Prefer pods that were there before the experiment, oldest first, so each round kills a different original pod.
            var victim = owned.Where(p => PodStatusText.IsReady(p) && p.Metadata.DeletionTimestamp is null)
                .OrderBy(p => replacements.Contains(p.Metadata.Name) ? 1 : 0)
                .ThenBy(p => p.Metadata.CreationTimestamp)
                .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).FirstOrDefault()
                ?? throw new InvalidOperationException($"ReplicaSet {replicaSetName} has no Ready pod to delete in round {round + 1}.");
            var before = owned.Select(p => p.Metadata.Uid).ToHashSet();

            var started = lab.Clock.GetTimestamp(); // cluster time: seconds the control plane experienced
            await lab.Client.CoreV1.DeleteNamespacedPodAsync(victim.Metadata.Name, lab.Namespace, cancellationToken: ct).ConfigureAwait(false);
            var replacement = await WaitForNewReadyPodAsync(lab, rs, before, $"a Ready replacement for {victim.Metadata.Name}", ct).ConfigureAwait(false);
            await lab.WaitForReplicaSetReadyAsync(replicaSetName, StepTimeout, ct).ConfigureAwait(false);
            var elapsed = lab.Clock.GetElapsedTime(started);

            times.Add(elapsed);
            deleted.Add(victim.Metadata.Name);
            replacements.Add(replacement.Metadata.Name);
        }
        return new SelfHealingResult(replicaSetName, times, deleted, replacements, recorder.Stop());
    }

    /// <summary>
    /// Changes one label of a pod so it no longer matches its ReplicaSet: the ReplicaSet releases it (removes its controller
    /// ownerReference) and creates a replacement.
    /// </summary>
    public static async Task<LabelSurgeryResult> RelabelOutAsync(Lab lab, string podName, string labelKey, string newValue, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var pod = await lab.Client.CoreV1.ReadNamespacedPodAsync(podName, lab.Namespace, cancellationToken: ct).ConfigureAwait(false);
        var ownerRef = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == "ReplicaSet")
            ?? throw new InvalidOperationException($"Pod {podName} is not controlled by a ReplicaSet, so relabelling it out shows nothing.");
        var rs = await lab.Client.AppsV1.ReadNamespacedReplicaSetAsync(ownerRef.Name, lab.Namespace, cancellationToken: ct).ConfigureAwait(false);
        var before = (await OwnedPodsAsync(lab, rs, ct).ConfigureAwait(false)).Select(p => p.Metadata.Uid).ToHashSet();

        var labels = new System.Text.Json.Nodes.JsonObject { [labelKey] = newValue };
        var patchBody = new System.Text.Json.Nodes.JsonObject { ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["labels"] = labels } };
        var patch = new V1Patch(patchBody.ToJsonString(), V1Patch.PatchType.MergePatch);
        await lab.Client.CoreV1.PatchNamespacedPodAsync(patch, podName, lab.Namespace, cancellationToken: ct).ConfigureAwait(false);

        var replacement = await WaitForNewReadyPodAsync(lab, rs, before, $"a replacement for relabelled pod {podName}", ct).ConfigureAwait(false);
        await lab.WaitForReplicaSetReadyAsync(rs.Metadata.Name, StepTimeout, ct).ConfigureAwait(false);
        var orphan = (await lab.WaitForPodsAsync($"{labelKey}={newValue}",
            pods => pods.Any(p => p.Metadata.Name == podName && (p.Metadata.OwnerReferences?.All(o => o.Controller != true) ?? true)),
            $"ReplicaSet {rs.Metadata.Name} to release pod {podName}", StepTimeout, ct).ConfigureAwait(false)).First(p => p.Metadata.Name == podName);
        return new LabelSurgeryResult(rs.Metadata.Name, orphan, replacement, labelKey, newValue);
    }

    /// <summary>
    /// Creates a bare pod whose labels match the ReplicaSet's selector. The ReplicaSet adopts it, now has one pod too many,
    /// and deletes one. Reports which pod(s) were deleted and whether the bare pod was adopted.
    /// </summary>
    public static async Task<BarePodResult> AddBarePodAsync(Lab lab, string podManifestFileOrYaml, string replicaSetName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var rs = await lab.WaitForReplicaSetReadyAsync(replicaSetName, StepTimeout, ct).ConfigureAwait(false);
        var desired = rs.Spec?.Replicas ?? 1;
        var selector = Selector(rs);
        await using var recorder = lab.StartRecording();
        await recorder.Ready.ConfigureAwait(false);

        var applied = await lab.ApplyAsync(podManifestFileOrYaml, ct).ConfigureAwait(false);
        var bare = applied.FirstOrDefault(a => a.Kind == "Pod")
            ?? throw new ArgumentException("The manifest must contain a Pod.", nameof(podManifestFileOrYaml));

        // Settled: exactly spec.replicas live pods match the selector, and all of them are controlled by the ReplicaSet.
        var remaining = await lab.WaitForPodsAsync(selector,
            pods =>
            {
                var live = pods.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
                return live.Count == desired && live.All(p => p.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == rs.Metadata.Uid) == true);
            },
            $"ReplicaSet {replicaSetName} to settle back to {desired} pods after adding {bare.Name}", StepTimeout, ct).ConfigureAwait(false);
        await lab.WaitForReplicaSetReadyAsync(replicaSetName, StepTimeout, ct).ConfigureAwait(false);

        var timeline = recorder.Stop();
        var live = remaining.Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Name).Order().ToList();
        var deletedPods = timeline.PodLifetimes(selector).Where(l => l.Terminating is not null).Select(l => l.Name).Order().ToList();
        var adopted = timeline.PodLifetimes().Any(l => l.Name == bare.Name && l.Owner == replicaSetName) || live.Contains(bare.Name);
        return new BarePodResult(replicaSetName, bare.Name, adopted, !live.Contains(bare.Name), deletedPods, live, timeline);
    }

    private static async Task<IReadOnlyList<V1Pod>> OwnedPodsAsync(Lab lab, V1ReplicaSet rs, CancellationToken ct)
    {
        var pods = await lab.Client.CoreV1.ListNamespacedPodAsync(lab.Namespace, labelSelector: Selector(rs), cancellationToken: ct).ConfigureAwait(false);
        return pods.Items.Where(p => p.Metadata.OwnerReferences?.Any(o => o.Uid == rs.Metadata.Uid) == true).ToList();
    }

    private static Task<V1Pod> WaitForNewReadyPodAsync(Lab lab, V1ReplicaSet rs, HashSet<string> before, string description, CancellationToken ct)
        => lab.WaitWithPullsAsync(Selector(rs), expectsRunningPods: true,
            token => ListWatch.UntilAsync<V1Pod, V1PodList, V1Pod>(
                (rv, watch, c) => lab.Client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(lab.Namespace, labelSelector: Selector(rs), resourceVersion: rv, watch: watch, cancellationToken: c),
                pods =>
                {
                    var fresh = pods.FirstOrDefault(p => !before.Contains(p.Metadata.Uid) && PodStatusText.IsReady(p) && p.Metadata.DeletionTimestamp is null
                        && p.Metadata.OwnerReferences?.Any(o => o.Uid == rs.Metadata.Uid) == true);
                    return (fresh is not null, fresh!);
                }, token),
            StepTimeout, description, () => WaitDiagnostics.DescribeAsync(lab.Client, lab.Namespace, Selector(rs)), ct);

    /// <summary>The ReplicaSet's selector as a label-selector string (matchLabels and matchExpressions).</summary>
    internal static string Selector(V1ReplicaSet rs)
    {
        var parts = new List<string>();
        foreach (var (k, v) in rs.Spec?.Selector?.MatchLabels ?? new Dictionary<string, string>()) parts.Add($"{k}={v}");
        foreach (var e in rs.Spec?.Selector?.MatchExpressions ?? [])
            parts.Add(e.OperatorProperty switch
            {
                "In" => $"{e.Key} in ({string.Join(",", e.Values ?? [])})",
                "NotIn" => $"{e.Key} notin ({string.Join(",", e.Values ?? [])})",
                "Exists" => e.Key,
                "DoesNotExist" => "!" + e.Key,
                _ => e.Key,
            });
        return string.Join(",", parts);
    }
}
