using k8s;
using k8s.Models;
using KubeLab.Observe;
using KubeLab.Workloads;

namespace KubeLab;

/// <summary>Watch-based waits for DaemonSets and StatefulSets (the conditions `kubectl rollout status` uses for them).</summary>
public sealed partial class Lab
{
    /// <summary>
    /// Waits until the DaemonSet's status reflects its latest spec and every node that should run it has an updated, ready pod:
    /// observedGeneration ≥ generation, updatedNumberScheduled == numberAvailable == numberReady == desiredNumberScheduled.
    /// </summary>
    public async Task<V1DaemonSet> WaitForDaemonSetReadyAsync(string name, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        string? selector = null;
        return await WaitWithPullsAsync(() => PodScope.Selected(selector), expectsRunningPods: true,
            token => ListWatch.UntilAsync<V1DaemonSet, V1DaemonSetList, V1DaemonSet>(
                (rv, watch, c) => _client.AppsV1.ListNamespacedDaemonSetWithHttpMessagesAsync(Namespace, fieldSelector: $"metadata.name={name}", resourceVersion: rv, watch: watch, cancellationToken: c),
                items =>
                {
                    var ds = items.FirstOrDefault();
                    selector = SelectorText(ds?.Spec?.Selector) ?? selector;
                    return (ds is not null && IsDaemonSetReady(ds), ds!);
                }, token),
            timeout ?? DefaultTimeout, $"DaemonSet {name} to have an updated, ready pod on every eligible node",
            async () => await DescribeSetAsync("DaemonSet", name).ConfigureAwait(false) + "\n" + await WaitDiagnostics.DescribeAsync(_client, Namespace, selector).ConfigureAwait(false),
            ct).ConfigureAwait(false);
    }

    internal static bool IsDaemonSetReady(V1DaemonSet ds)
    {
        var s = ds.Status;
        return s is not null && (s.ObservedGeneration ?? 0) >= (ds.Metadata.Generation ?? 0)
               && (s.UpdatedNumberScheduled ?? 0) == s.DesiredNumberScheduled
               && (s.NumberAvailable ?? 0) == s.DesiredNumberScheduled
               && s.NumberReady == s.DesiredNumberScheduled
               && s.CurrentNumberScheduled == s.DesiredNumberScheduled
               && s.NumberMisscheduled == 0;
    }

    /// <summary>
    /// Waits until the StatefulSet has spec.replicas pods, all ready and at the update revision, and reports no surplus
    /// (status.replicas == readyReplicas == updatedReplicas == spec.replicas, observedGeneration ≥ generation).
    /// </summary>
    public async Task<V1StatefulSet> WaitForStatefulSetReadyAsync(string name, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        string? selector = null;
        return await WaitWithPullsAsync(() => PodScope.Selected(selector), expectsRunningPods: true,
            token => ListWatch.UntilAsync<V1StatefulSet, V1StatefulSetList, V1StatefulSet>(
                (rv, watch, c) => _client.AppsV1.ListNamespacedStatefulSetWithHttpMessagesAsync(Namespace, fieldSelector: $"metadata.name={name}", resourceVersion: rv, watch: watch, cancellationToken: c),
                items =>
                {
                    var sts = items.FirstOrDefault();
                    selector = SelectorText(sts?.Spec?.Selector) ?? selector;
                    return (sts is not null && IsStatefulSetReady(sts), sts!);
                }, token),
            timeout ?? DefaultTimeout, $"StatefulSet {name} to have all replicas ready and updated",
            async () => await DescribeSetAsync("StatefulSet", name).ConfigureAwait(false) + "\n" + await WaitDiagnostics.DescribeAsync(_client, Namespace, selector).ConfigureAwait(false),
            ct).ConfigureAwait(false);
    }

    internal static bool IsStatefulSetReady(V1StatefulSet sts)
    {
        var want = sts.Spec?.Replicas ?? 1;
        var s = sts.Status;
        return s is not null && (s.ObservedGeneration ?? 0) >= (sts.Metadata.Generation ?? 0)
               && s.Replicas == want && (s.ReadyReplicas ?? 0) == want && (s.UpdatedReplicas ?? 0) == want;
    }

    private static string? SelectorText(V1LabelSelector? selector) =>
        selector?.MatchLabels is { Count: > 0 } ml ? string.Join(",", ml.Select(kv => $"{kv.Key}={kv.Value}")) : null;

    private async Task<string> DescribeSetAsync(string kind, string name)
    {
        try
        {
            if (kind == "DaemonSet")
            {
                var ds = await _client.AppsV1.ReadNamespacedDaemonSetAsync(name, Namespace).ConfigureAwait(false);
                var s = ds.Status;
                return $"  DaemonSet {name}: desired {s?.DesiredNumberScheduled ?? 0}, current {s?.CurrentNumberScheduled ?? 0}, ready {s?.NumberReady ?? 0}, " +
                       $"up-to-date {s?.UpdatedNumberScheduled ?? 0}, available {s?.NumberAvailable ?? 0}, misscheduled {s?.NumberMisscheduled ?? 0}.";
            }
            var sts = await _client.AppsV1.ReadNamespacedStatefulSetAsync(name, Namespace).ConfigureAwait(false);
            return $"  StatefulSet {name}: desired {sts.Spec?.Replicas ?? 1}, current {sts.Status?.Replicas ?? 0}, ready {sts.Status?.ReadyReplicas ?? 0}, " +
                   $"updated {sts.Status?.UpdatedReplicas ?? 0}.";
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return $"  {kind} {name} does not exist in namespace {Namespace} (was it applied?).";
        }
    }
}
