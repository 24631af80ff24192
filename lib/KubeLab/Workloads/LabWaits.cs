using k8s;
using k8s.Models;
using KubeLab.Observe;
using KubeLab.Workloads;

namespace KubeLab;

/// <summary>Watch-based waits. On timeout they throw <see cref="WaitTimeoutException"/> explaining what the pods were doing.
/// The timeout (90 s by default) is extended while the pods' images are still being pulled (up to 10 min; see PullAwareWait),
/// and a wait for running pods stops at once when an image cannot exist.</summary>
public sealed partial class Lab
{
    /// <summary>Waits until status.readyReplicas == spec.replicas (and the status reflects the latest spec).</summary>
    public async Task<V1ReplicaSet> WaitForReplicaSetReadyAsync(string name, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var t = timeout ?? DefaultTimeout;
        string? selector = null;
        return await WaitWithPullsAsync(() => PodScope.Selected(selector), expectsRunningPods: true,
            token => ListWatch.UntilAsync<V1ReplicaSet, V1ReplicaSetList, V1ReplicaSet>(
                (rv, watch, c) => _client.AppsV1.ListNamespacedReplicaSetWithHttpMessagesAsync(Namespace, fieldSelector: $"metadata.name={name}", resourceVersion: rv, watch: watch, cancellationToken: c),
                items =>
                {
                    var rs = items.FirstOrDefault();
                    if (rs?.Spec?.Selector?.MatchLabels is { Count: > 0 } ml) selector = string.Join(",", ml.Select(kv => $"{kv.Key}={kv.Value}"));
                    return (rs is not null && IsReplicaSetReady(rs), rs!);
                }, token),
            t, $"ReplicaSet {name} to have all replicas ready",
            async () => await DescribeReplicaSetAsync(name).ConfigureAwait(false) + "\n" + await WaitDiagnostics.DescribeAsync(_client, Namespace, selector).ConfigureAwait(false),
            ct).ConfigureAwait(false);
    }

    internal static bool IsReplicaSetReady(V1ReplicaSet rs)
        => (rs.Status?.ReadyReplicas ?? 0) == (rs.Spec?.Replicas ?? 1)
           && (rs.Status?.Replicas ?? 0) == (rs.Spec?.Replicas ?? 1)
           && (rs.Status?.ObservedGeneration ?? 0) >= (rs.Metadata.Generation ?? 0);

    private async Task<string> DescribeReplicaSetAsync(string name)
    {
        try
        {
            var rs = await _client.AppsV1.ReadNamespacedReplicaSetAsync(name, Namespace).ConfigureAwait(false);
            return $"  ReplicaSet {name}: desired {rs.Spec?.Replicas ?? 1}, current {rs.Status?.Replicas ?? 0}, ready {rs.Status?.ReadyReplicas ?? 0}.";
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return $"  ReplicaSet {name} does not exist in namespace {Namespace} (was it applied?).";
        }
    }

    /// <summary>Waits until the pod's phase is Running (at least one container runs: others of a multi-container Pod may still be
    /// starting – use <see cref="WaitForPodReadyAsync"/> before talking to each). Fails fast if it ends (Succeeded/Failed) instead.</summary>
    public Task<V1Pod> WaitForPodRunningAsync(string name, TimeSpan? timeout = null, CancellationToken ct = default) =>
        WaitForPodAsync(name, "Running", p => p.Status?.Phase == "Running", timeout, ct);

    /// <summary>Waits until the pod's Ready condition is True – every container started and passing its readiness probe, what
    /// <c>kubectl wait --for=condition=Ready pod/NAME</c> waits for. Fails fast if the pod ends (Succeeded/Failed) instead.</summary>
    public Task<V1Pod> WaitForPodReadyAsync(string name, TimeSpan? timeout = null, CancellationToken ct = default) =>
        WaitForPodAsync(name, "Ready", p => p.Status?.Phase == "Running" && p.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, timeout, ct);

    private async Task<V1Pod> WaitForPodAsync(string name, string state, Func<V1Pod, bool> reached, TimeSpan? timeout, CancellationToken ct)
    {
        var t = timeout ?? DefaultTimeout;
        var pod = await WaitWithPullsAsync(() => PodScope.Named(name), expectsRunningPods: true,
            token => ListWatch.UntilAsync<V1Pod, V1PodList, V1Pod>(
                (rv, watch, c) => _client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(Namespace, fieldSelector: $"metadata.name={name}", resourceVersion: rv, watch: watch, cancellationToken: c),
                items =>
                {
                    var p = items.FirstOrDefault();
                    return (p is not null && (reached(p) || p.Status?.Phase is "Succeeded" or "Failed"), p!);
                }, token),
            t, $"pod {name} to be {state}",
            () => WaitDiagnostics.DescribeAsync(_client, Namespace, null), ct).ConfigureAwait(false);
        if (!reached(pod))
            throw new WaitTimeoutException($"pod {name} to be {state}", TimeSpan.Zero,
                $"  The pod finished instead (phase {pod.Status?.Phase}) and will never be {state}.\n  {WaitDiagnostics.DescribePod(pod)}");
        return pod;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the pods matching <paramref name="labelSelector"/>.</summary>
    public async Task<IReadOnlyList<V1Pod>> WaitForPodsAsync(string labelSelector, Func<IReadOnlyList<V1Pod>, bool> condition, string description,
        TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return await WaitWithPullsAsync(() => PodScope.Selected(labelSelector), expectsRunningPods: false,
            token => ListWatch.UntilAsync<V1Pod, V1PodList, IReadOnlyList<V1Pod>>(
                (rv, watch, c) => _client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(Namespace, labelSelector: labelSelector, resourceVersion: rv, watch: watch, cancellationToken: c),
                items =>
                {
                    var pods = items.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
                    return (condition(pods), pods);
                }, token),
            timeout ?? DefaultTimeout, description,
            () => WaitDiagnostics.DescribeAsync(_client, Namespace, labelSelector), ct).ConfigureAwait(false);
    }
}
