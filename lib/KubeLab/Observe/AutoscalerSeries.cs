using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Charts;

namespace KubeLab;

/// <summary>
/// One observation of an autoscaled workload. <c>Utilization</c> is what the HPA last wrote (status.currentMetrics);
/// <c>MeasuredUtilization</c> is Σ CPU usage / Σ CPU requests of the pods metrics.k8s.io reports right now; <c>Formula</c>
/// is ceil(currentReplicas × utilisation / target) – the HPA's proposal before tolerance, stabilisation and limits.
/// </summary>
public sealed record AutoscalerSample(
    double Seconds, DateTimeOffset Time, int SpecReplicas, int ReadyPods, int CurrentReplicas, int DesiredReplicas,
    int? Utilization, int TargetUtilization, double? MeasuredUtilization, double Millicores, int PodsWithMetrics)
{
    public int? Formula => Utilization is { } u && TargetUtilization > 0 ? (int)Math.Ceiling(CurrentReplicas * (double)u / TargetUtilization) : null;
}

/// <summary>
/// Records an HorizontalPodAutoscaler and what it acts on: every <c>interval</c> of cluster time (default 5 s) it reads the
/// HPA's status, the target's scale subresource, the pods of its selector and their PodMetrics. metrics.k8s.io cannot be
/// watched (metrics-server only answers get/list), hence a fixed cadence – which also gives evenly spaced series to plot.
/// Works the same on kind (with metrics-server) and on the simulator; times are cluster seconds.
/// </summary>
public sealed class AutoscalerSeries : IAsyncDisposable
{
    private readonly Lab lab;
    private readonly string hpaName;
    private readonly TimeSpan interval;
    private readonly CancellationTokenSource stop = new();
    private readonly List<AutoscalerSample> samples = [];
    private readonly TaskCompletionSource first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task loop;
    private DateTimeOffset? start;
    private Exception? lastError;

    private AutoscalerSeries(Lab lab, string hpaName, TimeSpan interval)
    {
        this.lab = lab;
        this.hpaName = hpaName;
        this.interval = interval;
        loop = Task.Run(() => RunAsync(stop.Token));
    }

    /// <summary>Starts sampling HPA <paramref name="hpaName"/> in the lab namespace.</summary>
    public static AutoscalerSeries Start(Lab lab, string hpaName, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentException.ThrowIfNullOrWhiteSpace(hpaName);
        var every = interval ?? TimeSpan.FromSeconds(5);
        ArgumentOutOfRangeException.ThrowIfLessThan(every, TimeSpan.FromSeconds(1));
        return new AutoscalerSeries(lab, hpaName, every);
    }

    public string HpaName => hpaName;

    /// <summary>Completes after the first sample (or faults with the reason the HPA could not be read).</summary>
    public Task Ready => first.Task;

    public IReadOnlyList<AutoscalerSample> Samples { get { lock (samples) return samples.ToList(); } }

    public AutoscalerSample? Latest { get { lock (samples) return samples.LastOrDefault(); } }

