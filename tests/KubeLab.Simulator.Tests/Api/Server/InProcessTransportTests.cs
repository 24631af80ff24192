using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.Api.Server;

/// <summary>
/// The in-process components' transport: the same pipeline as the HTTPS listener (authentication by the client certificate,
/// RBAC, handlers, streamed watches), carried in memory.
/// </summary>
public class InProcessTransportTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task An_in_process_client_is_authenticated_by_its_certificate_and_authorized_by_rbac()
    {
        using var client = fx.Cluster.CreateInProcessClient("alice", ["dev-team"]);
        var review = await client.AuthenticationV1.CreateSelfSubjectReviewAsync(new V1SelfSubjectReview());
        Assert.Equal("alice", review.Status.UserInfo.Username);
        Assert.Contains("dev-team", review.Status.UserInfo.Groups);
        Assert.Contains("system:authenticated", review.Status.UserInfo.Groups);
        // No role grants alice anything: RBAC refuses her exactly as over HTTPS.
        var e = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.CoreV1.ListNamespacedPodAsync("default"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, e.Response.StatusCode);
        var message = System.Text.Json.Nodes.JsonNode.Parse(e.Response.Content)!["message"]!.ToString();
        Assert.Equal("pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"", message);
    }

    [Fact]
    public async Task A_watch_streams_events_through_the_in_process_transport()
    {
        var ns = await fx.NewNamespaceAsync("inproc");
        using var client = fx.Cluster.CreateInProcessClient("system:kube-controller-manager", ["system:masters"]);
        var list = await client.CoreV1.ListNamespacedConfigMapAsync(ns);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new TaskCompletionSource<string>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, cm) in client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token))
                if (cm.Metadata.Name == "streamed") { seen.TrySetResult(type.ToString()); return; }
        });
        await fx.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "streamed" } }, ns);
        Assert.Equal("Added", await seen.Task.WaitAsync(cts.Token));
        await cts.CancelAsync();
        try { await watching; } catch (OperationCanceledException) { }
    }
}
