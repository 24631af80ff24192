using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Runtime.Images;
using KubeLab.Simulator.Runtime.Programs;

namespace KubeLab.Simulator.Tests.Runtime.Programs;

/// <summary>agnhost netexec's endpoints (incl. /dial between two Pods and /shell), liveness's 10-second health, pause.</summary>
public sealed class AgnhostProgramTests
{
    /// <summary>An agnhost image with a stub /bin/sh, so the tests do not depend on the busybox shell.</summary>
    private static readonly ImageDefinition Agnhost = new()
    {
        Name = "registry.k8s.io/e2e-test-images/agnhost:2.53",
        CreateRoot = () => new DirectoryNode(),
        Executables = new Dictionary<string, IContainerProgram>
        {
            ["/agnhost"] = new AgnhostProgram("2.53"),
            ["/bin/sh"] = new FakeShell(),
        },
    };

    [Fact]
    public async Task Netexec_logs_its_start_and_answers_root_hostname_clientip_echo_and_healthz()
    {
        await using var pod = RunningProcess.Start(Agnhost, ["/agnhost", "netexec", "--http-port=8080"], new ClusterNetwork(), TimeProvider.System);
        await pod.WaitListeningAsync(8080);

        Assert.Matches(@"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d Started HTTP server on port 8080\n", pod.Stderr.ToString());
        Assert.Matches(@"^NOW: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}$", (await pod.GetAsync(8080, "/")).BodyText);
        Assert.Equal("pod-a", (await pod.GetAsync(8080, "/hostname")).BodyText);
        Assert.Matches(@"^10\.244\.1\.3:\d{5}$", (await pod.GetAsync(8080, "/clientip")).BodyText);
        Assert.Equal("hello world", (await pod.GetAsync(8080, "/echo?msg=hello%20world")).BodyText);
        var teapot = await pod.GetAsync(8080, "/echo?msg=x&code=418");
        Assert.Equal(418, teapot.StatusCode);
        Assert.Equal(200, (await pod.GetAsync(8080, "/healthz")).StatusCode);
    }

    [Fact]
    public async Task Netexec_without_its_udp_server_is_never_healthy()
    {
        await using var pod = RunningProcess.Start(Agnhost, ["/agnhost", "netexec", "--http-port", "8080", "--udp-port=-1"], new ClusterNetwork(), TimeProvider.System);
        await pod.WaitListeningAsync(8080);

        Assert.Equal(412, (await pod.GetAsync(8080, "/healthz")).StatusCode);
    }

    [Fact]
    public async Task Dial_reaches_another_pod_and_reports_refused_connections()
    {
        var network = new ClusterNetwork();
        await using var a = RunningProcess.Start(Agnhost, ["/agnhost", "netexec"], network, TimeProvider.System, "pod-a", "10.244.1.4");
        await using var b = RunningProcess.Start(Agnhost, ["/agnhost", "netexec"], network, TimeProvider.System, "pod-b", "10.244.2.5");
        await a.WaitListeningAsync(8080);
        await b.WaitListeningAsync(8080);

        var ok = await a.GetAsync(8080, "/dial?request=hostname&host=10.244.2.5&port=8080&protocol=http&tries=2");
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("{\"responses\":[\"pod-b\",\"pod-b\"]}", ok.BodyText);

        var refused = await a.GetAsync(8080, "/dial?request=hostname&host=10.244.2.5&port=9999&protocol=http&tries=1");
        Assert.Equal("{\"errors\":[\"Get \\\"http://10.244.2.5:9999/hostname\\\": dial tcp 10.244.2.5:9999: connect: connection refused\"]}", refused.BodyText);

        var missing = await a.GetAsync(8080, "/dial?host=10.244.2.5&port=8080");
        Assert.Equal(400, missing.StatusCode);
        Assert.Equal("request parameter not specified. <nil>\n", missing.BodyText);
    }

    [Fact]
    public async Task Shell_runs_bin_sh_and_answers_agnhost_json()
    {
        await using var pod = RunningProcess.Start(Agnhost, ["/agnhost", "netexec"], new ClusterNetwork(), TimeProvider.System);
        await pod.WaitListeningAsync(8080);

        Assert.Equal("{\"output\":\"a <b>\\n\"}", (await pod.GetAsync(8080, "/shell?cmd=echo+a+%3Cb%3E")).BodyText.Replace("\\u003c", "<").Replace("\\u003e", ">"));
        Assert.Contains("\\u003cb\\u003e", (await pod.GetAsync(8080, "/shell?cmd=echo+%3Cb%3E")).BodyText);
        Assert.Equal("{\"error\":\"exit status 3\"}", (await pod.GetAsync(8080, "/shell?shellCommand=exit+3")).BodyText);
    }

