namespace KubeLab.Tests.Workloads;

/// <summary>Running (one container runs) versus Ready (all containers started and passing readiness), as a notebook needs them.</summary>
public class PodReadyWaitTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task A_pod_failing_its_readiness_probe_is_Running_but_never_Ready()
    {
        await using var lab = await Lab.StartAsync("podready", sim.Options);
        await lab.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: unready}
            spec:
              terminationGracePeriodSeconds: 0
              containers:
              - name: app
                image: busybox:1.36
                command: [sleep, "3600"]
                readinessProbe: {exec: {command: [cat, /tmp/never]}, periodSeconds: 1}
              - name: helper
                image: busybox:1.36
                command: [sleep, "3600"]
            """);
        var running = await lab.WaitForPodRunningAsync("unready", TimeSpan.FromMinutes(1));
        Assert.Equal("Running", running.Status.Phase);

        var e = await Assert.ThrowsAsync<WaitTimeoutException>(() => lab.WaitForPodReadyAsync("unready", TimeSpan.FromSeconds(3)));
        Assert.Contains("pod unready to be Ready", e.Message);
    }

    [Fact]
    public async Task Waiting_for_Ready_returns_once_every_container_runs_and_fails_fast_for_a_pod_that_finished()
    {
        await using var lab = await Lab.StartAsync("podready2", sim.Options);
        await lab.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata: {name: pair}
            spec:
              terminationGracePeriodSeconds: 0
              containers:
              - {name: app, image: busybox:1.36, command: [sleep, "3600"]}
              - {name: sidecar, image: busybox:1.36, command: [sleep, "3600"]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: done}
            spec:
              restartPolicy: Never
              containers:
              - name: app
                image: busybox:1.36
                command: [sleep, "2"]
                readinessProbe: {exec: {command: [cat, /tmp/never]}, periodSeconds: 1}
            """);
        var ready = await lab.WaitForPodReadyAsync("pair", TimeSpan.FromMinutes(1));
        Assert.All(ready.Status.ContainerStatuses, s => Assert.NotNull(s.State.Running));
        Assert.Equal("sidecar", (await lab.ExecAsync("pair", ["echo", "sidecar"], container: "sidecar")).Stdout.Trim());

        var e = await Assert.ThrowsAsync<WaitTimeoutException>(() => lab.WaitForPodReadyAsync("done", TimeSpan.FromMinutes(1)));
        Assert.Contains("finished instead (phase Succeeded)", e.Message);
    }
}
