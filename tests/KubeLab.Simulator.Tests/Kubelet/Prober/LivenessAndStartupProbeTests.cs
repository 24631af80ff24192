using k8s.Models;
using KubeLab.Simulator.Kubelet.Prober;
using KubeLab.Simulator.Network;
using static KubeLab.Simulator.Tests.Kubelet.Prober.ProberHarness;

namespace KubeLab.Simulator.Tests.Kubelet.Prober;

/// <summary>Liveness and startup: kill once past failureThreshold; startup gates the other probes.</summary>
public class LivenessAndStartupProbeTests
{
    [Fact]
    public async Task Liveness_kills_once_after_failureThreshold_periods_then_holds()
    {
        await using var h = new ProberHarness();
        h.Serve();
        h.SetStatus(500);
        var start = h.Clock.GetUtcNow();
        var probes = h.Start(Web(liveness: HttpGet(initialDelay: 5, period: 10, failure: 3)));
        await Eventually(() => !h.Kills.IsEmpty, "the kill");
        var killedAt = h.Callbacks.Single(c => c.What == "killed").At;
        Assert.True((killedAt - start).TotalSeconds >= 5 + 2 * 10, $"killed after {(killedAt - start).TotalSeconds} s");

        await h.Pass(TimeSpan.FromSeconds(60)); // on hold: no more probes, no second kill
        Assert.Single(h.Kills);
        Assert.Equal(3, h.Hits);
        var kill = h.Kills.Single();
        Assert.Equal((ProbeType.Liveness, "liveness", true), (kill.Type, kill.ProbeName, kill.Restart));
        Assert.Equal(3, h.Reason("Unhealthy").Count(e => e.Message == "Liveness probe failed: HTTP probe failed with statuscode: 500"));
        var killing = Assert.Single(h.Reason("Killing"));
        Assert.Equal(("Normal", "spec.containers{web}", "Container web failed liveness probe, will be restarted"),
            (killing.Type, killing.FieldPath, killing.Message));
        Assert.True(probes.Ready); // no readiness probe: liveness does not drive ready
    }

    [Fact]
    public async Task Liveness_recovering_before_the_threshold_does_not_kill()
    {
        await using var h = new ProberHarness();
        var served = 0;
        h.Serve(handler: (_, _) => Task.FromResult(HttpResponseMessageModel.Text(Interlocked.Increment(ref served) % 3 == 0 ? 200 : 500, "")));
        h.Start(Web(liveness: HttpGet(period: 10, failure: 3))); // fail, fail, succeed, …
        await Eventually(() => Volatile.Read(ref served) >= 9, "nine probes");
        Assert.Empty(h.Kills);
        Assert.Equal(6, h.Reason("Unhealthy").Count(e => e.At <= h.Requests.ElementAt(8).At));
    }

    [Fact]
    public async Task Startup_probe_gates_liveness_and_readiness_until_it_succeeds()
    {
        await using var h = new ProberHarness();
        h.Serve();
        var booted = false;
        var execs = 0;
        var probes = h.Start(
            Web(readiness: HttpGet(period: 5), liveness: HttpGet(period: 5),
                startup: new V1Probe { Exec = new V1ExecAction { Command = ["cat", "/tmp/booted"] }, PeriodSeconds = 5, FailureThreshold = 100_000 }),
            (command, _) =>
            {
                Interlocked.Increment(ref execs);
                return Task.FromResult(Volatile.Read(ref booted) ? (0, "") : (1, "cat: can't open '/tmp/booted': No such file or directory\n"));
            });
        Assert.False(probes.Started);
        Assert.False(probes.Ready);

        await Eventually(() => Volatile.Read(ref execs) >= 4, "startup probes");
        Assert.Equal(0, h.Hits); // liveness and readiness have not run
        Assert.False(probes.Started);

        Volatile.Write(ref booted, true);
        await Eventually(() => probes.Started, "started");
        await Eventually(() => probes.Ready, $"ready (hits {h.Hits}, events: {string.Join(" | ", h.Events.Select(e => e.Message))})");
        Assert.Equal(["started:True", "ready:True"], h.Callbacks.Select(c => $"{c.What}:{c.Value}"));
        var execsWhenStarted = Volatile.Read(ref execs);
        await h.Pass(TimeSpan.FromSeconds(30));
        Assert.Equal(execsWhenStarted, Volatile.Read(ref execs)); // the startup probe is done
        Assert.True(h.Hits >= 2);
        Assert.Equal("Startup probe failed: cat: can't open '/tmp/booted': No such file or directory\n", h.Reason("Unhealthy").First().Message);
    }

