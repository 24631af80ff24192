using k8s;
using k8s.Autorest;
using k8s.Models;
using System.Text.Json.Nodes;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Controllers.History;

namespace KubeLab.Simulator.Controllers.DaemonSet;

/// <summary>
/// apps/v1 DaemonSet controller ("daemonset-controller"; pkg/controller/daemon syncDaemonSet), one reconcile per DaemonSet:
/// <list type="number">
/// <item>record the template as a ControllerRevision; its hash is the pods' <c>controller-revision-hash</c> label;</item>
/// <item>for every node (<see cref="DaemonSetPlacement"/>): create the missing pod <c>&lt;ds&gt;-&lt;5 chars&gt;</c> where one should run,
/// delete failed pods and duplicates, delete pods from nodes that no longer qualify;</item>
/// <item>RollingUpdate: replace old-revision pods node by node, never more than maxUnavailable (default 1) unavailable
/// at once (maxSurge 0: old pod first, then the new one); OnDelete: new pods only where old ones were deleted by hand;</item>
/// <item>write desiredNumberScheduled, currentNumberScheduled, numberMisscheduled, numberReady, numberAvailable,
/// updatedNumberScheduled, numberUnavailable and observedGeneration.</item>
/// </list>
/// Node changes (labels, taints, new nodes) re-queue every DaemonSet.
/// </summary>
public sealed class DaemonSetController
{
    public const string Component = "daemonset-controller";

    private readonly IKubernetes client;
    private readonly Informer<V1DaemonSet, V1DaemonSetList> daemonSets;
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly Informer<V1Node, V1NodeList> nodes;
    private readonly ControllerRevisionHistory history;
    private readonly TimeProvider time;
    private readonly WorkQueue queue;
    private readonly ControllerExpectations expectations;
    private readonly EventRecorder recorder;

    public DaemonSetController(IKubernetes client, Informer<V1DaemonSet, V1DaemonSetList> daemonSets, Informer<V1Pod, V1PodList> pods,
        Informer<V1Node, V1NodeList> nodes, ControllerRevisionHistory history, TimeProvider time)
    {
        this.client = client;
        this.daemonSets = daemonSets;
        this.pods = pods;
        this.nodes = nodes;
        this.history = history;
        this.time = time;
        queue = new WorkQueue(time);
        expectations = new ControllerExpectations(time);
        recorder = new EventRecorder(client, time, Component);
        daemonSets.AddHandler(added: d => queue.Add(Key(d)), updated: (_, d) => queue.Add(Key(d)),
            deleted: d => { expectations.Forget(Key(d)); queue.Add(Key(d)); });
        pods.AddHandler(
            added: p => { if (OwnerKey(p) is { } k) { expectations.CreationObserved(k); queue.Add(k); } },
            updated: (_, p) =>
            {
                if (OwnerKey(p) is not { } k) return;
                if (p.Metadata.DeletionTimestamp is not null) expectations.DeletionObserved(k, Informer<V1Pod, V1PodList>.KeyOf(p));
                queue.Add(k);
            },
            deleted: p => { if (OwnerKey(p) is { } k) { expectations.DeletionObserved(k, Informer<V1Pod, V1PodList>.KeyOf(p)); queue.Add(k); } });
        nodes.AddHandler(added: _ => EnqueueAll(), updated: (_, _) => EnqueueAll(), deleted: _ => EnqueueAll());
    }

    private static string Key(V1DaemonSet d) => Informer<V1DaemonSet, V1DaemonSetList>.KeyOf(d);

    private void EnqueueAll()
    {
        foreach (var d in daemonSets.List()) queue.Add(Key(d));
    }

    private static string? OwnerKey(V1Pod pod) =>
        PodFacts.ControllerOf(pod) is { Kind: "DaemonSet" } owner ? Informer<V1DaemonSet, V1DaemonSetList>.KeyOf(pod.Metadata.NamespaceProperty, owner.Name) : null;

    public Task RunAsync(int workers, CancellationToken ct) =>
        queue.RunControllerAsync(Task.WhenAll(daemonSets.Synced, pods.Synced, nodes.Synced), () => daemonSets.List().Select(Key), workers, ReconcileAsync, [recorder], ct);

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var ds = daemonSets.Get(key);
        if (ds is null) { expectations.Forget(key); return; }
        if (ds.Metadata.DeletionTimestamp is not null || ds.Spec?.Template?.Spec is null) return;

        var hash = ControllerRevisionHistory.Hash(ds.Spec.Template, ds.Status?.CollisionCount ?? 0);
        await history.EnsureAsync(ds.Metadata, "DaemonSet", ds.Spec.Template, hash,
            WithLabel(ds.Spec.Template.Metadata?.Labels, "controller-revision-hash", hash), ct).ConfigureAwait(false);

