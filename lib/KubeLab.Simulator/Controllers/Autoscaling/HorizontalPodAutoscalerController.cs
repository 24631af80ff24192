using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Api;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.Autoscaling;

/// <summary>
/// autoscaling/v2 HorizontalPodAutoscaler controller ("horizontal-pod-autoscaler" in kube-controller-manager,
/// pkg/controller/podautoscaler). Every <see cref="SyncPeriod"/> per HPA: read the target's Scale subresource, list the pods
/// of its selector, read their CPU from metrics.k8s.io, compute the replica count
/// (<see cref="HorizontalPodAutoscalerReplicaCalculator"/>), stabilise and rate-limit it
/// (<see cref="HorizontalPodAutoscalerBehavior"/>), write the Scale, then the HPA's status with the real conditions and events.
/// </summary>
public sealed class HorizontalPodAutoscalerController
{
    public const string Name = "horizontal-pod-autoscaler";

    /// <summary>--horizontal-pod-autoscaler-sync-period. Like the real controller's rate limiter, a new HPA is first synced one period after it appears.</summary>
    public static readonly TimeSpan SyncPeriod = TimeSpan.FromSeconds(15);

    private readonly IKubernetes client;
    private readonly Informer<V2HorizontalPodAutoscaler, V2HorizontalPodAutoscalerList> hpas;
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly EventRecorder events;
    private readonly TimeProvider time;
    private readonly WorkQueue queue;
    private readonly HorizontalPodAutoscalerScaleClient scales;
    private readonly ConcurrentDictionary<string, HorizontalPodAutoscalerBehavior> memory = new();
    private readonly ConcurrentDictionary<string, byte> scheduled = new();

    public HorizontalPodAutoscalerController(IKubernetes client, Informer<V2HorizontalPodAutoscaler, V2HorizontalPodAutoscalerList> hpas,
        Informer<V1Pod, V1PodList> pods, EventRecorder events, TimeProvider time)
    {
        this.client = client;
        this.hpas = hpas;
        this.pods = pods;
        this.events = events;
        this.time = time;
        queue = new WorkQueue(time);
        scales = new HorizontalPodAutoscalerScaleClient(client);
        hpas.AddHandler(added: Schedule, deleted: h => memory.TryRemove(Informer<V2HorizontalPodAutoscaler, V2HorizontalPodAutoscalerList>.KeyOf(h), out _));
    }

    /// <summary>Creates the HPA informer, its event recorder and the controller, and starts them with <paramref name="run"/>.</summary>
    public static void Start(ControllerClientBuilder clients, Informer<V1Pod, V1PodList> pods, TimeProvider time, int watchTimeoutSeconds, Action<Task> run, CancellationToken ct)
    {
        var informerClient = clients.Root; // the shared informers: kube-controller-manager's own credentials
        var client = clients.ClientFor(Name);
        var hpas = new Informer<V2HorizontalPodAutoscaler, V2HorizontalPodAutoscalerList>("horizontalpodautoscalers",
            c => informerClient.AutoscalingV2.ListHorizontalPodAutoscalerForAllNamespacesAsync(cancellationToken: c),
            InformerWatch.For<V2HorizontalPodAutoscaler, V2HorizontalPodAutoscalerList>(informerClient, "apis/autoscaling/v2/horizontalpodautoscalers", watchTimeoutSeconds), time);
        var events = new EventRecorder(client, time, Name);
        var controller = new HorizontalPodAutoscalerController(client, hpas, pods, events, time);
        run(hpas.RunAsync(ct));
        run(events.RunAsync(ct));
        run(controller.RunAsync(ct));
    }

    private void Schedule(V2HorizontalPodAutoscaler hpa)
    {
        var key = Informer<V2HorizontalPodAutoscaler, V2HorizontalPodAutoscalerList>.KeyOf(hpa);
        if (scheduled.TryAdd(key, 0)) queue.AddAfter(key, SyncPeriod);
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(hpas.Synced, pods.Synced).WaitAsync(cancellationToken).ConfigureAwait(false);
            await queue.RunWorkersAsync(1, ReconcileAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        finally { queue.Dispose(); }
    }

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var hpa = hpas.Get(key);
        if (hpa is null)
        {
            scheduled.TryRemove(key, out _);
            memory.TryRemove(key, out _);
            return;
        }
        try { await ReconcileAutoscalerAsync(hpa, memory.GetOrAdd(key, _ => new HorizontalPodAutoscalerBehavior()), ct).ConfigureAwait(false); }
        catch (Exception) when (!ct.IsCancellationRequested) { /* conflicts, the API going away: the next period tries again */ }
        finally { queue.AddAfter(key, SyncPeriod); }
    }

