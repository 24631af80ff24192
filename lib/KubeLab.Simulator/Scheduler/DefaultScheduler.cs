using System.Collections.Concurrent;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Scheduler;

/// <summary>
/// default-scheduler: watches pods that have no spec.nodeName, picks a node (<see cref="SchedulingDecision"/>) and binds
/// the pod to it through the API (POST pods/{name}/binding). A pod it cannot place gets the PodScheduled=False
/// condition (reason Unschedulable) and a FailedScheduling event, and is retried with back-off and whenever a node changes.
/// Like the real scheduler it "assumes" a pod onto its node as soon as it decides, so the next decision already counts it.
/// </summary>
public sealed class DefaultScheduler
{
    public const string Name = "default-scheduler";

    private readonly IKubernetes client;
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly Informer<V1Node, V1NodeList> nodes;
    private readonly EventRecorder recorder;
    private readonly TimeProvider time;
    private readonly WorkQueue queue;
    private readonly ConcurrentDictionary<string, string> assumed = new(); // pod uid → node
    private readonly ConcurrentDictionary<string, ResourceRequest> assumedRequests = new(); // pod uid → its requests
    private readonly ConcurrentDictionary<string, int> unschedulableAttempts = new(); // pod key → failed scheduling cycles
    private readonly VolumeBindingFilter? volumeBinding;

    /// <param name="volumeBinding">the volume plugins (see <see cref="VolumeBindingFilter"/>), when volumes are modelled.</param>
    public DefaultScheduler(IKubernetes client, Informer<V1Pod, V1PodList> pods, Informer<V1Node, V1NodeList> nodes, EventRecorder recorder, TimeProvider time,
        VolumeBindingFilter? volumeBinding = null)
    {
        this.volumeBinding = volumeBinding;
        this.client = client;
        this.pods = pods;
        this.nodes = nodes;
        this.recorder = recorder;
        this.time = time;
        queue = new WorkQueue(time);
        pods.AddIndex(RunningOnNodeIndex, OccupiedNode);
        pods.AddHandler(added: Enqueue, updated: (_, pod) => Enqueue(pod), deleted: pod =>
        {
            assumed.TryRemove(pod.Metadata.Uid ?? "", out _);
            assumedRequests.TryRemove(pod.Metadata.Uid ?? "", out _);
            unschedulableAttempts.TryRemove(Informer<V1Pod, V1PodList>.KeyOf(pod), out _);
        });
        // A new or changed node may make waiting pods schedulable (kube-scheduler moves them back to the active queue).
        nodes.AddHandler(added: _ => RequeueUnscheduled(), updated: (_, _) => RequeueUnscheduled());
    }

    public static bool NeedsScheduling(V1Pod pod) =>
        string.IsNullOrEmpty(pod.Spec?.NodeName) &&
        pod.Metadata.DeletionTimestamp is null &&
        (pod.Spec?.SchedulerName ?? Name) == Name &&
        pod.Status?.Phase is null or "Pending";

