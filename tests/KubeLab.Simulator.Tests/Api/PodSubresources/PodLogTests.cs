using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.Api.PodSubresources;

/// <summary><c>pods/{name}/log</c> through the real kubectl and raw HTTP, served from a fake kubelet's container logs.</summary>
public sealed class PodLogTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 4, 5, 6, TimeSpan.Zero);

    [Fact]
    public async Task Kubectl_logs_prints_the_containers_output()
    {
        var (ns, kubelet, _) = await FakeNodes.PodAsync(f, "web", ["web"]);
        kubelet.AddLog("web", "web", T0, "starting", "listening on :80");
        var r = await f.KubectlOkAsync("logs", "web", "-n", ns);
        Assert.Equal("starting\nlistening on :80\n", r.Stdout);
    }

    [Fact]
    public async Task Container_flag_previous_tail_and_timestamps()
    {
        var (ns, kubelet, _) = await FakeNodes.PodAsync(f, "web", ["web", "log-shipper"]);
        kubelet.AddLog("web", "web", T0, "from web");
        kubelet.AddLog("web", "log-shipper", T0.AddTicks(1234567), "a", "b", "c");
        kubelet.Previous["web/web"] = kubelet.AddLog("web", "crashed-run", T0, "panic: boom");

        Assert.Equal("a\nb\nc\n", (await f.KubectlOkAsync("logs", "web", "-c", "log-shipper", "-n", ns)).Stdout);
        Assert.Equal("b\nc\n", (await f.KubectlOkAsync("logs", "web", "-c", "log-shipper", "--tail=2", "-n", ns)).Stdout);
        Assert.Equal("2026-12-03T04:05:06.123456700Z c\n", (await f.KubectlOkAsync("logs", "web", "-c", "log-shipper", "--tail=1", "--timestamps", "-n", ns)).Stdout);
        Assert.Equal("panic: boom\n", (await f.KubectlOkAsync("logs", "web", "-c", "web", "--previous", "-n", ns)).Stdout);

        // Without -c kubectl itself picks the first container and says so; the API server never guesses.
        var defaulted = await f.KubectlOkAsync("logs", "web", "-n", ns);
        Assert.Equal("from web\n", defaulted.Stdout);
        Assert.Contains("Defaulted container \"web\" out of: web, log-shipper", defaulted.Stderr);
    }

    [Fact]
    public async Task Kubelet_errors_reach_kubectl_with_their_status()
    {
        var (ns, _, _) = await FakeNodes.PodAsync(f, "fresh", ["app"]);
        var waiting = await f.KubectlAsync("logs", "fresh", "-n", ns);
        Assert.Equal(1, waiting.ExitCode);
        Assert.Equal("Error from server (BadRequest): container \"app\" in pod \"fresh\" is waiting to start: ContainerCreating", waiting.Stderr.Trim());

        var previous = await f.KubectlAsync("logs", "fresh", "--previous", "-n", ns);
        Assert.Equal("Error from server (BadRequest): previous terminated container \"app\" in pod \"fresh\" not found", previous.Stderr.Trim());

        // kubectl checks the name itself first (same words as the API server's check).
        var bogus = await f.KubectlAsync("logs", "fresh", "-c", "bogus", "-n", ns);
        Assert.Equal("error: container bogus is not valid for pod fresh", bogus.Stderr.Trim());
        var (status, body) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods/fresh/log?container=bogus");
        Assert.Equal(400, status);
        Assert.Equal("container bogus is not valid for pod fresh", body!["message"]!.ToString());
    }

    [Fact]
    public async Task Api_server_requires_a_container_name_when_there_are_several()
    {
        var (ns, _, _) = await FakeNodes.PodAsync(f, "web", ["web", "log-shipper"], initContainers: ["init-db"]);
        var (status, body) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods/web/log");
        Assert.Equal(400, status);
        Assert.Equal("BadRequest", body!["reason"]!.ToString());
        Assert.Equal("a container name must be specified for pod web, choose one of: [web log-shipper] or one of the init containers: [init-db]",
            body["message"]!.ToString());
    }

    [Fact]
    public async Task Invalid_options_are_422_with_field_paths()
    {
        var (ns, kubelet, _) = await FakeNodes.PodAsync(f, "v", ["app"]);
        kubelet.AddLog("v", "app", T0, "x");
        var (status, body) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods/v/log?tailLines=-1&limitBytes=0");
        Assert.Equal(422, status);
        Assert.Equal("PodLogOptions \"v\" is invalid: [tailLines: Invalid value: -1: must be greater than or equal to 0, limitBytes: Invalid value: 0: must be greater than 0]",
            body!["message"]!.ToString());
        Assert.Equal(["tailLines", "limitBytes"], body.Path("details.causes")!.AsArray().Select(c => c!["field"]!.ToString()));

        var (both, bothBody) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods/v/log?sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z");
        Assert.Equal(422, both);
        Assert.EndsWith("Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified", bothBody!["message"]!.ToString());

        var (bad, _) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods/v/log?tailLines=many");
        Assert.Equal(400, bad);
    }

    [Fact]
    public async Task Since_time_and_limit_bytes_cut_the_output()
    {
        var (ns, kubelet, _) = await FakeNodes.PodAsync(f, "s", ["app"]);
        var log = kubelet.AddLog("s", "app", T0, "old line");
        log.Write("stdout", "new line\nnewer line\n", T0.AddMinutes(5));

        using var since = await f.Http.GetAsync($"/api/v1/namespaces/{ns}/pods/s/log?sinceTime=2026-12-03T04:08:00Z");
        Assert.Equal("text/plain", since.Content.Headers.ContentType!.MediaType);
        Assert.Equal("new line\nnewer line\n", await since.Content.ReadAsStringAsync());

        using var limited = await f.Http.GetAsync($"/api/v1/namespaces/{ns}/pods/s/log?limitBytes=12");
        Assert.Equal("old line\nnew", await limited.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Follow_streams_new_lines_and_ends_when_the_log_closes()
    {
        var (ns, kubelet, _) = await FakeNodes.PodAsync(f, "tail", ["app"]);
        var log = kubelet.AddLog("tail", "app", T0, "first");
        using var kubectl = f.StartKubectl("logs", "-f", "tail", "-n", ns);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        Assert.Equal("first", await kubectl.StandardOutput.ReadLineAsync(timeout.Token));
        log.Write("stdout", "second\n", T0.AddSeconds(1));
        Assert.Equal("second", await kubectl.StandardOutput.ReadLineAsync(timeout.Token));
        Assert.False(kubectl.HasExited);

        log.Write("stdout", "last words", T0.AddSeconds(2));
        log.Close(T0.AddSeconds(2));
        Assert.Equal("last words", await kubectl.StandardOutput.ReadLineAsync(timeout.Token));
        await kubectl.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, kubectl.ExitCode);
    }

    [Fact]
    public async Task A_pod_without_a_node_has_an_empty_log_and_a_missing_pod_is_404()
    {
        var ns = await f.NewNamespaceAsync("ps");
        var pod = Objects.Pod("pending");
        pod.Spec.SchedulerName = "manual-scheduler";
        await f.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);
        using var empty = await f.Http.GetAsync($"/api/v1/namespaces/{ns}/pods/pending/log");
        Assert.Equal(200, (int)empty.StatusCode);
        Assert.Equal("", await empty.Content.ReadAsStringAsync());

        var missing = await f.KubectlAsync("logs", "ghost", "-n", ns);
        // kubectl looks the pod up itself and words the 404 its own way.
        Assert.StartsWith("error: error from server (NotFound): pods \"ghost\" not found", missing.Stderr.Trim());
        var (status, _) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods/ghost/log");
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task Discovery_lists_the_subresources()
    {
        var list = await f.Client.CoreV1.GetAPIResourcesAsync();
        var names = list.Resources.Select(r => r.Name).ToList();
        Assert.Contains("pods/log", names);
        Assert.Contains("pods/exec", names);
        Assert.Contains("pods/proxy", names);
        Assert.Contains("services/proxy", names);
        Assert.Equal(["create", "get"], list.Resources.Single(r => r.Name == "pods/exec").Verbs);
    }
}

internal static class JsonPaths
{
    public static JsonNode? Path(this JsonObject o, string dotted)
    {
        JsonNode? n = o;
        foreach (var part in dotted.Split('.')) n = n?[part];
        return n;
    }
}
