using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.Autoscaling;

/// <summary>One pod's CPU as the resource metrics API reported it (millicores summed over its containers).</summary>
public sealed record PodCpuMetric(long MilliValue, DateTimeOffset Timestamp, TimeSpan Window);

/// <summary>The outcome: the proposed replica count, the utilisation in percent of requests, the raw average in millicores.</summary>
public sealed record CpuReplicaCalculation(int Replicas, int Utilization, long AverageMilli, DateTimeOffset Timestamp);

/// <summary>Why a replica count could not be computed; the message is what the HPA controller reports.</summary>
public sealed class HorizontalPodAutoscalerMetricException(string message) : Exception(message);

/// <summary>
/// The HPA's replica calculation for a Resource metric with target type Utilization (pkg/controller/podautoscaler,
/// replica_calculator.go, GetResourceReplicas), as a pure function:
/// <list type="number">
/// <item>Pods being deleted or Failed are ignored. Pending pods, and (for CPU) pods not yet Ready or whose metric was taken
/// before they became ready during the 5-minute CPU initialisation period, are "unready". Pods without a metric are "missing".</item>
/// <item>utilisation = Σ usage / Σ requests over the ready pods with metrics (integer percent); ratio = utilisation / target.</item>
/// <item>Without unready (on scale-up) or missing pods: no change if |ratio − 1| ≤ tolerance (0.1), else ceil(ratio × ready pods).</item>
/// <item>Otherwise missing pods count as 100 % of their request (max(100, target) %) when scaling down and 0 % when scaling up,
/// unready pods as 0 % when scaling up; if that flips the direction or lands within tolerance the count stays.</item>
/// </list>
/// </summary>
public static class HorizontalPodAutoscalerReplicaCalculator
{
    public const double DefaultTolerance = 0.1;

    /// <summary>--horizontal-pod-autoscaler-cpu-initialization-period (5 min).</summary>
    public static readonly TimeSpan CpuInitializationPeriod = TimeSpan.FromMinutes(5);

    /// <summary>--horizontal-pod-autoscaler-initial-readiness-delay (30 s).</summary>
    public static readonly TimeSpan DelayOfInitialReadinessStatus = TimeSpan.FromSeconds(30);

    public static CpuReplicaCalculation CpuReplicas(int currentReplicas, int targetUtilization, IReadOnlyList<V1Pod> pods,
        IReadOnlyDictionary<string, PodCpuMetric> podMetrics, DateTimeOffset now, double tolerance = DefaultTolerance)
    {
        if (podMetrics.Count == 0)
            throw new HorizontalPodAutoscalerMetricException("unable to get metrics for resource cpu: no metrics returned from resource metrics API");
        if (pods.Count == 0)
            throw new HorizontalPodAutoscalerMetricException("no pods returned by selector while calculating replica count");

        var metrics = podMetrics.ToDictionary(kv => kv.Key, kv => kv.Value.MilliValue);
        var timestamp = podMetrics.Values.Max(m => m.Timestamp);
        var (readyCount, unready, missing, ignored) = GroupPods(pods, podMetrics, now);
        foreach (var name in ignored.Concat(unready)) metrics.Remove(name);
        var requests = PodRequests(pods);
        if (metrics.Count == 0)
            throw new HorizontalPodAutoscalerMetricException("did not receive metrics for targeted pods (pods might be unready)");

        var (ratio, utilization, average) = UtilizationRatio(metrics, requests, targetUtilization);
        var scaleUpWithUnready = unready.Count > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && missing.Count == 0)
        {
            if (Math.Abs(1.0 - ratio) <= tolerance) return new(currentReplicas, utilization, average, timestamp);
            return new((int)Math.Ceiling(ratio * readyCount), utilization, average, timestamp);
        }

        if (missing.Count > 0)
        {
            if (ratio < 1.0)
            {
                // Scale-down: assume the missing pods use 100 % of their request (or the target when it is above 100 %).
                long fallback = Math.Max(100, targetUtilization);
                foreach (var name in missing) metrics[name] = requests[name] * fallback / 100;
            }
            else if (ratio > 1.0)
            {
                foreach (var name in missing) metrics[name] = 0; // scale-up: assume they use nothing
            }
        }
        if (scaleUpWithUnready)
            foreach (var name in unready) metrics[name] = 0;

