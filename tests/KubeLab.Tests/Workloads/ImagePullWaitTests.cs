using System.Diagnostics;
using k8s.Models;
using k8s;
using KubeLab.Workloads;

namespace KubeLab.Tests.Workloads;

/// <summary>How waits read image pulls: kind's first pulls extend them, a missing image ends them early.</summary>
public class ImagePullWaitTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>
{
    private static readonly DateTime T0 = new(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);

    private static V1Pod Pod(string reason, string? message = null, string image = "nginx:1.27") => new()
    {
        Metadata = new V1ObjectMeta { Name = "web-1" },
        Spec = new V1PodSpec { NodeName = "k8s-course-worker", Containers = [new V1Container { Name = "nginx", Image = image }] },
        Status = new V1PodStatus
        {
            Phase = "Pending", StartTime = T0,
            ContainerStatuses = [new V1ContainerStatus { Name = "nginx", Image = image, State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } } }],
        },
    };

    private static Corev1Event Event(string reason, string message, int secondsAfterT0) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"web-1.{reason}{secondsAfterT0}" },
        InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "web-1", FieldPath = "spec.containers{nginx}" },
        Reason = reason, Message = message, LastTimestamp = T0.AddSeconds(secondsAfterT0),
    };

    [Fact]
    public void A_pull_in_progress_is_told_with_image_node_and_time_so_far()
    {
        var pulls = ImagePulls.Find([Pod("ContainerCreating")], [Event("Scheduled", "assigned", 0), Event("Pulling", "Pulling image \"nginx:1.27\"", 1)]);
        var pull = Assert.Single(pulls);
        Assert.Equal(PullStage.Pulling, pull.Stage);
        Assert.Equal("waiting for image nginx:1.27 to be pulled on k8s-course-worker (45 s so far)", pull.Describe(T0.AddSeconds(46)));
    }

    [Fact]
    public void After_Pulled_the_container_is_only_being_created()
    {
        var pulls = ImagePulls.Find([Pod("ContainerCreating")], [Event("Pulling", "Pulling image \"nginx:1.27\"", 1), Event("Pulled", "Successfully pulled image", 20)]);
        Assert.Equal(PullStage.Creating, Assert.Single(pulls).Stage);
    }

    [Fact]
    public void A_missing_tag_is_permanent_and_a_timeout_or_rate_limit_is_retried()
    {
        const string notFound = "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:9\": failed to resolve reference \"docker.io/library/nginx:9\": docker.io/library/nginx:9: not found";
        Assert.Equal(PullStage.Failed, Assert.Single(ImagePulls.Find([Pod("ErrImagePull", notFound, "nginx:9")], [])).Stage);

        // ImagePullBackOff's message is generic: the cause comes from the kubelet's last "Failed to pull image" event.
        var backOff = Pod("ImagePullBackOff", "Back-off pulling image \"nginx:1.27\"");
        var slow = ImagePulls.Find([backOff], [Event("Pulling", "Pulling image \"nginx:1.27\"", 1),
            Event("Failed", "Failed to pull image \"nginx:1.27\": failed to copy: httpReadSeeker: failed open: failed to do request: dial tcp: i/o timeout", 61)]);
        Assert.Equal(PullStage.Retrying, Assert.Single(slow).Stage);
        Assert.Contains("i/o timeout", slow[0].Message);

        var limited = ImagePulls.Find([backOff], [Event("Failed", "Failed to pull image \"nginx:1.27\": 429 Too Many Requests - Server message: toomanyrequests: You have reached your unauthenticated pull rate limit", 5)]);
        Assert.Equal(PullStage.Retrying, Assert.Single(limited).Stage);

        var denied = ImagePulls.Find([backOff], [Event("Failed", "Failed to pull image \"nginx:1.27\": pull access denied, repository does not exist or may require authorization", 5)]);
        Assert.Equal(PullStage.Failed, Assert.Single(denied).Stage);
    }

    [Fact]
    public void Running_containers_and_crash_loops_are_not_image_waits()
    {
        Assert.Empty(ImagePulls.Find([Pod("CrashLoopBackOff", "back-off 10s restarting failed container")], []));
    }

    [Fact]
    public async Task Waiting_for_a_pod_whose_image_does_not_exist_stops_early_with_the_registrys_answer()
    {
        await using var lab = await Lab.StartAsync("pullmissing", sim.Options);
        await lab.ApplyAsync("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ghost\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27.1-does-not-exist\n");
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<WaitTimeoutException>(() => lab.WaitForPodRunningAsync("ghost", TimeSpan.FromMinutes(3)));
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"took {clock.Elapsed}");
        Assert.Contains("It cannot succeed: pod ghost: container app cannot pull image ", e.Message);
        Assert.Contains("nginx:1.27.1-does-not-exist", e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public async Task A_pod_already_in_ImagePullBackOff_is_seen_as_a_missing_image_between_deadlines()
    {
        // In back-off the pod's own message is only "Back-off pulling image …"; the look between deadlines (withEvents: false)
        // must still read the kubelet's Failed event, or the early stop waits for the next short ErrImagePull moment.
        await using var lab = await Lab.StartAsync("pullbackoff", sim.Options);
        await lab.ApplyAsync("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ghost\n  labels: {app: ghost}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27.1-does-not-exist\n");
        await lab.WaitForPodsAsync("app=ghost", p => p.Count == 1 && p[0].Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason == "ImagePullBackOff",
            "the pod to be in ImagePullBackOff", TimeSpan.FromSeconds(60));
        var pulls = await PullAwareWait.LookAsync(lab.Client, lab.Namespace, PodScope.Named("ghost"), withEvents: false, CancellationToken.None);
        var pull = Assert.Single(pulls);
        Assert.Equal(PullStage.Failed, pull.Stage);
        Assert.Contains("not found", pull.Message);
    }

    [Fact]
    public async Task A_wait_that_may_expect_the_failure_is_not_stopped_early_nor_extended_by_it()
    {
        await using var lab = await Lab.StartAsync("pullexpected", sim.Options);
        await lab.ApplyAsync("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ghost\n  labels: {app: ghost}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27.1-does-not-exist\n");
        var pods = await lab.WaitForPodsAsync("app=ghost", p => p.Count == 1 && p[0].Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason is "ErrImagePull" or "ImagePullBackOff",
            "the pull to fail", TimeSpan.FromSeconds(60));
        Assert.Single(pods);
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<WaitTimeoutException>(() => lab.WaitForPodsAsync("app=ghost", p => p.Count == 0, "never", TimeSpan.FromSeconds(2)));
        Assert.True(clock.Elapsed < PullAwareWait.ExtensionStep, $"a failed pull must not extend the wait (took {clock.Elapsed})");
    }

    [Fact]
    public void A_volume_that_cannot_be_mounted_is_not_a_reason_to_wait_longer()
    {
        var mount = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "web-1.mount" }, Type = "Warning", Reason = "FailedMount", LastTimestamp = T0.AddSeconds(2),
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "web-1" },
            Message = "MountVolume.SetUp failed for volume \"cfg\" : configmap \"settings\" not found",
        };
        Assert.Empty(ImagePulls.Find([Pod("ContainerCreating")], [mount]));
        Assert.Equal(PullStage.Creating, Assert.Single(ImagePulls.Find([Pod("ContainerCreating")], [])).Stage);
    }

    [Fact]
    public async Task The_deadline_moves_on_while_an_image_is_pulled_and_says_what_the_cluster_waits_for()
    {
        await using var lab = await Lab.StartAsync("pullslow", sim.Options);
        // A pod bound to a node no kubelet serves keeps the status written here: a first pull in progress, as on kind.
        await lab.ApplyAsync("apiVersion: v1\nkind: Pod\nmetadata:\n  name: slow\nspec:\n  nodeName: k8s-course-worker9\n  containers:\n  - name: app\n    image: nginx:1.27\n");
        var pod = await lab.Client.CoreV1.ReadNamespacedPodAsync("slow", lab.Namespace);
        pod.Status = new V1PodStatus
        {
            Phase = "Pending",
            ContainerStatuses = [new V1ContainerStatus { Name = "app", Image = "nginx:1.27", ImageID = "", Ready = false, RestartCount = 0,
                State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" } } }],
        };
        await lab.Client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, "slow", lab.Namespace);
        var now = DateTime.UtcNow;
        await lab.Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "slow.pulling" }, Type = "Normal", Reason = "Pulling", Message = "Pulling image \"nginx:1.27\"",
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "slow", NamespaceProperty = lab.Namespace, FieldPath = "spec.containers{app}" },
            FirstTimestamp = now, LastTimestamp = now, Source = new V1EventSource { Component = "kubelet", Host = "k8s-course-worker9" },
        }, lab.Namespace);

        var lines = new List<string>();
        var result = await PullAwareWait.RunAsync(lab.Client, lab.Namespace, () => PodScope.Named("slow"), expectsRunningPods: true,
            async token => { await Task.Delay(TimeSpan.FromSeconds(4), token); return 42; },
            TimeSpan.FromSeconds(1), "slow to run", () => Task.FromResult(""), () => DateTime.UtcNow, CancellationToken.None, lines.Add);

        Assert.Equal(42, result); // finished after the 1 s base timeout: the pull extended it
        Assert.Contains(lines, l => l.StartsWith("waiting for image nginx:1.27 to be pulled on k8s-course-worker9 (", StringComparison.Ordinal) && l.EndsWith(" s so far)", StringComparison.Ordinal));

        // Nothing pulling in scope: the same wait ends at its base timeout.
        await Assert.ThrowsAsync<WaitTimeoutException>(() => PullAwareWait.RunAsync(lab.Client, lab.Namespace, () => PodScope.Named("absent"), expectsRunningPods: true,
            async token => { await Task.Delay(TimeSpan.FromSeconds(4), token); return 42; },
            TimeSpan.FromSeconds(1), "absent to run", () => Task.FromResult(""), () => DateTime.UtcNow, CancellationToken.None, lines.Add));
    }
}
