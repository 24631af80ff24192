using System.Collections.Concurrent;
using System.Text;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Kubelet.Managers;

namespace KubeLab.Simulator.Tests.Kubelet.Managers;

/// <summary>
/// The kubelet's Watch strategy for ConfigMaps and Secrets (watch_based_manager.go): one LIST and WATCH per referenced object,
/// however many pods read it, and the cache follows changes, creation and deletion.
/// </summary>
public class WatchingConfigObjectsTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private sealed class RequestLog : DelegatingHandler
    {
        public ConcurrentQueue<string> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests.Enqueue($"{request.Method} {Uri.UnescapeDataString(request.RequestUri!.PathAndQuery)}");
            return base.SendAsync(request, ct);
        }
    }

    private static Task Until(Func<Task<bool>> probe, string what) =>
        ObservedState.Until(probe, done => done, what);

    [Fact]
    public async Task Many_reads_share_one_list_and_watch_and_follow_changes_creation_and_deletion()
    {
        var ns = await f.NewNamespaceAsync("cfgwatch");
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "cfg" }, Data = new Dictionary<string, string> { ["v"] = "1" },
        }, ns);
        var log = new RequestLog();
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(f.KubeconfigPath), log);
        await using var objects = new WatchingConfigObjects(client, TimeProvider.System);

        for (var i = 0; i < 20; i++) Assert.Equal("1", (await objects.ConfigMapAsync(ns, "cfg", CancellationToken.None))!.Data["v"]);
        var configMapRequests = log.Requests.Where(r => r.Contains("/configmaps")).ToList();
        Assert.Single(configMapRequests, r => r.StartsWith("GET ") && r.Contains("fieldSelector=metadata.name=cfg") && !r.Contains("watch=true"));
        Assert.DoesNotContain(configMapRequests, r => r.Contains("/configmaps/cfg"));

        await f.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"v":"2"}}""", V1Patch.PatchType.MergePatch), "cfg", ns);
        await Until(async () => (await objects.ConfigMapAsync(ns, "cfg", CancellationToken.None))?.Data["v"] == "2", "the cached ConfigMap to change");

        Assert.Null(await objects.SecretAsync(ns, "later", CancellationToken.None));
        await f.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "later" }, Data = new Dictionary<string, byte[]> { ["k"] = Encoding.UTF8.GetBytes("s") },
        }, ns);
        await Until(async () => await objects.SecretAsync(ns, "later", CancellationToken.None) is { } s && Encoding.UTF8.GetString(s.Data["k"]) == "s",
            "a Secret created after the first read to appear");

        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("cfg", ns);
        await Until(async () => await objects.ConfigMapAsync(ns, "cfg", CancellationToken.None) is null, "the deleted ConfigMap to leave the cache");
    }
}