    private async Task ReconcileAutoscalerAsync(V2HorizontalPodAutoscaler hpa, HorizontalPodAutoscalerBehavior behavior, CancellationToken ct)
    {
        var ns = hpa.Metadata.NamespaceProperty;
        var reference = EventRecorder.Reference(hpa.Metadata, "HorizontalPodAutoscaler", "autoscaling/v2");
        var original = hpa.Status is null ? "{}" : KubernetesJson.Serialize(hpa.Status) ?? "{}";
        var status = KubernetesJson.Deserialize<V2HorizontalPodAutoscalerStatus>(original) ?? new V2HorizontalPodAutoscalerStatus();
        var now = time.GetUtcNow();
        var target = hpa.Spec.ScaleTargetRef;

        V1Scale scale;
        try { scale = await scales.GetAsync(target, ns, ct).ConfigureAwait(false); }
        catch (HorizontalPodAutoscalerScaleException e)
        {
            events.Warning(reference, "FailedGetScale", e.Message);
            SetCondition(status, "AbleToScale", "False", "FailedGetScale", $"the HPA controller was unable to get the target's current scale: {e.Message}", now);
            await WriteStatusAsync(hpa, original, status, ct).ConfigureAwait(false);
            return;
        }
        SetCondition(status, "AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale", now);

        var currentReplicas = scale.Spec?.Replicas ?? 0;
        var minReplicas = hpa.Spec.MinReplicas ?? 1;
        var maxReplicas = hpa.Spec.MaxReplicas;
        var desiredReplicas = 0;
        var rescaleReason = "";
        var rescale = true;
        List<V2MetricStatus>? metricStatuses = null;

        if (currentReplicas == 0 && minReplicas != 0)
        {
            rescale = false;
            SetCondition(status, "ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero", now);
        }
        else if (currentReplicas > maxReplicas)
        {
            rescaleReason = "Current number of replicas above Spec.MaxReplicas";
            desiredReplicas = maxReplicas;
        }
        else if (currentReplicas < minReplicas)
        {
            rescaleReason = "Current number of replicas below Spec.MinReplicas";
            desiredReplicas = minReplicas;
        }
        else
        {
            var (metricReplicas, metricName, statuses, error) = await ComputeReplicasForMetricsAsync(hpa, scale, currentReplicas, status, now, reference, ct).ConfigureAwait(false);
            metricStatuses = statuses;
            if (metricReplicas < 0)
            {
                status.CurrentReplicas = currentReplicas;
                status.CurrentMetrics = metricStatuses;
                events.Warning(reference, "FailedComputeMetricsReplicas", error!);
                await WriteStatusAsync(hpa, original, status, ct).ConfigureAwait(false);
                return;
            }
            var rescaleMetric = "";
            if (metricReplicas > desiredReplicas) { desiredReplicas = metricReplicas; rescaleMetric = metricName; }
            if (desiredReplicas > currentReplicas) rescaleReason = $"{rescaleMetric} above target";
            if (desiredReplicas < currentReplicas) rescaleReason = "All metrics below target";
            var (normalized, able, limited) = behavior.Normalize(hpa.Spec.Behavior, currentReplicas, desiredReplicas, minReplicas, maxReplicas, now);
            SetCondition(status, able.Type, able.Status, able.Reason, able.Message, now);
            SetCondition(status, limited.Type, limited.Status, limited.Reason, limited.Message, now);
            desiredReplicas = normalized;
            rescale = desiredReplicas != currentReplicas;
        }

        if (rescale)
        {
            scale.Spec ??= new V1ScaleSpec();
            scale.Spec.Replicas = desiredReplicas;
            try { await scales.UpdateAsync(target, ns, scale, ct).ConfigureAwait(false); }
            catch (HorizontalPodAutoscalerScaleException e)
            {
                events.Warning(reference, "FailedRescale", $"New size: {desiredReplicas}; reason: {rescaleReason}; error: {e.Message}");
                SetCondition(status, "AbleToScale", "False", "FailedUpdateScale", $"the HPA controller was unable to update the target scale: {e.Message}", now);
                status.CurrentReplicas = currentReplicas;
                status.CurrentMetrics = metricStatuses;
                await WriteStatusAsync(hpa, original, status, ct).ConfigureAwait(false);
                return;
            }
            SetCondition(status, "AbleToScale", "True", "SucceededRescale", $"the HPA controller was able to update the target scale to {desiredReplicas}", now);
            events.Normal(reference, "SuccessfulRescale", $"New size: {desiredReplicas}; reason: {rescaleReason}");
            behavior.RecordScale(currentReplicas, desiredReplicas, now);
            status.LastScaleTime = now.UtcDateTime;
        }
        else desiredReplicas = currentReplicas;

        status.CurrentReplicas = currentReplicas;
        status.DesiredReplicas = desiredReplicas;
        status.CurrentMetrics = metricStatuses;
        await WriteStatusAsync(hpa, original, status, ct).ConfigureAwait(false);
    }