    private void Enqueue(V1Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName) && assumed.TryRemove(pod.Metadata.Uid ?? "", out _)) assumedRequests.TryRemove(pod.Metadata.Uid ?? "", out _);
        if (NeedsScheduling(pod)) queue.Add(Informer<V1Pod, V1PodList>.KeyOf(pod));
    }

    private void RequeueUnscheduled()
    {
        foreach (var pod in pods.List().Where(NeedsScheduling)) queue.Add(Informer<V1Pod, V1PodList>.KeyOf(pod));
    }

    /// <summary>How often pods that need a node but were never tried are looked for again (a safety net, see <see cref="ResyncAsync"/>).</summary>
    private static readonly TimeSpan ResyncPeriod = TimeSpan.FromSeconds(1);

    /// <summary>A bind that has not answered by then is abandoned and retried, so one slow request cannot stall scheduling.</summary>
    private static readonly TimeSpan BindTimeout = TimeSpan.FromSeconds(10);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(pods.Synced, nodes.Synced).WaitAsync(cancellationToken).ConfigureAwait(false);
        var resync = ResyncAsync(cancellationToken);
        try { await queue.RunWorkersAsync(1, ReconcileAsync, cancellationToken).ConfigureAwait(false); }
        finally
        {
            queue.Dispose();
            await resync.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Level-triggered safety net, like an informer's resync: every second, pods that still need a node, are not assumed and
    /// have not been found unschedulable (those wait for their back-off or a node change) go back into the queue, so a missed
    /// notification can delay a pod by a second but never strand it.
    /// </summary>
    private async Task ResyncAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(ResyncPeriod, time, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            foreach (var pod in pods.List())
            {
                var key = Informer<V1Pod, V1PodList>.KeyOf(pod);
                if (NeedsScheduling(pod) && !assumed.ContainsKey(pod.Metadata.Uid ?? "") && !unschedulableAttempts.ContainsKey(key))
                    queue.Add(key);
            }
        }
    }

    /// <summary>Pods counted on a node: those bound there (and not finished) plus those we assumed there but have not seen bound yet.</summary>
    private Func<string, int> PodCounter()
    {
        // Counted from an index of the pod cache by node (the scheduler cache's NodeInfo), not by scanning every pod per decision.
        var assumedOn = new Dictionary<string, int>();
        foreach (var node in assumed.Values) assumedOn[node] = assumedOn.GetValueOrDefault(node) + 1;
        return node => pods.IndexCount(RunningOnNodeIndex, node) + assumedOn.GetValueOrDefault(node);
    }

    /// <summary>What the pods on a node request (NodeInfo.Requested): bound, unfinished pods plus assumed ones.</summary>
    private Func<string, ResourceRequest> RequestedCounter()
    {
        var assumedOn = new Dictionary<string, ResourceRequest>();
        foreach (var (uid, node) in assumed)
            assumedOn[node] = assumedOn.GetValueOrDefault(node) + assumedRequests.GetValueOrDefault(uid);
        return node => pods.ByIndex(RunningOnNodeIndex, node).Aggregate(assumedOn.GetValueOrDefault(node), (sum, p) => sum + NodeResourcesFit.Requests(p));
    }

    private const string RunningOnNodeIndex = "scheduler:nodeName";

    /// <summary>The node a pod occupies: bound and not finished.</summary>
    private static string? OccupiedNode(V1Pod p) =>
        string.IsNullOrEmpty(p.Spec?.NodeName) || p.Status?.Phase is "Succeeded" or "Failed" ? null : p.Spec.NodeName;

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var pod = pods.Get(key);
        if (pod is null || !NeedsScheduling(pod) || assumed.ContainsKey(pod.Metadata.Uid ?? "")) return;

        var allNodes = nodes.List();
        var result = volumeBinding?.PreFilter(pod) is { } preFilterMessage
            ? new SchedulingResult(null, SchedulingDecision.PreFilterFailureMessage(allNodes.Count, preFilterMessage))
            : SchedulingDecision.Decide(pod, allNodes, PodCounter(), volumeFilter: volumeBinding is null ? null : volumeBinding.Filter, 
                // A pod requesting no cpu or memory never fails on them: skip summing the node's pods.
                requestedOnNode: NodeResourcesFit.Requests(pod) is { Cpu: 0, Memory: 0 } ? null : RequestedCounter());
        if (result.NodeName is { } node)
        {
            unschedulableAttempts.TryRemove(key, out _);
            assumedRequests[pod.Metadata.Uid ?? ""] = NodeResourcesFit.Requests(pod);
            assumed[pod.Metadata.Uid ?? ""] = node;
            if (volumeBinding?.NeedsPreBind(pod) == true)
            {
                // The binding cycle runs on its own (as kube-scheduler's does) while PreBind waits for the volumes.
                _ = Task.Run(() => PreBindThenBindAsync(pod, key, allNodes.First(n => n.Metadata.Name == node), ct), CancellationToken.None);
                return;
            }
            using var bindTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bindTimeout.CancelAfter(BindTimeout);
            try { await BindAsync(pod, node, bindTimeout.Token).ConfigureAwait(false); }
            catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
            {
                assumed.TryRemove(pod.Metadata.Uid ?? "", out _); // pod deleted or already bound meanwhile: nothing to do
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // The binding cycle failed: forget the assumption, say so on the pod as kube-scheduler does, retry with back-off.
                assumed.TryRemove(pod.Metadata.Uid ?? "", out _);
                recorder.Warning(EventRecorder.Reference(pod), "FailedScheduling", BindingRejected(e));
                throw;
            }
            recorder.Normal(EventRecorder.Reference(pod), "Scheduled",
                $"Successfully assigned {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} to {node}");
            return;
        }

        await MarkUnschedulableAsync(pod, result.FailureMessage!, ct).ConfigureAwait(false);
        recorder.Warning(EventRecorder.Reference(pod), "FailedScheduling", result.FailureMessage!);
        // Retry later; node changes requeue sooner. Back-off 1 s doubling to 10 s (the real scheduler uses 1 s → 10 s too).
        var attempt = unschedulableAttempts.AddOrUpdate(key, 1, (_, n) => n + 1);
        queue.AddAfter(key, TimeSpan.FromSeconds(Math.Min(10, Math.Pow(2, attempt - 1))));
    }

    /// <summary>The binding cycle of a pod with unbound WaitForFirstConsumer claims: VolumeBinding's PreBind, then DefaultBinder.</summary>
    private async Task PreBindThenBindAsync(V1Pod pod, string key, V1Node node, CancellationToken ct)
    {
        try
        {
            await volumeBinding!.PreBindAsync(pod, node, ct).ConfigureAwait(false);
            await BindAsync(pod, node.Metadata.Name, ct).ConfigureAwait(false);
            recorder.Normal(EventRecorder.Reference(pod), "Scheduled",
                $"Successfully assigned {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} to {node.Metadata.Name}");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
        {
            assumed.TryRemove(pod.Metadata.Uid ?? "", out _);
        }
        catch (Exception e)
        {
            assumed.TryRemove(pod.Metadata.Uid ?? "", out _);
            var reason = e is HttpOperationException h ? ApiErrorMessage.Of(h) : e.Message;
            recorder.Warning(EventRecorder.Reference(pod), "FailedScheduling", $"running PreBind plugin \"VolumeBinding\": {reason}");
            var attempt = unschedulableAttempts.AddOrUpdate(key, 1, (_, n) => n + 1);
            queue.AddAfter(key, TimeSpan.FromSeconds(Math.Min(10, Math.Pow(2, attempt - 1))));
        }
    }

    private Task BindAsync(V1Pod pod, string node, CancellationToken ct)
    {
        var binding = new V1Binding
        {
            Metadata = new V1ObjectMeta { Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty, Uid = pod.Metadata.Uid },
            Target = new V1ObjectReference { Kind = "Node", ApiVersion = "v1", Name = node },
        };
        // The answer is a Status; only success matters.
        return RawApiRequest.WriteAsync(client, HttpMethod.Post, $"api/v1/namespaces/{pod.Metadata.NamespaceProperty}/pods/{pod.Metadata.Name}/binding",
            KubernetesJson.Serialize(binding), "application/json", ct);
    }

    /// <summary>kube-scheduler's wording when the DefaultBinder plugin fails (the event message of a failed binding cycle).</summary>
    private static string BindingRejected(Exception e)
    {
        var reason = e switch
        {
            HttpOperationException h => ApiErrorMessage.Of(h),
            OperationCanceledException => $"binding did not answer within {BindTimeout.TotalSeconds:0} s",
            _ => e.Message,
        };
        return $"binding rejected: running Bind plugin \"DefaultBinder\": {reason}";
    }

    private async Task MarkUnschedulableAsync(V1Pod pod, string message, CancellationToken ct)
    {
        var existing = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (existing is { Status: "False", Reason: "Unschedulable" } && existing.Message == message) return;
        var now = time.GetUtcNow().UtcDateTime;
        var condition = new V1PodCondition
        {
            Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = message,
            LastTransitionTime = existing?.Status == "False" ? existing.LastTransitionTime ?? now : now,
        };
        var conditions = (pod.Status?.Conditions ?? []).Where(c => c.Type != "PodScheduled").Append(condition).ToList();
        var body = KubernetesJson.Serialize(new { status = new { conditions } });
        await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(body, V1Patch.PatchType.MergePatch),
            pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
    }
}
