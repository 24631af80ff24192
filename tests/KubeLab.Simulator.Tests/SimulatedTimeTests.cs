using k8s;

namespace KubeLab.Simulator.Tests;

/// <summary>The cluster reads time only from SimulatorOptions.Time: timestamps, ages and grace periods follow a manual clock.</summary>
public sealed class SimulatedTimeTests : IAsyncLifetime
{
    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly ManualTime time = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private SimulatedCluster cluster = null!;
    private IKubernetes client = null!;

    public async Task InitializeAsync()
    {
        cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { Time = time });
        client = cluster.CreateClient();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await cluster.DisposeAsync();
    }

    [Fact]
    public async Task Creation_timestamps_and_table_ages_use_the_configured_clock()
    {
        var cm = await client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("clock"), "default");
        Assert.Equal(new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc), cm.Metadata.CreationTimestamp!.Value.ToUniversalTime());

        time.Now += TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(20);
        using var http = cluster.CreateHttpClient();
        using var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/configmaps/clock");
        req.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io");
        var table = System.Text.Json.Nodes.JsonNode.Parse(await (await http.SendAsync(req)).Content.ReadAsStringAsync())!;
        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal("3m20s", table["rows"]![0]!["cells"]![2]!.GetValue<string>());
    }

    [Fact]
    public async Task Graceful_pod_deletion_completes_once_the_grace_period_has_elapsed()
    {
        var pod = Objects.Pod("slow");
        pod.Spec.NodeName = "node-without-kubelet";
        pod.Spec.TerminationGracePeriodSeconds = 10;
        await client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        await client.CoreV1.DeleteNamespacedPodAsync("slow", "default");
        Assert.NotNull((await client.CoreV1.ReadNamespacedPodAsync("slow", "default")).Metadata.DeletionTimestamp);

        time.Now += TimeSpan.FromSeconds(11);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await Objects.StatusOf(() => client.CoreV1.ReadNamespacedPodAsync("slow", "default")) != 404)
        {
            Assert.True(DateTime.UtcNow < deadline, "pod was not removed after its grace period");
            await Task.Delay(100);
        }
    }
}
