using k8s;
using k8s.Models;
using KubeLab.Simulator.Tests.EndToEnd;

namespace KubeLab.Simulator.Tests.Kubelet;

/// <summary>
/// Native sidecars (init containers with restartPolicy Always, KEP-753) run by the kubelet on the fast clock: started in their
/// init slot, restarted whatever the pod's policy, probed, counted for Ready but not for the phase, stopped after the app
/// containers in reverse order – and what that means for a Job.
/// </summary>
public sealed class SidecarContainerTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private static V1ContainerStatus Init(V1Pod p, string name) => p.Status.InitContainerStatuses.Single(s => s.Name == name);
    private static V1ContainerStatus App(V1Pod p, string name) => p.Status.ContainerStatuses.Single(s => s.Name == name);
    private static V1PodCondition Condition(V1Pod p, string type) => p.Status.Conditions.Single(c => c.Type == type);

    [Fact]
    public async Task App_containers_wait_until_the_sidecar_has_started_and_the_next_init_container_completed()
    {
        var ns = await f.NewNamespaceAsync("sc-order");
        // The sidecar's startup probe passes only once it created /tmp/up (after 3 s); the regular init container after it
        // then finds the sidecar's file in the shared volume: it ran while the sidecar was running.
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: ordered
            spec:
              volumes:
              - name: shared
                emptyDir: {}
              initContainers:
              - name: proxy
                image: busybox:1.36
                restartPolicy: Always
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3; echo up > /shared/up; touch /tmp/up; sleep 3600 & wait"]
                startupProbe:
                  exec:
                    command: ["cat", "/tmp/up"]
                  periodSeconds: 1
                  failureThreshold: 30
                volumeMounts:
                - name: shared
                  mountPath: /shared
              - name: setup
                image: busybox:1.36
                command: ["sh", "-c", "cat /shared/up"]
                volumeMounts:
                - name: shared
                  mountPath: /shared
              containers:
              - name: app
                image: busybox:1.36
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
            """);
        var pending = await f.WaitForPodAsync(ns, "ordered", p => p.Status?.InitContainerStatuses?.Any(s => s.Name == "proxy" && s.State?.Running is not null) == true,
            "proxy running");
        if (Init(pending, "proxy").Started != true)
        {
            // Not started yet: the pod is still initialising and nothing after the sidecar has run.
            Assert.Equal("Pending", pending.Status.Phase);
            Assert.Equal("False", Condition(pending, "Initialized").Status);
            Assert.Equal("containers with incomplete status: [proxy setup]", Condition(pending, "Initialized").Message);
            Assert.Equal("PodInitializing", Init(pending, "setup").State.Waiting?.Reason);
            Assert.Equal("PodInitializing", App(pending, "app").State.Waiting?.Reason);
        }

        var running = await f.WaitForPodAsync(ns, "ordered", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Running is not null, "app running");
        Assert.Equal("Running", running.Status.Phase);
        var proxy = Init(running, "proxy");
        Assert.NotNull(proxy.State.Running);
        Assert.True(proxy.Started);
        Assert.True(proxy.Ready); // no readiness probe: ready once started
        var setup = Init(running, "setup");
        Assert.Equal((0, "Completed"), (setup.State.Terminated?.ExitCode, setup.State.Terminated?.Reason));
        Assert.True(setup.State.Terminated!.StartedAt >= proxy.State.Running.StartedAt!.Value.AddSeconds(2),
            $"setup started {setup.State.Terminated.StartedAt:O}, the sidecar {proxy.State.Running.StartedAt:O}: setup waited for the startup probe");
        Assert.True(App(running, "app").State.Running.StartedAt >= setup.State.Terminated.FinishedAt);
        var log = await f.KubectlOkAsync("logs", "ordered", "-c", "setup", "-n", ns);
        Assert.Equal("up", log.Stdout.Trim());
        Assert.Equal("True", Condition(running, "Initialized").Status);

        // kubectl shows the sidecar among the pod's running containers: READY 2/2.
        var get = await f.KubectlOkAsync("get", "pod", "ordered", "-n", ns);
        Assert.Matches(@"ordered\s+2/2\s+Running\s+0", get.Stdout);
    }

    [Fact]
    public async Task A_sidecar_that_exits_is_restarted_even_with_restartPolicy_Never()
    {
        var ns = await f.NewNamespaceAsync("sc-restart");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: flaky
            spec:
              restartPolicy: Never
              initContainers:
              - name: agent
                image: busybox:1.36
                restartPolicy: Always
                command: ["sh", "-c", "sleep 1; exit 3"]
              containers:
              - name: app
                image: busybox:1.36
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
            """);
        var pod = await f.WaitForPodAsync(ns, "flaky", p => p.Status?.InitContainerStatuses?[0].RestartCount >= 2, "agent restarted twice");
        Assert.Equal("Running", pod.Status.Phase); // a failing sidecar does not fail a Never pod
        Assert.Equal(3, Init(pod, "agent").LastState.Terminated?.ExitCode);
        Assert.Equal(0, App(pod, "app").RestartCount);
        Assert.NotNull(App(pod, "app").State.Running);
        List<string> events = [];
        await EndToEndCluster.EventuallyAsync(async () =>
        {
            events = await f.EventsAsync(ns, "flaky");
            return events.Contains($"BackOff: Back-off restarting failed container agent in pod flaky_{ns}({pod.Metadata.Uid})");
        }, () => "events: " + string.Join(" | ", events));
    }

    [Fact]
    public async Task Sidecar_readiness_counts_for_the_pods_Ready_condition()
    {
        var ns = await f.NewNamespaceAsync("sc-ready");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: gated
            spec:
              initContainers:
              - name: proxy
                image: busybox:1.36
                restartPolicy: Always
                command: ["sh", "-c", "trap 'exit 0' TERM; touch /tmp/ready; sleep 3600 & wait"]
                readinessProbe:
                  exec:
                    command: ["cat", "/tmp/ready"]
                  periodSeconds: 1
                  failureThreshold: 1
              containers:
              - name: app
                image: busybox:1.36
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
            """);
        await f.WaitForReadyAsync(ns, "gated");
        var rm = await f.ExecAsync(null, "exec", "gated", "-c", "proxy", "-n", ns, "--", "rm", "/tmp/ready");
        Assert.Equal(0, rm.ExitCode);
        var unready = await f.WaitForPodAsync(ns, "gated", p => !EndToEndCluster.IsReady(p), "not Ready");
        Assert.Equal("containers with unready status: [proxy]", Condition(unready, "Ready").Message);
        Assert.False(Init(unready, "proxy").Ready);
        Assert.True(App(unready, "app").Ready);
        Assert.Equal("Running", unready.Status.Phase);
    }

    [Fact]
    public async Task A_sidecar_failing_its_liveness_probe_is_killed_and_restarted()
    {
        var ns = await f.NewNamespaceAsync("sc-live");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: sick
            spec:
              initContainers:
              - name: agent
                image: busybox:1.36
                restartPolicy: Always
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
                livenessProbe:
                  exec:
                    command: ["cat", "/tmp/alive"]
                  periodSeconds: 1
                  failureThreshold: 2
              containers:
              - name: app
                image: busybox:1.36
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
            """);
        var pod = await f.WaitForPodAsync(ns, "sick", p => p.Status?.InitContainerStatuses?[0].RestartCount >= 1, "agent restarted");
        Assert.Equal(0, App(pod, "app").RestartCount);
        List<(string Reason, string Message, string FieldPath)> events = [];
        await EndToEndCluster.EventuallyAsync(async () =>
        {
            events = (await f.Client.CoreV1.ListNamespacedEventAsync(ns)).Items
                .Where(e => e.InvolvedObject?.Name == "sick").Select(e => (e.Reason, e.Message, e.InvolvedObject.FieldPath)).ToList();
            return events.Contains(("Killing", "Container agent failed liveness probe, will be restarted", "spec.initContainers{agent}"));
        }, () => "events: " + string.Join(" | ", events));
        Assert.Contains(events, e => e.Reason == "Unhealthy" && e.Message.StartsWith("Liveness probe failed: ", StringComparison.Ordinal)
            && e.FieldPath == "spec.initContainers{agent}");
    }

    [Fact]
    public async Task When_the_app_exits_the_sidecars_are_stopped_in_reverse_order_and_only_the_app_decides_the_phase()
    {
        var ns = await f.NewNamespaceAsync("sc-done");
        // first exits 7 on SIGTERM (its code must not fail the pod); second takes 2 s to stop, and first may only be
        // signalled after second has exited.
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: batch
            spec:
              restartPolicy: Never
              initContainers:
              - name: first
                image: busybox:1.36
                restartPolicy: Always
                command: ["sh", "-c", "trap 'exit 7' TERM; sleep 3600 & wait"]
              - name: second
                image: busybox:1.36
                restartPolicy: Always
                command: ["sh", "-c", "trap 'sleep 2; exit 0' TERM; sleep 3600 & wait"]
              containers:
              - name: main
                image: busybox:1.36
                command: ["sh", "-c", "sleep 2; echo done"]
            """);
        var pod = await f.WaitForPhaseAsync(ns, "batch", "Succeeded");
        var main = App(pod, "main").State.Terminated!;
        var first = Init(pod, "first").State.Terminated!;
        var second = Init(pod, "second").State.Terminated!;
        Assert.Equal((0, "Completed"), (main.ExitCode, main.Reason));
        Assert.Equal((7, "Error"), (first.ExitCode, first.Reason));
        Assert.Equal((0, "Completed"), (second.ExitCode, second.Reason));
        // second needs 2 s to stop; first stops at once, but only once second has exited (stopped together, first would end 2 s earlier).
        Assert.True(second.FinishedAt >= main.FinishedAt!.Value.AddSeconds(1), $"second finished {second.FinishedAt:O}, main {main.FinishedAt:O}");
        Assert.True(first.FinishedAt >= second.FinishedAt,
            $"first finished {first.FinishedAt:O}, second {second.FinishedAt:O}: reverse order, first was signalled after second had exited");
        Assert.Equal(0, Init(pod, "first").RestartCount + Init(pod, "second").RestartCount); // stopped, not restarted
        Assert.Equal("PodCompleted", Condition(pod, "Ready").Reason);
        var events = await f.EventsAsync(ns, "batch");
        Assert.Contains("Killing: Stopping container first", events);
        Assert.Contains("Killing: Stopping container second", events);
        Assert.DoesNotContain("Killing: Stopping container main", events);
    }

    [Fact]
    public async Task An_app_that_fails_fails_the_pod_even_though_its_sidecar_exits_0()
    {
        var ns = await f.NewNamespaceAsync("sc-fail");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: broken
            spec:
              restartPolicy: Never
              initContainers:
              - name: helper
                image: busybox:1.36
                restartPolicy: Always
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
              containers:
              - name: main
                image: busybox:1.36
                command: ["sh", "-c", "sleep 1; exit 4"]
            """);
        var pod = await f.WaitForPhaseAsync(ns, "broken", "Failed");
        Assert.Equal(4, App(pod, "main").State.Terminated?.ExitCode);
        Assert.Equal(0, Init(pod, "helper").State.Terminated?.ExitCode);
    }

    [Fact]
    public async Task A_failed_init_container_after_a_sidecar_fails_a_Never_pod_and_stops_the_sidecar()
    {
        var ns = await f.NewNamespaceAsync("sc-initfail");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: setup-fails
            spec:
              restartPolicy: Never
              initContainers:
              - name: proxy
                image: busybox:1.36
                restartPolicy: Always
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
              - name: migrate
                image: busybox:1.36
                command: ["sh", "-c", "exit 5"]
              containers:
              - name: app
                image: busybox:1.36
                command: ["sh", "-c", "sleep 3600"]
            """);
        var pod = await f.WaitForPodAsync(ns, "setup-fails", p => p.Status?.Phase == "Failed" && p.Status.InitContainerStatuses?[0].State?.Terminated is not null,
            "Failed with the sidecar stopped");
        Assert.Equal(5, Init(pod, "migrate").State.Terminated?.ExitCode);
        Assert.Equal(0, Init(pod, "proxy").State.Terminated?.ExitCode);
        Assert.Equal("PodInitializing", App(pod, "app").State.Waiting?.Reason); // the app never ran
    }

    [Fact]
    public async Task On_deletion_the_sidecar_is_stopped_after_the_app_container()
    {
        var ns = await f.NewNamespaceAsync("sc-delete");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              initContainers:
              - name: shipper
                image: busybox:1.36
                restartPolicy: Always
                command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
              containers:
              - name: app
                image: busybox:1.36
                command: ["sh", "-c", "trap 'sleep 2; exit 0' TERM; sleep 3600 & wait"]
            """);
        await f.WaitForReadyAsync(ns, "web");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        V1Pod? last = null;
        var collecting = Task.Run(async () =>
        {
            await foreach (var (type, obj) in f.Client.CoreV1.WatchListNamespacedPodAsync(ns, fieldSelector: "metadata.name=web", cancellationToken: cts.Token))
            {
                last = obj;
                if (type == WatchEventType.Deleted) return;
            }
        });
        await f.KubectlOkAsync("delete", "pod", "web", "-n", ns, "--wait=false");
        await collecting.WaitAsync(cts.Token);

        var app = App(last!, "app").State.Terminated;
        var shipper = Init(last!, "shipper").State.Terminated;
        Assert.NotNull(app);
        Assert.NotNull(shipper);
        Assert.Equal(0, app.ExitCode);
        Assert.Equal(0, shipper.ExitCode);
        // app needs 2 s to stop, shipper none: stopped together, shipper would end 2 s before app.
        Assert.True(shipper.FinishedAt >= app.FinishedAt,
            $"shipper finished {shipper.FinishedAt:O}, app {app.FinishedAt:O}: the sidecar is signalled only once the app has exited");
    }

    [Fact]
    public async Task A_Job_with_a_native_sidecar_completes_while_one_with_a_classic_sidecar_keeps_running()
    {
        var ns = await f.NewNamespaceAsync("sc-job");
        const string main = """
                  - name: main
                    image: busybox:1.36
                    command: ["sh", "-c", "echo working; sleep 2; echo finished"]
            """;
        const string sidecar = """
                    image: busybox:1.36
                    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
            """;
        await f.ApplyAsync(ns, $"""
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: native
            spec:
              backoffLimit: 0
              template:
                spec:
                  restartPolicy: Never
                  initContainers:
                  - name: sidecar
                    restartPolicy: Always
            {sidecar}
                  containers:
            {main}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: classic
            spec:
              backoffLimit: 0
              template:
                spec:
                  restartPolicy: Never
                  containers:
            {main}
                  - name: sidecar
            {sidecar}
            """);
        var wait = await f.KubectlAsync("wait", "--for=condition=complete", "job/native", "-n", ns, "--timeout=90s");
        Assert.True(wait.ExitCode == 0, wait.ToString());
        var nativePod = (await f.WaitForPodsAsync(ns, "job-name=native", 1, p => p.Status?.Phase == "Succeeded", "Succeeded")).Single();
        Assert.Equal(0, Init(nativePod, "sidecar").State.Terminated?.ExitCode);

        // The classic pod: main has finished, the sidecar still runs, so the pod stays Running and the Job active.
        var classicPod = (await f.WaitForPodsAsync(ns, "job-name=classic", 1,
            p => p.Status?.ContainerStatuses?.Any(c => c.Name == "main" && c.State?.Terminated is not null) == true, "main finished")).Single();
        await Task.Delay(TimeSpan.FromSeconds(1)); // 10 s of cluster time
        classicPod = await f.Client.CoreV1.ReadNamespacedPodAsync(classicPod.Metadata.Name, ns);
        Assert.Equal("Running", classicPod.Status.Phase);
        Assert.NotNull(App(classicPod, "sidecar").State.Running);
        var classic = await f.Client.BatchV1.ReadNamespacedJobAsync("classic", ns);
        Assert.Equal(1, classic.Status.Active);
        Assert.DoesNotContain(classic.Status.Conditions ?? [], c => c.Type == "Complete");
    }

    [Theory]
    [InlineData("""
        containers:
          - name: app
            image: busybox:1.36
            restartPolicy: Always
        """, "The Pod \"bad\" is invalid: spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers")]
    [InlineData("""
        initContainers:
          - name: helper
            image: busybox:1.36
            restartPolicy: OnFailure
          containers:
          - name: app
            image: busybox:1.36
        """, "The Pod \"bad\" is invalid: spec.initContainers[0].restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"")]
    public async Task Container_restartPolicy_is_validated_as_kube_apiserver_does(string containers, string error)
    {
        var ns = await f.NewNamespaceAsync("sc-valid");
        var r = await f.KubectlWithInputAsync($"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: bad
            spec:
              {containers}
            """, "apply", "-n", ns, "-f", "-");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(error, r.Stderr);
    }
}
