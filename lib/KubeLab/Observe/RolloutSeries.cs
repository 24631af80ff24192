using k8s;
using k8s.Models;
using KubeLab.Observe;

namespace KubeLab;

/// <summary>One ReplicaSet of a Deployment at one moment: its revision, image and replica counts.</summary>
public sealed record ReplicaSetCounts(string Name, long Revision, string Image, int Replicas, int Ready, int Available);

/// <summary>A Deployment's ReplicaSets at one moment, <see cref="Seconds"/> after the recording started (cluster clock).</summary>
public sealed record RolloutSample(double Seconds, IReadOnlyList<ReplicaSetCounts> ReplicaSets)
{
    /// <summary>Pods the ReplicaSets want in total (sum of spec.replicas) – what maxSurge limits.</summary>
    public int Total => ReplicaSets.Sum(r => r.Replicas);
    /// <summary>Available pods in total (sum of status.availableReplicas) – what maxUnavailable protects.</summary>
    public int Available => ReplicaSets.Sum(r => r.Available);
}

/// <summary>
/// Records a Deployment's ReplicaSets over time from the API server's watch stream (list, then watch – no polling):
/// every change of a ReplicaSet it owns is one <see cref="RolloutSample"/>. Start it before changing the Deployment,
/// stop it when the rollout is done; then draw old vs new replicas, totals and availability as step lines.
/// </summary>
public sealed class RolloutRecording
{
    private readonly List<RolloutSample> _samples = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _start;

    private RolloutRecording(Lab lab, string deployment)
    {
        Deployment = deployment;
        _clock = lab.Clock;
        _start = _clock.GetUtcNow();
        _loop = RunAsync(lab, _stop.Token);
    }

    public string Deployment { get; }

    public static RolloutRecording Start(Lab lab, string deployment)
    {
        ArgumentNullException.ThrowIfNull(lab);
        return new RolloutRecording(lab, deployment);
    }

    public IReadOnlyList<RolloutSample> Samples { get { lock (_gate) return _samples.ToList(); } }

    /// <summary>Stops recording; adds a last sample "now" so step lines reach the end.</summary>
    public async Task<RolloutRecording> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        lock (_gate)
            if (_samples.Count > 0) _samples.Add(_samples[^1] with { Seconds = Elapsed() });
        return this;
    }

    private double Elapsed() => (_clock.GetUtcNow() - _start).TotalSeconds;

    private async Task RunAsync(Lab lab, CancellationToken ct)
    {
        await Task.Yield();
        await ListWatch.UntilAsync<V1ReplicaSet, V1ReplicaSetList, bool>(
            (rv, watch, c) => lab.Client.AppsV1.ListNamespacedReplicaSetWithHttpMessagesAsync(lab.Namespace, resourceVersion: rv, watch: watch, cancellationToken: c),
            items =>
            {
                var owned = items.Where(rs => rs.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Kind == "Deployment" && o.Name == Deployment) == true)
                    .Select(rs => new ReplicaSetCounts(rs.Metadata.Name,
                        long.TryParse(rs.Metadata.Annotations?.TryGetValue("deployment.kubernetes.io/revision", out var r) == true ? r : "0", out var n) ? n : 0,
                        rs.Spec.Template?.Spec?.Containers?.FirstOrDefault()?.Image ?? "",
                        rs.Spec.Replicas ?? 0, rs.Status?.ReadyReplicas ?? 0, rs.Status?.AvailableReplicas ?? 0))
                    .OrderBy(x => x.Revision).ToList();
                lock (_gate)
                {
                    var changed = _samples.Count == 0 || !_samples[^1].ReplicaSets.SequenceEqual(owned);
                    if (changed) _samples.Add(new RolloutSample(Elapsed(), owned));
                }
                return (false, false);
            }, ct).ConfigureAwait(false);
    }

    /// <summary>The ReplicaSet with the highest revision at the end of the recording: the rollout's target.</summary>
    public string? NewReplicaSet => Samples.LastOrDefault()?.ReplicaSets.MaxBy(r => r.Revision)?.Name;

    private Series Make(string name, Func<RolloutSample, double> value, string? color = null) =>
        new(name, Samples.Select(s => (s.Seconds, value(s))).ToList(), Step: true, Color: color);

    /// <summary>spec.replicas of the new ReplicaSet over time.</summary>
    public Series NewReplicas(string? label = null, string? color = null)
    {
        var target = NewReplicaSet;
        return Make(label ?? $"{Deployment}: new ReplicaSet", s => s.ReplicaSets.Where(r => r.Name == target).Sum(r => r.Replicas), color);
    }

    /// <summary>spec.replicas of all other (old) ReplicaSets together over time.</summary>
    public Series OldReplicas(string? label = null, string? color = null)
    {
        var target = NewReplicaSet;
        return Make(label ?? $"{Deployment}: old ReplicaSets", s => s.ReplicaSets.Where(r => r.Name != target).Sum(r => r.Replicas), color);
    }

    public Series TotalReplicas(string? label = null, string? color = null) => Make(label ?? $"{Deployment}: total", s => s.Total, color);

    public Series AvailableReplicas(string? label = null, string? color = null) => Make(label ?? $"{Deployment}: available", s => s.Available, color);

    /// <summary>A horizontal line across the recording, e.g. replicas + maxSurge.</summary>
    public Series Level(string label, double y, string? color = null)
    {
        var end = Samples.Count == 0 ? 1 : Samples[^1].Seconds;
        return new Series(label, [(0, y), (end, y)], Color: color);
    }

    public int MaxTotal => Samples.Count == 0 ? 0 : Samples.Max(s => s.Total);
    /// <summary>The fewest available pods seen while the rollout ran (samples after the first change).</summary>
    public int MinAvailable => Samples.Count == 0 ? 0 : Samples.Min(s => s.Available);
}

