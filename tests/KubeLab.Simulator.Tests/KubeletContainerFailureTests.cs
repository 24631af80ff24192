using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>The kubelet model's unhappy paths and container exits: ImagePullBackOff, restarts with CrashLoopBackOff, restartPolicy, init containers.</summary>
public class KubeletContainerFailureTests(ControlPlaneCluster cp) : IClassFixture<ControlPlaneCluster>
{
    private IKubernetes Client => cp.Client;

    private Task<V1Pod> WaitForPod(string ns, string name, Func<V1Pod, bool> done, string what, double seconds = 15) =>
        ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync(name, ns), done, what, seconds);

    private static Action<V1PodSpec> Runs(string script, string restartPolicy = "Always") => s =>
    {
        s.RestartPolicy = restartPolicy;
        s.Containers[0].Command = ["sh", "-c", script];
    };

    [Fact]
    public async Task Missing_image_goes_ErrImagePull_then_ImagePullBackOff_and_stays_Pending()
    {
        var ns = await cp.NewNamespaceAsync("pull");
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("broken", "nginx:nonexistent"), ns);
        var pod = await WaitForPod(ns, "broken", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason == "ErrImagePull", "ErrImagePull");
        Assert.Contains("not found", pod.Status.ContainerStatuses[0].State.Waiting.Message);
        pod = await WaitForPod(ns, "broken", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason == "ImagePullBackOff", "ImagePullBackOff");
        Assert.Equal("Pending", pod.Status.Phase);
        Assert.Equal("Back-off pulling image \"nginx:nonexistent\"", pod.Status.ContainerStatuses[0].State.Waiting.Message);
        Assert.False(pod.Status.ContainerStatuses[0].Ready);

        // The kubelet records BackOff and then "Error: ImagePullBackOff" as two writes: wait for the second.
        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "broken"),
            e => e.Any(x => x.Reason == "BackOff") && e.Any(x => x.Message == "Error: ImagePullBackOff"), "BackOff and Error: ImagePullBackOff events");
        Assert.Contains(events, e => e.Reason == "Failed" && e.Type == "Warning" && e.Message.StartsWith("Failed to pull image \"nginx:nonexistent\": ", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Reason == "Failed" && e.Message == "Error: ErrImagePull");
        Assert.Contains(events, e => e.Reason == "BackOff" && e.Message == "Back-off pulling image \"nginx:nonexistent\"");
        Assert.Contains(events, e => e.Reason == "Failed" && e.Message == "Error: ImagePullBackOff");
        Assert.DoesNotContain(events, e => e.Reason is "Created" or "Started");
    }

    [Fact]
    public async Task Crashing_container_restarts_then_waits_in_CrashLoopBackOff()
    {
        var ns = await cp.NewNamespaceAsync("crash");
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("crasher", "busybox:1.36", Runs("exit 1")), ns);
        var pod = await WaitForPod(ns, "crasher",
            p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason == "CrashLoopBackOff", "CrashLoopBackOff");
        var cs = pod.Status.ContainerStatuses[0];
        Assert.Equal(1, cs.RestartCount); // the first restart is immediate, the second waits 10 s
        Assert.Equal(1, cs.LastState.Terminated.ExitCode);
        Assert.Equal("Error", cs.LastState.Terminated.Reason);
        Assert.StartsWith("back-off 10s restarting failed container=app pod=crasher_", cs.State.Waiting.Message);
        Assert.Equal("Running", pod.Status.Phase); // restartPolicy Always keeps the pod Running, as kubectl shows
        Assert.Equal("False", pod.Status.Conditions.Single(c => c.Type == "Ready").Status);

        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "crasher"), e => e.Any(x => x.Reason == "BackOff"), "BackOff event");
        var backOff = events.First(e => e.Reason == "BackOff");
        Assert.Equal("Warning", backOff.Type);
        Assert.Equal($"Back-off restarting failed container app in pod crasher_{ns}({pod.Metadata.Uid})", backOff.Message);
        // Started twice: one event object counted twice (the recorder aggregates repeats).
        Assert.Equal(2, events.Where(e => e.Reason == "Started").Sum(e => e.Count ?? 1));
    }

    [Fact]
    public async Task RestartPolicy_Never_with_a_failing_container_ends_Failed()
    {
        var ns = await cp.NewNamespaceAsync("never");
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("once", "busybox:1.36", Runs("sleep 0.3; exit 3", "Never")), ns);
        var pod = await WaitForPod(ns, "once", p => p.Status?.Phase == "Failed", "phase Failed");
        var terminated = pod.Status.ContainerStatuses[0].State.Terminated;
        Assert.Equal(3, terminated.ExitCode);
        Assert.Equal("Error", terminated.Reason);
        Assert.Equal(0, pod.Status.ContainerStatuses[0].RestartCount);
        Assert.Equal("PodCompleted", pod.Status.Conditions.Single(c => c.Type == "Ready").Reason);
    }

    [Fact]
    public async Task Sleep_then_exit_zero_with_OnFailure_ends_Succeeded()
    {
        var ns = await cp.NewNamespaceAsync("ok");
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("job", "busybox:1.36", s =>
        {
            s.RestartPolicy = "OnFailure";
            s.Containers[0].Command = ["sleep", "0.5"];
        }), ns);
        await WaitForPod(ns, "job", p => p.Status?.Phase == "Running", "phase Running while sleeping");
        var pod = await WaitForPod(ns, "job", p => p.Status?.Phase == "Succeeded", "phase Succeeded");
        Assert.Equal("Completed", pod.Status.ContainerStatuses[0].State.Terminated.Reason);
        Assert.Equal(0, pod.Status.ContainerStatuses[0].State.Terminated.ExitCode);
    }

    [Fact]
    public async Task Init_containers_run_first_in_order()
    {
        var ns = await cp.NewNamespaceAsync("init");
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("staged", "nginx:1.27", s => s.InitContainers =
        [
            new V1Container { Name = "first", Image = "busybox:1.36", Command = ["sh", "-c", "sleep 0.2"] },
            new V1Container { Name = "second", Image = "busybox:1.36", Command = ["true"] },
        ]), ns);
        var pending = await WaitForPod(ns, "staged", p => p.Status?.InitContainerStatuses is not null, "init statuses");
        Assert.Equal("Pending", pending.Status.Phase);

        var pod = await WaitForPod(ns, "staged", p => p.Status?.Phase == "Running", "phase Running");
        Assert.All(pod.Status.InitContainerStatuses, s => Assert.Equal("Completed", s.State.Terminated?.Reason));
        Assert.Equal("True", pod.Status.Conditions.Single(c => c.Type == "Initialized").Status);

        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "staged"),
            e => e.Any(x => x.Reason == "Started" && x.InvolvedObject.FieldPath == "spec.containers{app}"), "app Started");
        var starts = events.Where(e => e.Reason == "Started").Select(e => e.InvolvedObject.FieldPath).ToList();
        Assert.Equal(["spec.initContainers{first}", "spec.initContainers{second}", "spec.containers{app}"], starts);
    }

    [Fact]
    public async Task ReadinessProbe_initialDelaySeconds_delays_Ready()
    {
        var ns = await cp.NewNamespaceAsync("probe");
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("slow", "nginx:1.27", s =>
            s.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/", Port = 80 }, InitialDelaySeconds = 1 }), ns);
        var running = await WaitForPod(ns, "slow", p => p.Status?.Phase == "Running", "phase Running");
        Assert.False(running.Status.ContainerStatuses[0].Ready);
        Assert.Equal("ContainersNotReady", running.Status.Conditions.Single(c => c.Type == "Ready").Reason);
        Assert.Equal("containers with unready status: [app]", running.Status.Conditions.Single(c => c.Type == "Ready").Message);
        var ready = await WaitForPod(ns, "slow", p => p.Status?.ContainerStatuses?[0].Ready == true, "container ready");
        var startedAt = ready.Status.ContainerStatuses[0].State.Running.StartedAt!.Value;
        var readyAt = ready.Status.Conditions.Single(c => c.Type == "Ready").LastTransitionTime!.Value;
        Assert.True(readyAt - startedAt >= TimeSpan.FromSeconds(0.9), $"ready {readyAt - startedAt} after start");
    }
}