    /// <summary>One replica proposal per metric; the largest wins. Returns -1 when no metric could be evaluated.</summary>
    private async Task<(int Replicas, string MetricName, List<V2MetricStatus> Statuses, string? Error)> ComputeReplicasForMetricsAsync(
        V2HorizontalPodAutoscaler hpa, V1Scale scale, int currentReplicas, V2HorizontalPodAutoscalerStatus status, DateTimeOffset now,
        V1ObjectReference reference, CancellationToken ct)
    {
        var specs = hpa.Spec.Metrics ?? [];
        var statuses = new List<V2MetricStatus>();
        var replicas = -1;
        var name = "";
        string? firstError = null;
        var invalid = 0;
        foreach (var spec in specs)
        {
            var (reason, metricName) = spec.Type == "Resource"
                ? ("FailedGetResourceMetric", $"{spec.Resource?.Name} resource utilization (percentage of request)")
                : ($"FailedGet{spec.Type}Metric", $"{spec.Type} metric");
            try
            {
                if (spec.Type != "Resource" || spec.Resource?.Name != "cpu" || spec.Resource.Target?.Type != "Utilization" || spec.Resource.Target.AverageUtilization is not { } targetUtilization)
                    throw new HorizontalPodAutoscalerMetricException("the simulator models only Resource metrics for cpu with target type Utilization");
                var selector = LabelSelector.Parse(scale.Status?.Selector);
                if (string.IsNullOrEmpty(scale.Status?.Selector))
                {
                    reason = "InvalidSelector";
                    throw new HorizontalPodAutoscalerMetricException("selector is required");
                }
                var podList = pods.List(hpa.Metadata.NamespaceProperty).Where(p => selector.Matches(p.Metadata.Labels)).ToList();
                CpuReplicaCalculation calc;
                // computeStatusForResourceMetricGeneric wraps every GetResourceReplicas error (metrics fetch included).
                try
                {
                    var metrics = await PodCpuMetricsAsync(hpa.Metadata.NamespaceProperty, scale.Status!.Selector, ct).ConfigureAwait(false);
                    calc = HorizontalPodAutoscalerReplicaCalculator.CpuReplicas(currentReplicas, targetUtilization, podList, metrics, now);
                }
                catch (HorizontalPodAutoscalerMetricException e) { throw new HorizontalPodAutoscalerMetricException($"failed to get cpu utilization: {e.Message}"); }
                statuses.Add(new V2MetricStatus
                {
                    Type = "Resource",
                    Resource = new V2ResourceMetricStatus
                    {
                        Name = "cpu",
                        Current = new V2MetricValueStatus { AverageUtilization = calc.Utilization, AverageValue = new ResourceQuantity(calc.AverageMilli.ToString(CultureInfo.InvariantCulture) + "m") },
                    },
                });
                if (replicas < 0 || calc.Replicas > replicas) { replicas = calc.Replicas; name = metricName; }
            }
            catch (HorizontalPodAutoscalerMetricException e)
            {
                invalid++;
                // computeReplicasForMetric adds the metric to what the event and condition said (horizontal.go).
                firstError ??= spec.Type == "Resource" && reason != "InvalidSelector" ? $"failed to get {spec.Resource?.Name} resource metric value: {e.Message}" : e.Message;
                statuses.Add(new V2MetricStatus { Type = "" });
                events.Warning(reference, reason, e.Message);
                SetCondition(status, "ScalingActive", "False", reason, $"the HPA was unable to compute the replica count: {e.Message}", now);
            }
        }
        if (invalid > 0 && (invalid == specs.Count || replicas < 0))
            return (-1, "", statuses, $"invalid metrics ({invalid} invalid out of {specs.Count}), first error is: {firstError}");
        if (invalid == 0)
            SetCondition(status, "ScalingActive", "True", "ValidMetricFound", $"the HPA was able to successfully calculate a replica count from {name}", now);
        return (replicas, name, statuses, null);
    }