        // Ask the expectations BEFORE reading the pod cache, like syncDaemonSet (pkg/controller/daemon/daemon_controller.go
        // checks SatisfiedExpectations, then manage → getNodesToDaemonPods lists pods). In the other order a pod add can land
        // in between: the snapshot lacks the pod while the expectations already count it, and the pod is created twice.
        var mayManage = expectations.Satisfied(key);
        // Terminating pods still count for their node: with maxSurge 0 the replacement is created only once the old pod is gone
        // (no two agents on one node, e.g. competing for a hostPort).
        var owned = PodFacts.OwnedOrOrphans(pods, ds.Metadata).Where(p => PodFacts.ControllerOf(p)?.Uid == ds.Metadata.Uid).ToList();
        var byNode = owned.GroupBy(p => DaemonSetPlacement.NodeOf(p) ?? "").ToDictionary(g => g.Key, g => g.ToList());
        var allNodes = nodes.List().OrderBy(n => n.Metadata.Name, StringComparer.Ordinal).ToList();
        var minReady = ds.Spec.MinReadySeconds ?? 0;
        var now = time.GetUtcNow().UtcDateTime;

        if (mayManage)
        {
            var create = new List<string>();
            var delete = new List<V1Pod>();
            var old = new List<(string Node, V1Pod Pod)>();
            var unavailable = 0;
            foreach (var node in allNodes)
            {
                var (shouldRun, mayStay) = DaemonSetPlacement.Evaluate(ds.Spec.Template.Spec, node);
                var onNode = byNode.GetValueOrDefault(node.Metadata.Name) ?? [];
                var here = onNode.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
                if (!shouldRun && !mayStay) { delete.AddRange(here); continue; }
                // Failed daemon pods are deleted and replaced (the controller backs off when that repeats).
                delete.AddRange(here.Where(p => p.Status?.Phase == "Failed"));
                var running = here.Where(p => p.Status?.Phase != "Failed").OrderBy(p => p.Metadata.CreationTimestamp).ToList();
                if (running.Count == 0)
                {
                    if (!shouldRun) continue;
                    unavailable++;
                    if (onNode.Count == here.Count) create.Add(node.Metadata.Name); // else: wait until the terminating pod is gone
                    continue;
                }
                delete.AddRange(running.Skip(1)); // duplicates: keep the oldest
                var pod = running[0];
                if (!PodFacts.IsAvailable(pod, minReady, now)) unavailable++;
                if (Hash(pod) != hash) old.Add((node.Metadata.Name, pod));
            }
            if (ds.Spec.UpdateStrategy?.Type is null or "RollingUpdate" && create.Count == 0 && delete.Count == 0)
                delete.AddRange(RollingUpdateVictims(ds, old, unavailable, minReady, now, allNodes.Count(n => DaemonSetPlacement.Evaluate(ds.Spec.Template.Spec, n).ShouldRun)));
            await ManageAsync(key, ds, hash, create, delete, ct).ConfigureAwait(false);
        }