    [Fact]
    public async Task A_container_with_only_a_startup_probe_becomes_ready_when_started()
    {
        await using var h = new ProberHarness();
        h.Serve();
        var probes = h.Start(Web(startup: HttpGet(period: 1, initialDelay: 20)));
        Assert.False(probes.Started);
        Assert.False(probes.Ready);
        await Eventually(() => probes.Ready, "ready");
        Assert.True(probes.Started);
        Assert.Equal(["started:True", "ready:True"], h.Callbacks.Select(c => $"{c.What}:{c.Value}"));
    }

    [Theory]
    [InlineData("Always", "Container web failed startup probe, will be restarted")]
    [InlineData("Never", "Container web failed startup probe")]
    public async Task Startup_failing_past_its_threshold_kills(string restartPolicy, string message)
    {
        await using var h = new ProberHarness(restartPolicy);
        h.Start(Web(startup: new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 9090 }, PeriodSeconds = 2, FailureThreshold = 2 }));
        await Eventually(() => !h.Kills.IsEmpty, "the kill");
        var kill = h.Kills.Single();
        Assert.Equal((ProbeType.Startup, restartPolicy != "Never", message), (kill.Type, kill.Restart, kill.Message));
        Assert.Equal(message, h.Reason("Killing").Single().Message);
        Assert.Equal("Startup probe failed: dial tcp 10.244.1.5:9090: connect: connection refused", h.Reason("Unhealthy").First().Message);
    }

    [Fact]
    public async Task Tcp_probe_succeeds_when_something_listens()
    {
        await using var h = new ProberHarness();
        h.Serve(9090);
        var probes = h.Start(Web(readiness: new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 9090 }, PeriodSeconds = 1 }));
        await Eventually(() => probes.Ready, "ready");
        Assert.Empty(h.Requests); // a connect only, no HTTP request
    }

    [Fact]
    public async Task Exec_probe_output_is_the_event_text_and_a_slow_command_times_out()
    {
        await using var h = new ProberHarness();
        IReadOnlyList<string>? seen = null;
        h.Start(Web(liveness: new V1Probe { Exec = new V1ExecAction { Command = ["sh", "-c", "sleep 10"] }, TimeoutSeconds = 1, FailureThreshold = 1 }),
            async (command, ct) =>
            {
                seen = command;
                await Task.Delay(TimeSpan.FromSeconds(10), h.Clock, ct);
                return (0, "");
            });
        await Eventually(() => !h.Kills.IsEmpty, "the kill");
        Assert.Equal(["sh", "-c", "sleep 10"], seen);
        Assert.Equal("Liveness probe failed: command \"sh -c sleep 10\" timed out", h.Reason("Unhealthy").Single().Message);
    }

    [Fact]
    public async Task Grpc_probes_fail_with_one_warning_saying_they_are_not_modelled()
    {
        await using var h = new ProberHarness();
        h.Start(Web(liveness: new V1Probe { Grpc = new V1GRPCAction { Port = 9000 }, PeriodSeconds = 1, FailureThreshold = 3 }));
        await Eventually(() => !h.Kills.IsEmpty, "the kill");
        var warning = Assert.Single(h.Reason("Unhealthy"));
        Assert.Equal(("Warning", "Liveness probe failed: gRPC probes are not modelled by the simulator"), (warning.Type, warning.Message));
    }

    [Fact]
    public void Kill_grace_period_prefers_the_probes_own_then_the_pods()
    {
        var pod = new V1Pod { Spec = new V1PodSpec { TerminationGracePeriodSeconds = 10, Containers = [] } };
        var container = new V1Container { Name = "web", Image = "busybox" };
        Assert.Equal(TimeSpan.FromSeconds(10), ProbeKill.For(ProbeType.Liveness, new V1Probe(), pod, container).GracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(3),
            ProbeKill.For(ProbeType.Liveness, new V1Probe { TerminationGracePeriodSeconds = 3 }, pod, container).GracePeriod);
    }
}