    /// <summary>PodMetrics from metrics.k8s.io, summed over containers and converted to millicores (Quantity.MilliValue rounds up).</summary>
    private async Task<Dictionary<string, PodCpuMetric>> PodCpuMetricsAsync(string ns, string selector, CancellationToken ct)
    {
        object raw;
        try
        {
            raw = await client.CustomObjects.ListNamespacedCustomObjectAsync("metrics.k8s.io", "v1beta1", ns, "pods", labelSelector: selector, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException e)
        {
            throw new HorizontalPodAutoscalerMetricException($"unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: {ApiErrorMessage.Of(e)}");
        }
        var result = new Dictionary<string, PodCpuMetric>();
        var list = JsonNode.Parse(KubernetesJson.Serialize(raw)) as JsonObject;
        foreach (var item in (list?["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var podName = item["metadata"]?["name"]?.ToString();
            if (podName is null) continue;
            long milli = 0;
            foreach (var c in (item["containers"] as JsonArray ?? []).OfType<JsonObject>())
                milli += (long)Math.Ceiling(new ResourceQuantity(c["usage"]?["cpu"]?.ToString() ?? "0").ToDecimal() * 1000);
            var timestamp = DateTimeOffset.Parse(item["timestamp"]?.ToString() ?? "", CultureInfo.InvariantCulture);
            var window = ParseWindow(item["window"]?.ToString());
            result[podName] = new PodCpuMetric(milli, timestamp, window);
        }
        return result;
    }

    private static TimeSpan ParseWindow(string? window) =>
        window is { Length: > 1 } w && w.EndsWith('s') && double.TryParse(w[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
            ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(15);

    /// <summary>Sets a condition; its lastTransitionTime moves only when the status changes.</summary>
    private static void SetCondition(V2HorizontalPodAutoscalerStatus status, string type, string value, string reason, string message, DateTimeOffset now)
    {
        status.Conditions ??= [];
        var existing = status.Conditions.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            existing = new V2HorizontalPodAutoscalerCondition { Type = type, LastTransitionTime = now.UtcDateTime };
            status.Conditions.Add(existing);
        }
        else if (existing.Status != value) existing.LastTransitionTime = now.UtcDateTime;
        existing.Status = value;
        existing.Reason = reason;
        existing.Message = message;
        // Keep the order kubectl describe shows: AbleToScale, ScalingActive, ScalingLimited.
        status.Conditions = status.Conditions.OrderBy(c => c.Type switch { "AbleToScale" => 0, "ScalingActive" => 1, _ => 2 }).ToList();
    }

    /// <summary>Writes the status only when it changed (updateStatusIfNeeded).</summary>
    private async Task WriteStatusAsync(V2HorizontalPodAutoscaler hpa, string original, V2HorizontalPodAutoscalerStatus status, CancellationToken ct)
    {
        var json = KubernetesJson.Serialize(status);
        if (json == original) return;
        var patch = new JsonObject { ["status"] = JsonNode.Parse(json) };
        // A merge patch cannot remove fields by omission; null out what the new status no longer has.
        var node = (JsonObject)patch["status"]!;
        foreach (var field in new[] { "currentMetrics", "lastScaleTime", "desiredReplicas" })
            if (!node.ContainsKey(field)) node[field] = null;
        // UpdateStatus (horizontal.go updateStatus): the role grants update on horizontalpodautoscalers/status, not patch.
        await client.AutoscalingV2.ReplaceNamespacedHorizontalPodAutoscalerStatusAsync(UpdateFromPatch.Status(hpa, patch.ToJsonString()),
            hpa.Metadata.Name, hpa.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
    }
}