        await UpdateStatusAsync(ds, hash, allNodes, byNode, minReady, now, ct).ConfigureAwait(false);
        var inUse = owned.Select(Hash).Where(h => h is not null).Select(h => $"{ds.Metadata.Name}-{h}").Append($"{ds.Metadata.Name}-{hash}").ToHashSet();
        await history.TruncateAsync(ds.Metadata, ds.Spec.RevisionHistoryLimit ?? 10, inUse, ct).ConfigureAwait(false);
        if (minReady > 0) queue.AddAfter(key, TimeSpan.FromSeconds(minReady)); // pods turn available later
    }

    private static string? Hash(V1Pod pod) => pod.Metadata.Labels?.TryGetValue("controller-revision-hash", out var h) == true ? h : null;

    /// <summary>maxSurge 0: delete old pods – unavailable ones always, available ones while fewer than maxUnavailable are down.</summary>
    private static IEnumerable<V1Pod> RollingUpdateVictims(V1DaemonSet ds, List<(string Node, V1Pod Pod)> old, int unavailable, int minReady, DateTime now, int desired)
    {
        var maxUnavailable = ScaledValue(ds.Spec.UpdateStrategy?.RollingUpdate?.MaxUnavailable, desired, roundUp: true, fallback: 1);
        if (maxUnavailable == 0 && desired > 0) maxUnavailable = 1; // validation forbids 0 together with maxSurge 0
        var budget = maxUnavailable - unavailable;
        foreach (var (_, pod) in old.OrderBy(o => o.Node, StringComparer.Ordinal))
        {
            if (!PodFacts.IsAvailable(pod, minReady, now)) { yield return pod; continue; }
            if (budget <= 0) continue;
            budget--;
            yield return pod;
        }
    }

    /// <summary>An IntOrString "1" or "25%" scaled against a total (intstr.GetScaledValueFromIntOrPercent).</summary>
    internal static int ScaledValue(IntOrString? value, int total, bool roundUp, int fallback)
    {
        var text = value?.Value;
        if (string.IsNullOrEmpty(text)) return fallback;
        if (text.EndsWith('%') && int.TryParse(text[..^1], out var percent))
            return (int)(roundUp ? Math.Ceiling(percent * total / 100.0) : Math.Floor(percent * total / 100.0));
        return int.TryParse(text, out var n) ? n : fallback;
    }

    private async Task ManageAsync(string key, V1DaemonSet ds, string hash, List<string> create, List<V1Pod> delete, CancellationToken ct)
    {
        if (create.Count == 0 && delete.Count == 0) return;
        expectations.ExpectCreations(key, create.Count);
        expectations.ExpectDeletions(key, delete.Select(Informer<V1Pod, V1PodList>.KeyOf));
        var failures = 0;
        await Task.WhenAll(create.Select(async node =>
        {
            if (!await CreatePodAsync(ds, hash, node, ct).ConfigureAwait(false)) { expectations.CreationObserved(key); Interlocked.Increment(ref failures); }
        })).ConfigureAwait(false);
        await Task.WhenAll(delete.Select(async pod =>
        {
            try
            {
                await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
                recorder.Normal(Reference(ds), "SuccessfulDelete", $"Deleted pod: {pod.Metadata.Name}");
            }
            catch (HttpOperationException e)
            {
                expectations.DeletionObserved(key, Informer<V1Pod, V1PodList>.KeyOf(pod));
                if (e.Response.StatusCode != System.Net.HttpStatusCode.NotFound) Interlocked.Increment(ref failures);
            }
        })).ConfigureAwait(false);
        if (failures > 0) throw new InvalidOperationException($"{failures} pod operations failed for DaemonSet {key}; retrying");
    }

    private async Task<bool> CreatePodAsync(V1DaemonSet ds, string hash, string node, CancellationToken ct)
    {
        var template = ds.Spec.Template;
        var labels = WithLabel(template.Metadata?.Labels, "controller-revision-hash", hash);
        labels["pod-template-generation"] = (ds.Metadata.Generation ?? 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pod = new V1Pod
        {
            ApiVersion = "v1", Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = ds.Metadata.Name + "-",
                NamespaceProperty = ds.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = template.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : null,
                OwnerReferences = [new V1OwnerReference
                {
                    ApiVersion = "apps/v1", Kind = "DaemonSet", Name = ds.Metadata.Name, Uid = ds.Metadata.Uid, Controller = true, BlockOwnerDeletion = true,
                }],
            },
            Spec = DaemonSetPlacement.SpecFor(template.Spec, node),
        };
        try
        {
            var created = await client.CoreV1.CreateNamespacedPodAsync(pod, ds.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            recorder.Normal(Reference(ds), "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
            return true;
        }
        catch (HttpOperationException e)
        {
            recorder.Warning(Reference(ds), "FailedCreate", $"Error creating: {e.Response.Content}");
            return false;
        }
    }

    private static Dictionary<string, string> WithLabel(IDictionary<string, string>? labels, string key, string value)
    {
        var copy = labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(labels);
        copy[key] = value;
        return copy;
    }

    private async Task UpdateStatusAsync(V1DaemonSet ds, string hash, List<V1Node> allNodes, Dictionary<string, List<V1Pod>> byNode,
        int minReady, DateTime now, CancellationToken ct)
    {
        int desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
        foreach (var node in allNodes)
        {
            var (shouldRun, _) = DaemonSetPlacement.Evaluate(ds.Spec.Template.Spec, node);
            var here = byNode.GetValueOrDefault(node.Metadata.Name) ?? [];
            if (!shouldRun) { if (here.Count > 0) misscheduled++; continue; }
            desired++;
            if (here.Count == 0) continue;
            current++;
            var pod = here.OrderBy(p => p.Metadata.CreationTimestamp).First();
            if (PodFacts.IsReady(pod)) ready++;
            if (PodFacts.IsAvailable(pod, minReady, now)) available++;
            if (Hash(pod) == hash) updated++;
        }
        var s = ds.Status;
        if (s is not null && s.DesiredNumberScheduled == desired && s.CurrentNumberScheduled == current && s.NumberMisscheduled == misscheduled &&
            s.NumberReady == ready && (s.NumberAvailable ?? 0) == available && (s.UpdatedNumberScheduled ?? 0) == updated &&
            s.ObservedGeneration == ds.Metadata.Generation) return;
        // numberUnavailable is omitted when 0 (omitempty): write null so the merge patch removes an old value.
        var body = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["desiredNumberScheduled"] = desired, ["currentNumberScheduled"] = current, ["numberMisscheduled"] = misscheduled,
                ["numberReady"] = ready, ["numberAvailable"] = available, ["updatedNumberScheduled"] = updated,
                ["numberUnavailable"] = desired - available > 0 ? desired - available : null,
                ["observedGeneration"] = ds.Metadata.Generation,
            },
        }.ToJsonString();
        try
        {
            // UpdateStatus (daemon_controller.go storeDaemonSetStatus): the role grants update on daemonsets/status, not patch.
            await client.AppsV1.ReplaceNamespacedDaemonSetStatusAsync(UpdateFromPatch.Status(ds, body),
                ds.Metadata.Name, ds.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
    }

    private static V1ObjectReference Reference(V1DaemonSet ds) => EventRecorder.Reference(ds.Metadata, "DaemonSet", "apps/v1");
}
