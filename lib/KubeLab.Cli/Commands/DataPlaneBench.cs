using System.Diagnostics;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace KubeLab.Cli.Commands;

/// <summary>
/// The "inside the Pod" half of <c>kubelab bench</c>, measured through the same APIs kubectl uses: exec round trips
/// (WebSocket, v4.channel.k8s.io), GETs through the API server's pod proxy to a modelled agnhost, and how long a line a
/// container writes takes to reach a follower of <c>pods/log?follow=true</c>.
/// </summary>
internal static class DataPlaneBench
{
    private const string Namespace = "kubelab-bench-dataplane";

    public sealed record Figures(TimeSpan ExecMedian, TimeSpan ExecP99, int ExecCount, double ProxyGetsPerSecond, int ProxyGets,
        TimeSpan LogFollowMedian, int LogLines);

    public static async Task<Figures> RunAsync(IKubernetes client, TimeProvider clusterClock, CancellationToken ct, int execs = 200, int gets = 1000, int logLines = 50)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: ct);
        await CreatePodAsync(client, "shell", "busybox:1.36", ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"], ct);
        await CreatePodAsync(client, "netexec", "registry.k8s.io/e2e-test-images/agnhost:2.53", ["/agnhost", "netexec", "--http-port=8080"], ct);
        await CreatePodAsync(client, "web", "nginx:1.27", null, ct);
        foreach (var pod in new[] { "shell", "netexec", "web" }) await WaitRunningAsync(client, pod, ct);

        // Exec round trips: one `echo` each, sequentially, as a learner's cell would.
        var times = new List<TimeSpan>(execs);
        for (var i = 0; i < execs; i++)
        {
            var clock = Stopwatch.StartNew();
            var output = await ExecAsync(client, "shell", ["echo", "x"], ct);
            times.Add(clock.Elapsed);
            if (output.Trim() != "x") throw new UserError($"exec returned \"{output}\" instead of \"x\"", 1);
        }
        times.Sort();

        // Proxied GETs to agnhost's /hostname, 8 at a time (kubectl get --raw …/pods/netexec:8080/proxy/hostname).
        var http = ((Kubernetes)client).HttpClient;
        var url = $"{client.BaseUri.ToString().TrimEnd('/')}/api/v1/namespaces/{Namespace}/pods/netexec:8080/proxy/hostname";
        var next = 0;
        var proxyClock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= gets)
            {
                using var response = await http.GetAsync(url, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                if (!response.IsSuccessStatusCode || body != "netexec") throw new UserError($"proxy GET answered {(int)response.StatusCode}: {body}", 1);
            }
        }));
        var perSecond = gets / proxyClock.Elapsed.TotalSeconds;

        // Log follow latency: each GET makes nginx write an access-log line to stdout; from the line's timestamp (the cluster
        // clock when nginx wrote it, at speed 1) until the follower has read it.
        var followLatencies = new List<TimeSpan>();
        using var follow = await client.CoreV1.ReadNamespacedPodLogWithHttpMessagesAsync("web", Namespace, follow: true, timestamps: true, cancellationToken: ct);
        using var reader = new StreamReader(follow.Body, Encoding.UTF8);
        var webUrl = $"{client.BaseUri.ToString().TrimEnd('/')}/api/v1/namespaces/{Namespace}/pods/web:80/proxy/bench-{{0}}";
        for (var i = 0; i < logLines; i++)
        {
            var marker = $"bench-{i}";
            using (await http.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, webUrl, i), ct)) { }
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (!line.Contains($"/{marker} ", StringComparison.Ordinal)) continue;
                var written = DateTimeOffset.Parse(line[..line.IndexOf(' ')], System.Globalization.CultureInfo.InvariantCulture);
                followLatencies.Add(clusterClock.GetUtcNow() - written);
                break;
            }
        }
        followLatencies.Sort();

        await client.CoreV1.DeleteNamespaceAsync(Namespace, cancellationToken: ct);
        return new Figures(times[times.Count / 2], times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.99) - 1)], execs,
            perSecond, gets, followLatencies[followLatencies.Count / 2], logLines);
    }

    private static Task CreatePodAsync(IKubernetes client, string name, string image, IList<string>? command, CancellationToken ct) =>
        client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = name, Image = image, Command = command }] },
        }, Namespace, cancellationToken: ct);

    private static async Task WaitRunningAsync(IKubernetes client, string name, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while ((await client.CoreV1.ReadNamespacedPodAsync(name, Namespace, cancellationToken: ct)).Status?.Phase != "Running")
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(2)) throw new UserError($"bench pod {name} did not start within 2 minutes", 1);
            await Task.Delay(50, ct);
        }
    }

    /// <summary>Exec over WebSocket: stdout from channel 1; the status on channel 3 must say Success.</summary>
    private static async Task<string> ExecAsync(IKubernetes client, string pod, string[] command, CancellationToken ct)
    {
        using var socket = await client.WebSocketNamespacedPodExecAsync(pod, Namespace, command, pod, stdin: false, tty: false,
            webSocketSubProtocol: "v4.channel.k8s.io", cancellationToken: ct);
        using var demux = new StreamDemuxer(socket);
        // Streams first: the demuxer drops frames of channels nobody has asked for yet, and a fast exec sends its stdout and
        // status before a GetStream after Start() would run (the bench then read an empty status or waited forever).
        using var stdout = demux.GetStream(1, null);
        using var status = demux.GetStream(3, null);
        demux.Start();
        using var outReader = new StreamReader(stdout);
        var outputTask = outReader.ReadToEndAsync(ct);
        using var statusReader = new StreamReader(status);
        string statusJson, output;
        try
        {
            // A bench must end: an exec that has not finished in 30 s is a finding, not a reason to wait forever.
            statusJson = await statusReader.ReadToEndAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
            output = await outputTask.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }
        catch (TimeoutException)
        {
            throw new UserError($"exec of `{string.Join(' ', command)}` in pod {pod} did not finish within 30 s", 1);
        }
        using var doc = JsonDocument.Parse(statusJson);
        if (doc.RootElement.GetProperty("status").GetString() != "Success") throw new UserError($"exec failed: {statusJson}", 1);
        return output;
    }
}
