using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary><c>kubectl logs</c> against pods the simulated kubelets really ran (no fake kubelet).</summary>
public sealed partial class LogsEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private static string BusyboxPod(string name, string script, string restartPolicy = "Always", string? annotations = null) => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
        {{annotations ?? ""}}
        spec:
          restartPolicy: {{restartPolicy}}
          containers:
          - name: main
            image: busybox:1.36
            command: ["sh", "-c", "{{script}}"]
        """;

    private static string OneTwoJob(string name) => $$"""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: {{name}}
        spec:
          template:
            metadata:
              labels:
                app: {{name}}
            spec:
              restartPolicy: Never
              containers:
              - name: main
                image: busybox:1.36
                command: ["sh", "-c", "echo one; echo two"]
        """;

    [Fact]
    public async Task Job_pod_logs_by_pod_and_by_job()
    {
        var ns = await f.NewNamespaceAsync("logs-job");
        await f.ApplyAsync(ns, OneTwoJob("hello"));
        var pod = (await f.WaitForPodsAsync(ns, "app=hello", 1, p => p.Status?.Phase == "Succeeded", "Succeeded"))[0];

        var byPod = await f.KubectlOkAsync("logs", pod.Metadata.Name, "-n", ns);
        Assert.Equal("one\ntwo\n", byPod.Stdout);

        var byJob = await f.KubectlOkAsync("logs", "job/hello", "-n", ns);
        Assert.Equal("one\ntwo\n", byJob.Stdout);
    }

    [Fact]
    public async Task Deployment_and_label_selector()
    {
        var ns = await f.NewNamespaceAsync("logs-deploy");
        await f.ApplyAsync(ns, """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: greeter
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app: greeter
              template:
                metadata:
                  labels:
                    app: greeter
                spec:
                  containers:
                  - name: main
                    image: busybox:1.36
                    command: ["sh", "-c", "echo hello from $HOSTNAME; sleep 3600"]
            """);
        var pods = await f.WaitForPodsAsync(ns, "app=greeter", 2, p => p.Status?.Phase == "Running", "Running");
        var names = pods.Select(p => p.Metadata.Name).ToList();

        // Logs only appear once the shell has run its echo; wait for both.
        foreach (var name in names)
            await EndToEndCluster.EventuallyAsync(async () => (await f.KubectlAsync("logs", name, "-n", ns)).Stdout.Length > 0, () => $"no log from {name}");

        // deploy/x picks one pod of the Deployment's selector, says which on stderr, and prints only its log.
        var deploy = await f.KubectlOkAsync("logs", "deploy/greeter", "-n", ns);
        var line = Assert.Single(deploy.Lines);
        var chosen = Assert.Single(names, n => line == "hello from " + n);
        Assert.Equal($"Found 2 pods, using pod/{chosen}", deploy.Stderr.Trim());

        // -l prints the log of every matching pod.
        var byLabel = await f.KubectlOkAsync("logs", "-l", "app=greeter", "-n", ns);
        Assert.Equal(names.Select(n => "hello from " + n).Order(), byLabel.Lines.Order());

        var prefixed = await f.KubectlOkAsync("logs", "-l", "app=greeter", "--prefix", "-n", ns);
        Assert.Equal(names.Select(n => $"[pod/{n}/main] hello from {n}").Order(), prefixed.Lines.Order());
    }

    private const string TwoContainers = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: duo
        ANNOTATIONS
        spec:
          containers:
          - name: web
            image: busybox:1.36
            command: ["sh", "-c", "echo from web; sleep 3600"]
          - name: sidecar
            image: busybox:1.36
            command: ["sh", "-c", "echo from sidecar; sleep 3600"]
        """;

    [Fact]
    public async Task Container_flag_and_defaulting_on_a_two_container_pod()
    {
        var ns = await f.NewNamespaceAsync("logs-duo");
        await f.ApplyAsync(ns, TwoContainers.Replace("ANNOTATIONS", ""));
        await f.WaitForRunningAsync(ns, "duo");
        await EndToEndCluster.EventuallyAsync(async () => (await f.KubectlAsync("logs", "duo", "-c", "sidecar", "-n", ns)).Stdout.Length > 0, () => "no sidecar log");

        Assert.Equal("from sidecar\n", (await f.KubectlOkAsync("logs", "duo", "-c", "sidecar", "-n", ns)).Stdout);
        Assert.Equal("from web\n", (await f.KubectlOkAsync("logs", "duo", "-c", "web", "-n", ns)).Stdout);

        // kubectl 1.32 does not fail without -c: it defaults to the first container and says so on stderr.
        var defaulted = await f.KubectlOkAsync("logs", "duo", "-n", ns);
        Assert.Equal("from web\n", defaulted.Stdout);
        Assert.Equal("Defaulted container \"web\" out of: web, sidecar", defaulted.Stderr.Trim());

        // --all-containers prints both.
        var all = await f.KubectlOkAsync("logs", "duo", "--all-containers", "-n", ns);
        Assert.Equal(["from sidecar", "from web"], all.Lines.Order());

        // The API server itself never guesses.
        var (status, body) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods/duo/log");
        Assert.Equal(400, status);
        Assert.Equal("a container name must be specified for pod duo, choose one of: [web sidecar]", body!["message"]!.ToString());
    }

    [Fact]
    public async Task Default_container_annotation_is_honoured()
    {
        var ns = await f.NewNamespaceAsync("logs-annot");
        await f.ApplyAsync(ns, TwoContainers.Replace("ANNOTATIONS", """
              annotations:
                kubectl.kubernetes.io/default-container: sidecar
            """));
        await f.WaitForRunningAsync(ns, "duo");
        await EndToEndCluster.EventuallyAsync(async () => (await f.KubectlAsync("logs", "duo", "-n", ns)).Stdout.Length > 0, () => "no sidecar log");

        var r = await f.KubectlOkAsync("logs", "duo", "-n", ns);
        Assert.Equal("from sidecar\n", r.Stdout);
        Assert.DoesNotContain("Defaulted container", r.Stderr);
    }

    [Fact]
    public async Task Tail_and_timestamps()
    {
        var ns = await f.NewNamespaceAsync("logs-tail");
        await f.ApplyAsync(ns, BusyboxPod("three", "echo a; echo b; echo c", "Never"));
        var pod = await f.WaitForPhaseAsync(ns, "three", "Succeeded");

        Assert.Equal("a\nb\nc\n", (await f.KubectlOkAsync("logs", "three", "-n", ns)).Stdout);
        Assert.Equal("c\n", (await f.KubectlOkAsync("logs", "three", "--tail=1", "-n", ns)).Stdout);

        // Each line gets the time the runtime received it (RFC 3339 with nanoseconds), within the container's run.
        var run = pod.Status.ContainerStatuses[0].State.Terminated;
        var stamped = await f.KubectlOkAsync("logs", "three", "--timestamps", "-n", ns);
        Assert.Equal(3, stamped.Lines.Length);
        var expected = new[] { "a", "b", "c" };
        var previous = DateTimeOffset.MinValue;
        for (var i = 0; i < 3; i++)
        {
            var m = Rfc3339NanoLine().Match(stamped.Lines[i]);
            Assert.True(m.Success, stamped.Lines[i]);
            Assert.Equal(expected[i], m.Groups[2].Value);
            var at = DateTimeOffset.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(at, new DateTimeOffset(run.StartedAt!.Value, TimeSpan.Zero), new DateTimeOffset(run.FinishedAt!.Value, TimeSpan.Zero).AddSeconds(1));
            Assert.True(at >= previous, stamped.Stdout);
            previous = at;
        }
    }

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (.*)$")]
    private static partial Regex Rfc3339NanoLine();

    [Fact]
    public async Task Follow_streams_new_lines_until_killed()
    {
        var ns = await f.NewNamespaceAsync("logs-follow");
        await f.ApplyAsync(ns, BusyboxPod("ticker", "while true; do echo tick; sleep 1; done"));
        await f.WaitForRunningAsync(ns, "ticker");

        using var p = f.StartKubectl("logs", "-f", "ticker", "-n", ns);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Assert.Equal("tick", await p.StandardOutput.ReadLineAsync(cts.Token));
            Assert.Equal("tick", await p.StandardOutput.ReadLineAsync(cts.Token));
            Assert.Equal("tick", await p.StandardOutput.ReadLineAsync(cts.Token));
            Assert.False(p.HasExited);
        }
        finally
        {
            p.Kill();
            await p.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Follow_ends_by_itself_when_the_container_exits()
    {
        var ns = await f.NewNamespaceAsync("logs-follow-end");
        // 5 simulated seconds (half a real second at 10×) after start, then it exits.
        await f.ApplyAsync(ns, BusyboxPod("short", "echo start; sleep 5; echo done", "Never"));
        await f.WaitForRunningAsync(ns, "short");

        using var p = f.StartKubectl("logs", "-f", "short", "-n", ns);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill();
            Assert.Fail("kubectl logs -f did not end when the container exited");
        }
        Assert.True(p.ExitCode == 0, await stderr);
        Assert.Equal("start\ndone\n", await stdout);
    }

    [Fact]
    public async Task Previous_shows_the_crashed_run()
    {
        var ns = await f.NewNamespaceAsync("logs-prev");
        await f.ApplyAsync(ns, BusyboxPod("crasher", "echo attempt; exit 1"));
        // Exited twice: the second restart waits in CrashLoopBackOff (10 s back-off, 1 s of real time at 10×).
        await f.WaitForPodAsync(ns, "crasher", p => p.Status?.ContainerStatuses?[0].State?.Waiting?.Reason == "CrashLoopBackOff", "CrashLoopBackOff");

        var prev = await f.KubectlOkAsync("logs", "crasher", "--previous", "-n", ns);
        Assert.Equal("attempt\n", prev.Stdout);
        var prevShort = await f.KubectlOkAsync("logs", "crasher", "-p", "-n", ns);
        Assert.Equal("attempt\n", prevShort.Stdout);
    }

    [Fact]
    public async Task Previous_of_a_container_that_never_restarted_is_an_error()
    {
        var ns = await f.NewNamespaceAsync("logs-noprev");
        await f.ApplyAsync(ns, BusyboxPod("steady", "echo up; sleep 3600"));
        await f.WaitForRunningAsync(ns, "steady");

        var r = await f.KubectlAsync("logs", "steady", "--previous", "-n", ns);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal("Error from server (BadRequest): previous terminated container \"main\" in pod \"steady\" not found", r.Stderr.Trim());
    }

    [Fact]
    public async Task Logs_of_a_pod_whose_image_cannot_be_pulled()
    {
        var ns = await f.NewNamespaceAsync("logs-pull");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: broken
            spec:
              containers:
              - name: app
                image: does-not-exist:1.0
            """);
        await f.WaitForPodAsync(ns, "broken",
            p => p.Status?.ContainerStatuses?[0].State?.Waiting?.Reason is "ErrImagePull" or "ImagePullBackOff", "waiting on its image");

        var sw = Stopwatch.StartNew();
        var r = await f.KubectlAsync("logs", "broken", "-n", ns);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), "kubectl logs hung");
        Assert.Equal(1, r.ExitCode);
        var text = r.Stderr.Trim();
        Assert.StartsWith("Error from server (BadRequest): container \"app\" in pod \"broken\" is waiting to start: ", text);
        Assert.Matches("waiting to start: (trying and failing to pull image|image can't be pulled)$", text);

        var (status, _) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/pods/broken/log");
        Assert.Equal(400, status);
    }
}
