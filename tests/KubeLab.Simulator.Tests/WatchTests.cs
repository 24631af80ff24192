using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

public class WatchTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static async Task<List<(WatchEventType Type, T Object)>> Collect<T>(IAsyncEnumerable<(WatchEventType, T)> stream, int count)
    {
        var list = new List<(WatchEventType, T)>();
        await foreach (var e in stream)
        {
            list.Add(e);
            if (list.Count == count) break;
        }
        return list;
    }

    [Fact]
    public async Task Watch_from_resourceVersion_replays_later_changes_in_order()
    {
        var ns = await f.NewNamespaceAsync();
        var created = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("w"), ns);
        created.Data["k"] = "2";
        await f.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "w", ns);
        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("w", ns);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var stream = f.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: created.Metadata.ResourceVersion, cancellationToken: cts.Token);
        var events = await Collect(stream, 2);
        Assert.Equal([WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal("2", events[0].Object.Data["k"]);
    }

    [Fact]
    public async Task Watch_without_resourceVersion_starts_with_ADDED_for_existing_then_live_events()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("old", new Dictionary<string, string> { ["app"] = "x" }), ns);
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("other", new Dictionary<string, string> { ["app"] = "y" }), ns);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var collecting = Collect(f.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, labelSelector: "app=x", cancellationToken: cts.Token), 2);
        await Task.Delay(200);
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("ignored", new Dictionary<string, string> { ["app"] = "y" }), ns);
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("new", new Dictionary<string, string> { ["app"] = "x" }), ns);
        var events = await collecting;
        Assert.Equal([(WatchEventType.Added, "old"), (WatchEventType.Added, "new")], events.Select(e => (e.Type, e.Object.Metadata.Name)));
    }

    [Fact]
    public async Task List_with_watch_true_through_WithHttpMessages_streams_pod_events()
    {
        var ns = await f.NewNamespaceAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
#pragma warning disable CS0618 // the older WatchAsync extension is what much sample code uses; it must keep working
        var resp = f.Client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(ns, watch: true, cancellationToken: cts.Token);
        var collecting = Collect(resp.WatchAsync<V1Pod, V1PodList>(cancellationToken: cts.Token), 1);
#pragma warning restore CS0618
        await Task.Delay(200);
        await f.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("watched"), ns);
        var events = await collecting;
        Assert.Equal((WatchEventType.Added, "watched"), (events[0].Type, events[0].Object.Metadata.Name));
    }

    [Fact]
    public async Task Filtered_watch_reports_objects_leaving_and_entering_the_selector()
    {
        var ns = await f.NewNamespaceAsync();
        var cm = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("moving", new Dictionary<string, string> { ["app"] = "x" }), ns);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var collecting = Collect(f.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, labelSelector: "app=x", resourceVersion: cm.Metadata.ResourceVersion, cancellationToken: cts.Token), 2);
        var patchOut = new V1Patch("""{"metadata":{"labels":{"app":"y"}}}""", V1Patch.PatchType.MergePatch);
        var patchIn = new V1Patch("""{"metadata":{"labels":{"app":"x"}}}""", V1Patch.PatchType.MergePatch);
        await f.Client.CoreV1.PatchNamespacedConfigMapAsync(patchOut, "moving", ns);
        await f.Client.CoreV1.PatchNamespacedConfigMapAsync(patchIn, "moving", ns);
        var events = await collecting;
        Assert.Equal([WatchEventType.Deleted, WatchEventType.Added], events.Select(e => e.Type));
    }

    [Fact]
    public async Task Watch_respects_timeoutSeconds()
    {
        var ns = await f.NewNamespaceAsync();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        // Secrets: a new namespace holds none (its ConfigMaps include kube-root-ca.crt, which a watch without resourceVersion lists).
        using var resp = await f.Http.GetAsync($"/api/v1/namespaces/{ns}/secrets?watch=true&timeoutSeconds=1", HttpCompletionOption.ResponseHeadersRead);
        var body = await resp.Content.ReadAsStringAsync();
        Assert.Equal("", body);
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.9, 8);
    }

    [Fact]
    public async Task Legacy_watch_path_streams_events()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("legacy"), ns);
        using var resp = await f.Http.GetAsync($"/api/v1/watch/namespaces/{ns}/configmaps?timeoutSeconds=1", HttpCompletionOption.ResponseHeadersRead);
        var lines = (await resp.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var ev = JsonNode.Parse(lines.Single(l => !l.Contains(ClusterFixture.RootCaConfigMap, StringComparison.Ordinal)))!;
        Assert.Equal("ADDED", ev["type"]!.GetValue<string>());
        Assert.Equal("legacy", ev["object"]!["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Too_old_resourceVersion_yields_one_410_Expired_ERROR_event()
    {
        var ns = await f.NewNamespaceAsync();
        var cm = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("churn"), ns);
        var start = cm.Metadata.ResourceVersion;
        // Push the start version out of the 10k-event history directly through the store (fast, no HTTP).
        var type = KubeLab.Simulator.Api.Registry.ResourceRegistry.Types.Single(t => t.Kind == "ConfigMap");
        var obj = f.Cluster.Store.Get(type, ns, "churn")!;
        for (var i = 0; i < KubeLab.Simulator.Api.Storage.ObjectStore.DefaultHistoryCapacity + 5; i++)
        {
            obj["data"]!["k"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            obj = f.Cluster.Store.Update(type, obj, null).Object!;
        }
        using var resp = await f.Http.GetAsync($"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={start}", HttpCompletionOption.ResponseHeadersRead);
        var lines = (await resp.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var ev = JsonNode.Parse(Assert.Single(lines))!;
        Assert.Equal("ERROR", ev["type"]!.GetValue<string>());
        Assert.Equal(410, ev["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", ev["object"]!["reason"]!.GetValue<string>());
        Assert.Matches($"^too old resource version: {start} \\(\\d+\\)$", ev["object"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Informer_watch_reader_decodes_the_servers_events_as_KubernetesClients_watcher_does()
    {
        var ns = await f.NewNamespaceAsync();
        var from = (await f.Client.CoreV1.ListNamespacedPodAsync(ns)).Metadata.ResourceVersion;
        await f.Client.CoreV1.CreateNamespacedPodAsync(Objects.Pod("decoded"), ns);
        await f.Client.CoreV1.PatchNamespacedPodAsync(new V1Patch("""{"metadata":{"annotations":{"a":"é€😀"}}}""", V1Patch.PatchType.MergePatch), "decoded", ns);
        await f.Client.CoreV1.DeleteNamespacedPodAsync("decoded", ns, gracePeriodSeconds: 0);
        using var inProcess = f.Cluster.CreateInProcessClient(SimulatedCluster.AdminUser, [SimulatedCluster.AdminGroup]);

        // timeoutSeconds=1: both watches end on their own once the server closes them.
        var ours = new List<(WatchEventType, string)>();
        await foreach (var (type, pod) in KubeLab.Simulator.ControllerRuntime.InformerWatch.For<V1Pod, V1PodList>(inProcess, $"api/v1/namespaces/{ns}/pods", 1)(
                           from, e => throw e, CancellationToken.None))
            ours.Add((type, KubernetesJson.Serialize(pod)));
        var theirs = new List<(WatchEventType, string)>();
        await foreach (var (type, pod) in inProcess.CoreV1.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, resourceVersion: from, timeoutSeconds: 1,
                           onError: e => throw e))
            theirs.Add((type, KubernetesJson.Serialize(pod)));

        Assert.Equal(WatchEventType.Added, ours[0].Item1);
        Assert.Equal(WatchEventType.Deleted, ours[^1].Item1);
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public async Task Informer_watch_reader_reports_a_too_old_resourceVersion_as_410()
    {
        var ns = await f.NewNamespaceAsync();
        var cm = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("churn"), ns);
        var type = KubeLab.Simulator.Api.Registry.ResourceRegistry.Types.Single(t => t.Kind == "ConfigMap");
        var obj = f.Cluster.Store.Get(type, ns, "churn")!;
        for (var i = 0; i < KubeLab.Simulator.Api.Storage.ObjectStore.DefaultHistoryCapacity + 5; i++)
        {
            obj["data"]!["k"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            obj = f.Cluster.Store.Update(type, obj, null).Object!;
        }
        using var inProcess = f.Cluster.CreateInProcessClient(SimulatedCluster.AdminUser, [SimulatedCluster.AdminGroup]);
        var errors = new List<Exception>();

        var events = 0;
        await foreach (var _ in KubeLab.Simulator.ControllerRuntime.InformerWatch.For<V1ConfigMap, V1ConfigMapList>(inProcess, $"api/v1/namespaces/{ns}/configmaps", 5)(
                           cm.Metadata.ResourceVersion, errors.Add, CancellationToken.None))
            events++;

        Assert.Equal(0, events);
        Assert.Equal(410, Assert.IsType<KubernetesException>(Assert.Single(errors)).Status.Code);
    }
}