    /// <summary>Waits (cluster time) until a sample satisfies <paramref name="condition"/>; the timeout message lists the last sample.</summary>
    public async Task<AutoscalerSample> WaitUntilAsync(Func<AutoscalerSample, bool> condition, TimeSpan timeout, string what, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        await Ready.ConfigureAwait(false);
        var deadline = lab.Clock.GetUtcNow() + timeout;
        var seen = 0;
        while (true)
        {
            var list = Samples;
            foreach (var s in list.Skip(seen)) if (condition(s)) return s;
            seen = list.Count;
            if (lab.Clock.GetUtcNow() > deadline)
                throw new WaitTimeoutException($"{what} on HPA {hpaName} (cluster time)", timeout,
                    $"Last sample: {Describe(Latest)}" + (lastError is null ? "" : $" Last error: {lastError.Message}") +
                    " Is metrics-server running (kubectl top pods), do the pods request CPU, is load being sent?");
            await Task.Delay(RealDelay(TimeSpan.FromSeconds(1)), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Stops sampling and returns what was recorded.</summary>
    public async Task<IReadOnlyList<AutoscalerSample>> StopAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        try { await loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        return Samples;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        stop.Dispose();
    }

    private TimeSpan RealDelay(TimeSpan cluster) => TimeSpan.FromTicks((long)(cluster.Ticks / Math.Max(lab.Clock.Speed, 0.001)));

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var sample = await SampleAsync(ct).ConfigureAwait(false);
                lock (samples) samples.Add(sample);
                lastError = null;
                first.TrySetResult();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                lastError = e;
                if (!first.Task.IsCompleted && e is k8s.Autorest.HttpOperationException { Response.StatusCode: System.Net.HttpStatusCode.NotFound })
                    first.TrySetException(new InvalidOperationException($"HorizontalPodAutoscaler \"{hpaName}\" was not found in namespace {lab.Namespace}. Apply it first.", e));
            }
            try { await Task.Delay(RealDelay(interval), ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
        first.TrySetCanceled(ct);
    }

    private async Task<AutoscalerSample> SampleAsync(CancellationToken ct)
    {
        var client = lab.Client;
        var ns = lab.Namespace;
        var hpa = await client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync(hpaName, ns, cancellationToken: ct).ConfigureAwait(false);
        var now = await lab.Clock.NowAsync(ct).ConfigureAwait(false);
        start ??= now;
        var target = hpa.Spec.ScaleTargetRef;
        var scale = target.Kind switch
        {
            "Deployment" => await client.AppsV1.ReadNamespacedDeploymentScaleAsync(target.Name, ns, cancellationToken: ct).ConfigureAwait(false),
            "StatefulSet" => await client.AppsV1.ReadNamespacedStatefulSetScaleAsync(target.Name, ns, cancellationToken: ct).ConfigureAwait(false),
            "ReplicaSet" => await client.AppsV1.ReadNamespacedReplicaSetScaleAsync(target.Name, ns, cancellationToken: ct).ConfigureAwait(false),
            _ => throw new NotSupportedException($"AutoscalerSeries follows Deployments, StatefulSets and ReplicaSets, not {target.Kind}."),
        };
        var selector = scale.Status?.Selector ?? "";
        var pods = (await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector, cancellationToken: ct).ConfigureAwait(false)).Items
            .Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        var ready = pods.Count(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);

        var usage = await PodCpuAsync(client, ns, selector, ct).ConfigureAwait(false);
        double used = 0, requested = 0;
        foreach (var p in pods.Where(p => usage.ContainsKey(p.Metadata.Name)))
        {
            used += usage[p.Metadata.Name];
            requested += (p.Spec.Containers ?? []).Sum(c => c.Resources?.Requests is { } r && r.TryGetValue("cpu", out var q) ? (double)q.ToDecimal() * 1000 : 0);
        }
        var target50 = hpa.Spec.Metrics?.FirstOrDefault(m => m.Type == "Resource" && m.Resource?.Name == "cpu")?.Resource.Target?.AverageUtilization ?? 0;
        var current = hpa.Status?.CurrentMetrics?.FirstOrDefault(m => m.Type == "Resource" && m.Resource?.Name == "cpu")?.Resource.Current?.AverageUtilization;
        return new AutoscalerSample((now - start.Value).TotalSeconds, now, scale.Spec?.Replicas ?? 0, ready,
            hpa.Status?.CurrentReplicas ?? 0, hpa.Status?.DesiredReplicas ?? 0, current, target50,
            requested > 0 ? Math.Round(used * 100 / requested, 1) : null, Math.Round(used, 1), usage.Count);
    }

    /// <summary>CPU millicores per pod from metrics.k8s.io (summed over containers); empty while metrics-server has none.</summary>
    private static async Task<Dictionary<string, double>> PodCpuAsync(IKubernetes client, string ns, string selector, CancellationToken ct)
    {
        var result = new Dictionary<string, double>();
        object raw;
        try { raw = await client.CustomObjects.ListNamespacedCustomObjectAsync("metrics.k8s.io", "v1beta1", ns, "pods", labelSelector: selector, cancellationToken: ct).ConfigureAwait(false); }
        catch (k8s.Autorest.HttpOperationException) { return result; } // metrics-server not (yet) available
        foreach (var item in (JsonNode.Parse(KubernetesJson.Serialize(raw))?["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = item["metadata"]?["name"]?.ToString();
            if (name is null) continue;
            result[name] = (item["containers"] as JsonArray ?? []).OfType<JsonObject>()
                .Sum(c => (double)new ResourceQuantity(c["usage"]?["cpu"]?.ToString() ?? "0").ToDecimal() * 1000);
        }
        return result;
    }

    private static string Describe(AutoscalerSample? s) => s is null ? "none" :
        string.Create(CultureInfo.InvariantCulture, $"t={s.Seconds:0}s spec.replicas={s.SpecReplicas} ready={s.ReadyPods} desired={s.DesiredReplicas} utilisation={s.Utilization?.ToString(CultureInfo.InvariantCulture) ?? "<unknown>"}%/{s.TargetUtilization}% measured={s.MeasuredUtilization?.ToString(CultureInfo.InvariantCulture) ?? "-"}%.");

    private string AxisTitle => "seconds since recording started" + (lab.Clock.Note is { } n ? $" ({n})" : "");

    private string Note => lab.Cluster.ToString().Contains("simulator", StringComparison.OrdinalIgnoreCase)
        ? "Cluster: KubeLab simulator (modelled CPU usage, metrics-server resolution 15 s)"
        : "Cluster: " + lab.Cluster;

    /// <summary>Replicas over time: the target's spec.replicas (what the HPA wrote), the HPA's desiredReplicas, ready pods.</summary>
    public Plot ReplicasPlot(string? title = null)
    {
        var list = Samples;
        var x = list.Select(s => (object)s.Seconds).ToList();
        var spec = new ChartSpec(title ?? $"HPA {hpaName}: replicas over time") { XTitle = AxisTitle, YTitle = "replicas", YFromZero = true, Note = Note };
        spec.Add("step", "spec.replicas (scale)", x, list.Select(s => (object)s.SpecReplicas), color: "#7f7f7f");
        spec.Add("step", "HPA desiredReplicas", x, list.Select(s => (object)s.DesiredReplicas), color: "#1f77b4");
        spec.Add("step", "ready pods", x, list.Select(s => (object)s.ReadyPods), color: "#2ca02c");
        return new Plot(spec.ToJson());
    }

    /// <summary>CPU utilisation (percent of requests) over time: the HPA's view, the live PodMetrics view, and the target.</summary>
    public Plot UtilizationPlot(string? title = null)
    {
        var list = Samples;
        var x = list.Select(s => (object)s.Seconds).ToList();
        var spec = new ChartSpec(title ?? $"HPA {hpaName}: CPU utilisation (% of requests)") { XTitle = AxisTitle, YTitle = "% of CPU requests", YFromZero = true, Note = Note };
        spec.Add("step", "HPA status (currentMetrics)", x, list.Select(s => (object)(s.Utilization ?? 0)), color: "#d62728");
        spec.Add("line", "PodMetrics now (Σ usage / Σ requests)", x, list.Select(s => (object)(s.MeasuredUtilization ?? 0)), color: "#ff7f0e");
        spec.Add("line", "target", x, list.Select(s => (object)s.TargetUtilization), color: "#7f7f7f");
        return new Plot(spec.ToJson());
    }
}
