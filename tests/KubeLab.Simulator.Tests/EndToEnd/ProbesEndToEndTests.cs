namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>Liveness and readiness probes run by the kubelet against real simulated containers, on the fast clock.</summary>
public sealed class ProbesEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    [Fact]
    public async Task Agnhost_liveness_is_restarted_by_its_http_liveness_probe()
    {
        var ns = await f.NewNamespaceAsync("probe-live");
        // The liveness example of the Kubernetes docs (configure-liveness-readiness-startup-probes): /healthz turns 500 after 10 s.
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: liveness-http
            spec:
              containers:
              - name: liveness
                image: registry.k8s.io/e2e-test-images/agnhost:2.40
                args: ["liveness"]
                livenessProbe:
                  httpGet:
                    path: /healthz
                    port: 8080
                  initialDelaySeconds: 3
                  periodSeconds: 3
            """);
        var pod = await f.WaitForPodAsync(ns, "liveness-http", p => p.Status?.ContainerStatuses?[0].RestartCount >= 1, "restarted");
        var terminated = pod.Status.ContainerStatuses[0].LastState?.Terminated;
        Assert.NotNull(terminated);
        // The kill is SIGTERM to agnhost, a Go program as PID 1: Go's handler re-raises it, PID 1 survives that and exits 2.
        Assert.Equal((2, "Error"), (terminated.ExitCode, terminated.Reason));

        List<string> events = [];
        await EndToEndCluster.EventuallyAsync(async () =>
        {
            events = await f.EventsAsync(ns, "liveness-http");
            return events.Contains("Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500")
                && events.Contains("Killing: Container liveness failed liveness probe, will be restarted");
        }, () => "events: " + string.Join(" | ", events));

        var describe = await f.KubectlOkAsync("describe", "pod", "liveness-http", "-n", ns);
        Assert.Matches(@"Warning\s+Unhealthy\s+.*kubelet\s+Liveness probe failed: HTTP probe failed with statuscode: 500", describe.Stdout);
        Assert.Matches(@"Normal\s+Killing\s+.*kubelet\s+Container liveness failed liveness probe, will be restarted", describe.Stdout);
    }

    [Fact]
    public async Task Readiness_exec_probe_toggles_ready()
    {
        var ns = await f.NewNamespaceAsync("probe-ready");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: gate
            spec:
              containers:
              - name: main
                image: busybox:1.36
                command: ["sh", "-c", "touch /tmp/ready; sleep 3600"]
                readinessProbe:
                  exec:
                    command: ["cat", "/tmp/ready"]
                  periodSeconds: 1
            """);
        await f.WaitForReadyAsync(ns, "gate");

        var rm = await f.ExecAsync(null, "exec", "gate", "-n", ns, "--", "rm", "/tmp/ready");
        Assert.True(rm.ExitCode == 0, rm.ToString());
        var notReady = await f.WaitForPodAsync(ns, "gate", p => !EndToEndCluster.IsReady(p), "not Ready");
        Assert.Equal(0, notReady.Status.ContainerStatuses[0].RestartCount); // readiness never restarts
        Assert.False(notReady.Status.ContainerStatuses[0].Ready);

        // exec probes report the command's output as it is, new line included (prober.go "%s probe failed: %s").
        List<string> events = [];
        await EndToEndCluster.EventuallyAsync(async () =>
        {
            events = await f.EventsAsync(ns, "gate");
            return events.Contains("Unhealthy: Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory\n");
        }, () => "events: " + string.Join(" | ", events));

        var touch = await f.ExecAsync(null, "exec", "gate", "-n", ns, "--", "touch", "/tmp/ready");
        Assert.True(touch.ExitCode == 0, touch.ToString());
        await f.WaitForReadyAsync(ns, "gate");
    }
}