        var (newRatio, _, _) = UtilizationRatio(metrics, requests, targetUtilization);
        if (Math.Abs(1.0 - newRatio) <= tolerance || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0))
            return new(currentReplicas, utilization, average, timestamp); // the assumptions changed the direction: do nothing
        var newReplicas = (int)Math.Ceiling(newRatio * metrics.Count);
        if ((newRatio < 1.0 && newReplicas > currentReplicas) || (newRatio > 1.0 && newReplicas < currentReplicas))
            return new(currentReplicas, utilization, average, timestamp);
        return new(newReplicas, utilization, average, timestamp);
    }

    /// <summary>Σ usage / Σ requests in integer percent over pods that have a request, the ratio to the target, and the average usage.</summary>
    public static (double Ratio, int Utilization, long AverageMilli) UtilizationRatio(IReadOnlyDictionary<string, long> metrics,
        IReadOnlyDictionary<string, long> requests, int targetUtilization)
    {
        long usage = 0, requested = 0;
        var n = 0;
        foreach (var (name, value) in metrics)
        {
            if (!requests.TryGetValue(name, out var r)) continue;
            usage += value;
            requested += r;
            n++;
        }
        if (requested == 0) throw new HorizontalPodAutoscalerMetricException("no metrics returned matched known pods");
        var utilization = (int)(usage * 100 / requested);
        return ((double)utilization / targetUtilization, utilization, usage / n);
    }

    /// <summary>CPU requests per pod in millicores; a container without one makes utilisation undefined.</summary>
    public static Dictionary<string, long> PodRequests(IReadOnlyList<V1Pod> pods)
    {
        var result = new Dictionary<string, long>();
        foreach (var pod in pods)
        {
            long sum = 0;
            // calculatePodRequests: regular containers and restartable (sidecar) init containers.
            var containers = (pod.Spec?.Containers ?? []).Concat((pod.Spec?.InitContainers ?? []).Where(c => c.RestartPolicy == "Always"));
            foreach (var c in containers)
            {
                if (c.Resources?.Requests is not { } r || !r.TryGetValue("cpu", out var q))
                    throw new HorizontalPodAutoscalerMetricException($"missing request for cpu in container {c.Name} of Pod {pod.Metadata.Name}");
                sum += (long)Math.Ceiling(q.ToDecimal() * 1000);
            }
            result[pod.Metadata.Name] = sum;
        }
        return result;
    }

    private static (int ReadyCount, List<string> Unready, List<string> Missing, List<string> Ignored) GroupPods(
        IReadOnlyList<V1Pod> pods, IReadOnlyDictionary<string, PodCpuMetric> metrics, DateTimeOffset now)
    {
        var ready = 0;
        List<string> unready = [], missing = [], ignored = [];
        foreach (var pod in pods)
        {
            var name = pod.Metadata.Name;
            if (pod.Metadata.DeletionTimestamp is not null || pod.Status?.Phase == "Failed") { ignored.Add(name); continue; }
            if (pod.Status?.Phase == "Pending") { unready.Add(name); continue; }
            if (!metrics.TryGetValue(name, out var metric)) { missing.Add(name); continue; }
            var condition = PodFacts.Condition(pod, "Ready");
            bool isUnready;
            if (condition is null || pod.Status?.StartTime is not { } startTime) isUnready = true;
            else
            {
                var start = new DateTimeOffset(startTime.ToUniversalTime(), TimeSpan.Zero);
                var transition = condition.LastTransitionTime is { } t ? new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero) : start;
                isUnready = start + CpuInitializationPeriod > now
                    // still starting up: unready, or its sample was taken (partly) before it became ready
                    ? condition.Status == "False" || metric.Timestamp < transition + metric.Window
                    // after initialisation only a pod that never became ready since it started counts as unready
                    : condition.Status == "False" && start + DelayOfInitialReadinessStatus > transition;
            }
            if (isUnready) unready.Add(name);
            else ready++;
        }
        return (ready, unready, missing, ignored);
    }
}