    [Fact]
    public async Task Exit_ends_the_process_with_the_requested_code()
    {
        await using var pod = RunningProcess.Start(Agnhost, ["/agnhost", "netexec"], new ClusterNetwork(), TimeProvider.System);
        await pod.WaitListeningAsync(8080);

        await Assert.ThrowsAsync<NetworkException>(() => pod.GetAsync(8080, "/exit?code=3"));

        Assert.Equal(3, await RunningProcess.Within(pod.Exit));
        Assert.Null(pod.Sandbox.ListenerOn(8080));
    }

    /// <summary>netexec.go main: SIGTERM → /readyz 503 "shutting down" (healthz stays 200), serve on for --delay-shutdown, os.Exit(0).</summary>
    [Fact]
    public async Task Netexec_on_SIGTERM_fails_readyz_keeps_serving_for_delay_shutdown_then_exits_0()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 12, 3, 4, 5, 6, TimeSpan.Zero));
        await using var pod = RunningProcess.Start(Agnhost, ["/agnhost", "netexec", "--delay-shutdown=5"], new ClusterNetwork(), time);
        await pod.WaitListeningAsync(8080);
        var ready = await pod.GetAsync(8080, "/readyz");
        Assert.Equal((200, "ok"), (ready.StatusCode, ready.BodyText));

        pod.SendTerm();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!pod.Stderr.ToString().Contains("Sleeping 5 seconds before terminating...", StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(10);
        var shutting = await pod.GetAsync(8080, "/readyz");
        Assert.Equal((503, "shutting down"), (shutting.StatusCode, shutting.BodyText));
        Assert.Equal(200, (await pod.GetAsync(8080, "/healthz")).StatusCode);
        Assert.Equal("pod-a", (await pod.GetAsync(8080, "/hostname")).BodyText);
        Assert.False(pod.Exit.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(0, await RunningProcess.Within(pod.Exit));
    }

    [Fact]
    public async Task Netexec_without_delay_shutdown_exits_0_at_once_on_SIGTERM()
    {
        await using var pod = RunningProcess.Start(Agnhost, ["/agnhost", "netexec"], new ClusterNetwork(), TimeProvider.System);
        await pod.WaitListeningAsync(8080);
        pod.SendTerm();
        Assert.Equal(0, await RunningProcess.Within(pod.Exit));
    }

    [Fact]
    public async Task A_taken_port_is_log_fatal()
    {
        var network = new ClusterNetwork();
        await using var first = RunningProcess.Start(Agnhost, ["/agnhost", "netexec"], network, TimeProvider.System);
        await first.WaitListeningAsync(8080);
        var stderr = new BufferOutput();
        var second = first.Context.With(stderr: stderr);

        var status = await new AgnhostProgram("2.53").RunAsync(second, ["/agnhost", "netexec"], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, status);
        Assert.EndsWith(" listen tcp :8080: bind: address already in use\n", stderr.ToString());
    }

    [Fact]
    public async Task Liveness_is_ok_for_ten_seconds_then_500_with_the_elapsed_seconds()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 12, 3, 4, 5, 6, TimeSpan.Zero));
        await using var pod = RunningProcess.Start(Agnhost, ["/agnhost", "liveness"], new ClusterNetwork(), time);
        await pod.WaitListeningAsync(8080);

        time.Advance(TimeSpan.FromSeconds(9.5));
        var healthy = await pod.GetAsync(8080, "/healthz");
        Assert.Equal((200, "ok"), (healthy.StatusCode, healthy.BodyText));

        time.Advance(TimeSpan.FromSeconds(0.75));
        var failing = await pod.GetAsync(8080, "/healthz");
        Assert.Equal((500, "error: 10.25"), (failing.StatusCode, failing.BodyText));
        Assert.Equal(404, (await pod.GetAsync(8080, "/nope")).StatusCode);
    }

    [Fact]
    public async Task Pause_prints_Paused_and_exits_2_on_SIGTERM_like_agnhost()
    {
        await using var pod = RunningProcess.Start(Agnhost, ["/agnhost", "pause"], new ClusterNetwork(), TimeProvider.System);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (pod.Stdout.ToString() != "Paused\n" && DateTime.UtcNow < deadline) await Task.Delay(10);

        pod.SendTerm();

        Assert.Equal(2, await RunningProcess.Within(pod.Exit));
        Assert.Equal("Paused\n", pod.Stdout.ToString());
    }

    [Fact]
    public async Task Serve_hostname_answers_its_hostname_on_9376()
    {
        await using var pod = RunningProcess.Start(Agnhost, ["/agnhost", "serve-hostname"], new ClusterNetwork(), TimeProvider.System, "hostnames-abc");
        await pod.WaitListeningAsync(9376);

        Assert.Equal("hostnames-abc", (await pod.GetAsync(9376, "/anything")).BodyText);
        Assert.Contains("Serving on port 9376.\n", pod.Stderr.ToString());
    }
}