/// <summary>Waiting for Deployments the way `kubectl rollout status` does, for notebooks.</summary>
public static class Rollouts
{
    /// <summary>
    /// Waits until the Deployment is rolled out (observedGeneration caught up; all replicas updated and available; no old ones
    /// left) – `kubectl rollout status`'s test. Throws if the Deployment reports ProgressDeadlineExceeded.
    /// </summary>
    public static Task<V1Deployment> WaitForRolloutAsync(this Lab lab, string name, TimeSpan? timeout = null, CancellationToken ct = default) =>
        lab.WaitForDeploymentAsync(name, d =>
        {
            if (d.Status?.Conditions?.Any(c => c.Type == "Progressing" && c.Reason == "ProgressDeadlineExceeded") == true
                && d.Status.ObservedGeneration >= d.Metadata.Generation)
                throw new InvalidOperationException($"deployment \"{name}\" exceeded its progress deadline – look at its pods (lab.PodsAsync()) and roll back or fix the template");
            return IsRolledOut(d);
        }, $"deployment {name} to be rolled out", timeout, ct);

    public static bool IsRolledOut(V1Deployment d) =>
        d.Status is { } s && s.ObservedGeneration >= d.Metadata.Generation && s.UpdatedReplicas == d.Spec.Replicas
        && s.Replicas == d.Spec.Replicas && s.AvailableReplicas == d.Spec.Replicas;

    /// <summary>Waits until <paramref name="condition"/> holds for the Deployment (watched, not polled).</summary>
    public static async Task<V1Deployment> WaitForDeploymentAsync(this Lab lab, string name, Func<V1Deployment, bool> condition, string description,
        TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(condition);
        // A rollout may be meant to get stuck (03's bad image), so pulls extend the wait but a failed pull does not end it.
        return await lab.WaitWithPullsAsync(null, expectsRunningPods: false,
            token => ListWatch.UntilAsync<V1Deployment, V1DeploymentList, V1Deployment>(
                (rv, watch, c) => lab.Client.AppsV1.ListNamespacedDeploymentWithHttpMessagesAsync(lab.Namespace, fieldSelector: $"metadata.name={name}",
                    resourceVersion: rv, watch: watch, cancellationToken: c),
                items => items.FirstOrDefault() is { } d && condition(d) ? (true, d) : (false, null!), token),
            timeout ?? TimeSpan.FromSeconds(90), description,
            () => WaitDiagnostics.DescribeAsync(lab.Client, lab.Namespace, null), ct).ConfigureAwait(false);
    }
}
