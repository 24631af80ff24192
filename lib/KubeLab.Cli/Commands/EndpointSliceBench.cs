using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Models;

namespace KubeLab.Cli.Commands;

/// <summary>
/// The EndpointSlice part of <c>kubelab bench</c>: (a) how long after a pod's Ready condition is written its endpoint shows
/// ready in the Service's EndpointSlice (both seen through watches, as kube-proxy and CoreDNS see them), over a Deployment of
/// <see cref="LatencyPods"/> pods; (b) a Service over <see cref="BigService"/> running pods: the time until its slices list
/// them all ready, and how many slices that takes (100 endpoints per slice by default).
/// </summary>
internal static class EndpointSliceBench
{
    public const int LatencyPods = 120;
    public const int BigService = 1000;
    private const string Name = "bench";

    public sealed record Result(int Pods, TimeSpan Median, TimeSpan P99, int BigEndpoints, int BigSlices, TimeSpan BigListed);

    public static async Task<Result> RunAsync(IKubernetes client, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            var latencies = await ReadyLatencyAsync(client, "kubelab-bench-eps", LatencyPods, timeout.Token);
            var (slices, listed) = await BigServiceAsync(client, "kubelab-bench-eps-big", BigService, timeout.Token);
            latencies.Sort();
            return new Result(latencies.Count, Percentile(latencies, 0.5), Percentile(latencies, 0.99), BigService, slices, listed);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new UserError("The EndpointSlice bench did not finish within 10 minutes on the simulator.", 1);
        }
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<List<TimeSpan>> ReadyLatencyAsync(IKubernetes client, string ns, int pods, CancellationToken ct)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: ct);
        await client.CoreV1.CreateNamespacedServiceAsync(Service(), ns, cancellationToken: ct);
        var podReady = new ConcurrentDictionary<string, long>();
        var sliceReady = new ConcurrentDictionary<string, long>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var podList = await client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: ct);
        var sliceList = await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, cancellationToken: ct);
        var watchers = new[]
        {
            Task.Run(async () =>
            {
                await foreach (var (_, pod) in client.CoreV1.WatchListNamespacedPodAsync(ns, resourceVersion: podList.Metadata.ResourceVersion, timeoutSeconds: 600, cancellationToken: stop.Token))
                    if (pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
                        podReady.TryAdd(pod.Metadata.Name, Stopwatch.GetTimestamp());
            }, CancellationToken.None),
            Task.Run(async () =>
            {
                await foreach (var (_, slice) in client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(ns, resourceVersion: sliceList.Metadata.ResourceVersion, timeoutSeconds: 600, cancellationToken: stop.Token))
                    foreach (var ep in slice.Endpoints ?? [])
                        if (ep.Conditions?.Ready == true && ep.TargetRef?.Name is { } pod)
                            sliceReady.TryAdd(pod, Stopwatch.GetTimestamp());
            }, CancellationToken.None),
        };
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(pods), ns, cancellationToken: ct);
        while (sliceReady.Count < pods || podReady.Count < pods)
            await Task.Delay(100, ct);
        await stop.CancelAsync();
        await Task.WhenAll(watchers).ContinueWith(_ => { }, TaskScheduler.Default);
        return podReady.Where(p => sliceReady.ContainsKey(p.Key))
            .Select(p => Stopwatch.GetElapsedTime(p.Value, Math.Max(p.Value, sliceReady[p.Key]))).ToList();
    }

    private static async Task<(int Slices, TimeSpan Listed)> BigServiceAsync(IKubernetes client, string ns, int pods, CancellationToken ct)
    {
        await DeploymentRolloutBench.CreateAsync(client, pods, ns, ct); // pods all available first; then the Service appears
        var clock = Stopwatch.StartNew();
        await client.CoreV1.CreateNamespacedServiceAsync(Service(), ns, cancellationToken: ct);
        while (true)
        {
            var slices = await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, labelSelector: $"kubernetes.io/service-name={Name}", cancellationToken: ct);
            if (slices.Items.Sum(s => s.Endpoints?.Count(e => e.Conditions?.Ready == true) ?? 0) == pods)
                return (slices.Items.Count, clock.Elapsed);
            await Task.Delay(50, ct);
        }
    }

    private static V1Service Service() => new()
    {
        Metadata = new V1ObjectMeta { Name = Name },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app"] = Name },
            Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = 80 }],
        },
    };

    private static V1Deployment Deployment(int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = Name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = Name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = Name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx:1.27.0" }] },
            },
        },
    };
}
