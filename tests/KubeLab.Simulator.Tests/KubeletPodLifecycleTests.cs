using System.Net;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>The scheduler + kubelet model over real HTTP: binding, Pending → Running, pod IPs, events, deletion.</summary>
public class KubeletPodLifecycleTests(ControlPlaneCluster cp) : IClassFixture<ControlPlaneCluster>
{
    private IKubernetes Client => cp.Client;

    private Task<V1Pod> WaitForPod(string ns, string name, Func<V1Pod, bool> done, string what, double seconds = 15) =>
        ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync(name, ns), done, what, seconds);

    [Fact]
    public async Task Pod_goes_from_Pending_to_Running_with_an_IP_from_its_nodes_podCIDR()
    {
        var ns = await cp.NewNamespaceAsync("life");
        // An image no other test uses, so the node has to pull it.
        var created = await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("web", "nginx:1.27.3"), ns);
        Assert.Equal("Pending", created.Status?.Phase);

        var pod = await WaitForPod(ns, "web", p => p.Status?.Phase == "Running" && p.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
            "pod web Running and Ready");

        Assert.StartsWith("k8s-course-worker", pod.Spec.NodeName); // never the tainted control plane
        var node = await Client.CoreV1.ReadNodeAsync(pod.Spec.NodeName);
        var cidrPrefix = node.Spec.PodCIDR.Split('/')[0][..^1]; // "10.244.1.0" → "10.244.1."
        Assert.StartsWith(cidrPrefix, pod.Status.PodIP);
        Assert.Equal(node.Status.Addresses.First(a => a.Type == "InternalIP").Address, pod.Status.HostIP);
        Assert.NotNull(pod.Status.StartTime);
        var cs = Assert.Single(pod.Status.ContainerStatuses);
        Assert.True(cs.Ready);
        Assert.True(cs.Started);
        Assert.Equal(0, cs.RestartCount);
        Assert.NotNull(cs.State.Running?.StartedAt);
        Assert.Matches("^containerd://[0-9a-f]{64}$", cs.ContainerID);
        Assert.Equal("docker.io/library/nginx:1.27.3", cs.Image);
        Assert.StartsWith("docker.io/library/nginx@sha256:", cs.ImageID);
        foreach (var type in new[] { "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready", "PodScheduled" })
            Assert.Equal("True", pod.Status.Conditions.Single(c => c.Type == type).Status);

        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "web"), e => e.Any(x => x.Reason == "Started"), "Started event");
        var reasons = events.Select(e => e.Reason).ToList();
        Assert.Equal(["Scheduled", "Pulling", "Pulled", "Created", "Started"], reasons);
        var scheduled = events.First(e => e.Reason == "Scheduled");
        Assert.Equal($"Successfully assigned {ns}/web to {pod.Spec.NodeName}", scheduled.Message);
        Assert.Equal("default-scheduler", scheduled.Source.Component);
        var started = events.First(e => e.Reason == "Started");
        Assert.Equal("Started container app", started.Message);
        Assert.Equal("kubelet", started.Source.Component);
        Assert.Equal(pod.Spec.NodeName, started.Source.Host);
        Assert.Equal("spec.containers{app}", started.InvolvedObject.FieldPath);
        Assert.Equal("Created container: app", events.First(e => e.Reason == "Created").Message);
    }

    [Fact]
    public async Task The_pod_IP_reaches_the_status_with_the_started_containers_not_before()
    {
        // kubelet.SyncPod writes the status computed from the runtime state cached before that sync, then creates the sandbox and
        // starts the containers: the first status has no IP (ContainerCreating), the next one has the IP and the running container.
        var ns = await cp.NewNamespaceAsync("ipseq");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<V1Pod>();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var (_, p) in Client.CoreV1.WatchListNamespacedPodAsync(ns, cancellationToken: stop.Token))
                {
                    lock (seen) seen.Add(p);
                    if (p.Status?.Phase == "Running") return;
                }
            }
            catch (OperationCanceledException) { }
        });
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("web", "nginx:1.27.0"), ns);
        await watching;

        List<V1Pod> versions;
        lock (seen) versions = [.. seen];
        Assert.Contains(versions, p => p.Status?.Phase == "Running");
        var firstWithIp = versions.First(p => !string.IsNullOrEmpty(p.Status?.PodIP));
        Assert.Equal("Running", firstWithIp.Status.Phase);
        Assert.NotNull(Assert.Single(firstWithIp.Status.ContainerStatuses).State.Running);
        Assert.Contains(versions, p => p.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Waiting?.Reason == "ContainerCreating"
            && string.IsNullOrEmpty(p.Status.PodIP));
    }

    [Fact]
    public async Task Second_pod_with_same_image_on_a_node_finds_it_already_present()
    {
        var ns = await cp.NewNamespaceAsync("cache");
        Action<V1PodSpec> onWorker = s => s.NodeSelector = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "k8s-course-worker2" };
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("one", "httpd:2.4", onWorker), ns);
        await WaitForPod(ns, "one", p => p.Status?.Phase == "Running", "pod one Running");
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("two", "httpd:2.4", onWorker), ns);
        await WaitForPod(ns, "two", p => p.Status?.Phase == "Running", "pod two Running");

        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "two"), e => e.Any(x => x.Reason == "Pulled"), "Pulled event for two");
        Assert.Equal("Container image \"httpd:2.4\" already present on machine", events.First(e => e.Reason == "Pulled").Message);
        Assert.DoesNotContain(events, e => e.Reason == "Pulling");
        var first = await cp.EventsAsync(ns, "one");
        Assert.Matches("""^Successfully pulled image "httpd:2\.4" in (\d+ms|[0-9.]+s) \((\d+ms|[0-9.]+s) including waiting\)\. Image size: \d+ bytes\.$""",
            first.First(e => e.Reason == "Pulled").Message);
    }

    [Fact]
    public async Task Pod_IPs_are_unique()
    {
        var ns = await cp.NewNamespaceAsync("ips");
        var before = await PodsPerWorkerAsync();
        for (var i = 0; i < 8; i++) await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod($"p{i}"), ns);
        var pods = await ObservedState.Until(() => Client.CoreV1.ListNamespacedPodAsync(ns),
            l => l.Items.Count == 8 && l.Items.All(p => p.Status?.PodIP is not null), "8 pods with IPs");
        Assert.Equal(8, pods.Items.Select(p => p.Status.PodIP).Distinct().Count());
        Assert.DoesNotContain(pods.Items, p => p.Spec.NodeName == "k8s-course-control-plane");

        // Spreading: each new pod went to the worker with fewer pods (counting other tests' pods too).
        var (w1, w2) = before;
        for (var i = 0; i < 8; i++) { if (w1 <= w2) w1++; else w2++; }
        var after = await PodsPerWorkerAsync();
        Assert.Equal(Math.Min(w1, w2), Math.Min(after.Worker, after.Worker2));
        Assert.Equal(Math.Max(w1, w2), Math.Max(after.Worker, after.Worker2));
    }

    private async Task<(int Worker, int Worker2)> PodsPerWorkerAsync()
    {
        var all = (await Client.CoreV1.ListPodForAllNamespacesAsync()).Items
            .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase is not ("Succeeded" or "Failed")).ToList();
        return (all.Count(p => p.Spec.NodeName == "k8s-course-worker"), all.Count(p => p.Spec.NodeName == "k8s-course-worker2"));
    }

    [Fact]
    public async Task Deleting_a_running_pod_stops_its_containers_and_removes_it()
    {
        var ns = await cp.NewNamespaceAsync("del");
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("victim"), ns);
        var running = await WaitForPod(ns, "victim", p => p.Status?.Phase == "Running", "pod Running");

        await Client.CoreV1.DeleteNamespacedPodAsync("victim", ns);
        await ObservedState.Until(async () =>
        {
            try { await Client.CoreV1.ReadNamespacedPodAsync("victim", ns); return false; }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { return true; }
        }, gone => gone, "pod removed well before its 30 s grace period", seconds: 5);

        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "victim"), e => e.Any(x => x.Reason == "Killing"), "Killing event");
        var killing = events.First(e => e.Reason == "Killing");
        Assert.Equal("Stopping container app", killing.Message);
        Assert.Equal(running.Spec.NodeName, killing.Source.Host);
    }

    [Fact]
    public async Task Pod_that_fits_nowhere_gets_FailedScheduling()
    {
        var ns = await cp.NewNamespaceAsync("nofit");
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("picky", spec: s => s.NodeSelector = new Dictionary<string, string> { ["disktype"] = "nvme" }), ns);
        var pod = await WaitForPod(ns, "picky", p => p.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False") == true,
            "PodScheduled=False");
        var condition = pod.Status.Conditions.Single(c => c.Type == "PodScheduled");
        Assert.Equal("Unschedulable", condition.Reason);
        Assert.Equal("Pending", pod.Status.Phase);
        Assert.Null(pod.Spec.NodeName);
        const string expected = "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, " +
                                "2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
        Assert.Equal(expected, condition.Message);
        var events = await ObservedState.Until(() => cp.EventsAsync(ns, "picky"), e => e.Any(x => x.Reason == "FailedScheduling"), "FailedScheduling event");
        var failed = events.First(e => e.Reason == "FailedScheduling");
        Assert.Equal("Warning", failed.Type);
        Assert.Equal(expected, failed.Message);
    }

    [Fact]
    public async Task Control_plane_toleration_and_nodeSelector_place_a_pod_on_the_control_plane()
    {
        var ns = await cp.NewNamespaceAsync("cp");
        await Client.CoreV1.CreateNamespacedPodAsync(ControlPlaneCluster.Pod("admin", spec: s =>
        {
            s.NodeSelector = new Dictionary<string, string> { ["node-role.kubernetes.io/control-plane"] = "" };
            s.Tolerations = [new V1Toleration { Key = "node-role.kubernetes.io/control-plane", OperatorProperty = "Exists", Effect = "NoSchedule" }];
        }), ns);
        var pod = await WaitForPod(ns, "admin", p => p.Status?.Phase == "Running", "pod Running on the control plane");
        Assert.Equal("k8s-course-control-plane", pod.Spec.NodeName);
        Assert.StartsWith("10.244.0.", pod.Status.PodIP);
    }
}
