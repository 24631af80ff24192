using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// The Job controller (pkg/controller/job) on a simulated clock running 20× so back-offs of 10 s, 20 s take about a second.
/// </summary>
public sealed class JobControllerTests : IClassFixture<ControlPlaneCluster>
{
    private readonly ControlPlaneCluster fx;
    private IKubernetes Client => fx.Client;

    public JobControllerTests(ControlPlaneCluster fx)
    {
        this.fx = fx;
        fx.Cluster.Clock.SetSpeed(20);
    }

    internal static V1Job Job(string name, string[] command, int? completions = 1, int? parallelism = 1, int? backoffLimit = null,
        string restartPolicy = "Never", Action<V1JobSpec>? spec = null)
    {
        var job = new V1Job
        {
            ApiVersion = "batch/v1", Kind = "Job",
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1JobSpec
            {
                Completions = completions, Parallelism = parallelism, BackoffLimit = backoffLimit,
                Template = new V1PodTemplateSpec
                {
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = restartPolicy,
                        Containers = [new V1Container { Name = "work", Image = "busybox:1.36", Command = command }],
                    },
                },
            },
        };
        spec?.Invoke(job.Spec);
        return job;
    }

    private Task<V1Job> UntilJob(string ns, string name, Func<V1Job, bool> done, string what, double seconds = 20) =>
        ObservedState.Until(() => Client.BatchV1.ReadNamespacedJobAsync(name, ns), done, what, seconds,
            j => KubernetesJson.Serialize(j.Status));

    private async Task<List<V1Pod>> PodsOf(string ns, string job) =>
        (await Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"batch.kubernetes.io/job-name={job}")).Items
        .OrderBy(p => p.Metadata.CreationTimestamp).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();

    private static bool Has(V1Job j, string type, string? reason = null) =>
        j.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True" && (reason is null || c.Reason == reason)) == true;

    [Fact]
    public async Task Completions_5_parallelism_2_never_runs_more_than_2_and_completes_with_5_succeeded()
    {
        var ns = await fx.NewNamespaceAsync("job-par");
        await Client.BatchV1.CreateNamespacedJobAsync(Job("work", ["sleep", "10"], completions: 5, parallelism: 2), ns);

        var maxActive = 0;
        V1Job job;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            job = await Client.BatchV1.ReadNamespacedJobAsync("work", ns);
            var running = (await PodsOf(ns, "work")).Count(p => p.Status?.Phase is not ("Succeeded" or "Failed"));
            maxActive = Math.Max(maxActive, Math.Max(running, job.Status?.Active ?? 0));
            if (Has(job, "Complete")) break;
            Assert.True(DateTime.UtcNow < deadline, $"job did not complete: {KubernetesJson.Serialize(job.Status)}");
            await Task.Delay(30);
        }

        Assert.Equal(2, maxActive);
        Assert.Equal(5, job.Status!.Succeeded);
        Assert.Equal(0, job.Status.Active ?? 0);
        Assert.True(Has(job, "SuccessCriteriaMet", "CompletionsReached"));
        var complete = job.Status.Conditions.Single(c => c.Type == "Complete");
        Assert.Equal("CompletionsReached", complete.Reason);
        Assert.Equal("Reached expected number of succeeded pods", complete.Message);
        Assert.NotNull(job.Status.StartTime);
        Assert.NotNull(job.Status.CompletionTime);
        Assert.True(job.Status.CompletionTime >= job.Status.StartTime);

        var pods = await PodsOf(ns, "work");
        Assert.Equal(5, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.Matches(new Regex("^work-[bcdfghjklmnpqrstvwxz2456789]{5}$"), p.Metadata.Name);
            Assert.Equal("Succeeded", p.Status.Phase);
            Assert.Equal("work", p.Metadata.Labels["job-name"]);
            Assert.Equal(job.Metadata.Uid, p.Metadata.Labels["batch.kubernetes.io/controller-uid"]);
            Assert.Equal(job.Metadata.Uid, p.Metadata.Labels["controller-uid"]);
            var owner = Assert.Single(p.Metadata.OwnerReferences);
            Assert.Equal(("Job", "work", true), (owner.Kind, owner.Name, owner.Controller == true));
        });

        var events = await ObservedState.Until(() => fx.EventsAsync(ns, "work"), e => e.Any(x => x.Reason == "Completed"), "the Completed event");
        Assert.Equal(5, events.Count(e => e.Reason == "SuccessfulCreate" && e.Message.StartsWith("Created pod: work-", StringComparison.Ordinal)));
        Assert.Equal("Job completed", events.Single(e => e.Reason == "Completed").Message);
    }

    [Fact]
    public async Task A_failing_job_with_backoffLimit_2_makes_3_pods_10s_then_20s_apart_and_fails()
    {
        // The gaps are measured in cluster seconds, so the controller's reaction time counts × the clock speed: at 20× a 0.4 s
        // stall of a busy machine already looks like 8 s. At 5× the 10 s / 20 s steps stay distinguishable (30 s → 6 s real).
        fx.Cluster.Clock.SetSpeed(5);
        var ns = await fx.NewNamespaceAsync("job-fail");
        await Client.BatchV1.CreateNamespacedJobAsync(Job("broken", ["sh", "-c", "exit 1"], backoffLimit: 2), ns);

        var job = await UntilJob(ns, "broken", j => Has(j, "Failed"), "the job to fail", 30);
        var failed = job.Status.Conditions.Single(c => c.Type == "Failed");
        Assert.Equal("BackoffLimitExceeded", failed.Reason);
        Assert.Equal("Job has reached the specified backoff limit", failed.Message);
        Assert.True(Has(job, "FailureTarget", "BackoffLimitExceeded"));
        Assert.Equal(3, job.Status.Failed);
        Assert.Null(job.Status.CompletionTime);

        var pods = await PodsOf(ns, "broken");
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.Equal("Failed", p.Status.Phase));
        // The replacement waits 10 s after the first failure and 20 s after the second (cluster time; timestamps are whole seconds).
        double Gap(int i) => (pods[i + 1].Metadata.CreationTimestamp!.Value - pods[i].Status.ContainerStatuses[0].State.Terminated.FinishedAt!.Value).TotalSeconds;
        // Never early (whole-second timestamps: −1 s); late only by reaction time, which the 20× clock multiplies. The upper
        // bounds stay below the next step of the doubling (20 s, 40 s), so the sequence 10 s, 20 s is still what is checked.
        Assert.InRange(Gap(0), 9, 18);
        Assert.InRange(Gap(1), 19, 35);

        var events = await ObservedState.Until(() => fx.EventsAsync(ns, "broken"), e => e.Any(x => x.Reason == "BackoffLimitExceeded"), "the BackoffLimitExceeded event");
        var warning = events.Single(e => e.Reason == "BackoffLimitExceeded");
        Assert.Equal(("Warning", "Job has reached the specified backoff limit"), (warning.Type, warning.Message));
    }

    [Fact]
    public async Task RestartPolicy_OnFailure_restarts_the_container_in_one_pod_and_the_restarts_count_towards_the_backoffLimit()
    {
        var ns = await fx.NewNamespaceAsync("job-onfail");
        await Client.BatchV1.CreateNamespacedJobAsync(Job("retry", ["sh", "-c", "exit 3"], backoffLimit: 2, restartPolicy: "OnFailure"), ns);
        var names = new HashSet<string>();
        var maxRestarts = 0;
        var job = await ObservedState.Until(async () =>
        {
            foreach (var p in await PodsOf(ns, "retry"))
            {
                names.Add(p.Metadata.Name);
                maxRestarts = Math.Max(maxRestarts, p.Status?.ContainerStatuses?.Sum(c => c.RestartCount) ?? 0);
            }
            return await Client.BatchV1.ReadNamespacedJobAsync("retry", ns);
        }, j => Has(j, "Failed", "BackoffLimitExceeded"), "the job to fail after 2 restarts", 30, j => KubernetesJson.Serialize(j.Status));
        var evs = string.Join("\n", (await fx.EventsAsync(ns)).Select(e => $"{e.FirstTimestamp:HH:mm:ss} {e.InvolvedObject.Name} {e.Reason} {e.Message}"));
        Assert.True(names.Count == 1, evs);   // OnFailure: the kubelet restarts the container; the controller makes no new pod
        Assert.InRange(maxRestarts, 1, 2);
        // backoffLimit 2 counts restarts: the second restart comes after the kubelet's 10 s CrashLoopBackOff, so the Job
        // cannot fail before ~10 cluster seconds (a limit of 1 restart would have failed it almost at once).
        var failedAt = job.Status.Conditions.Single(c => c.Type == "Failed").LastTransitionTime!.Value;
        Assert.True((failedAt - job.Status.StartTime!.Value).TotalSeconds >= 9, $"failed after {(failedAt - job.Status.StartTime!.Value).TotalSeconds} s");
        Assert.Equal(1, job.Status.Failed);
    }

    [Fact]
    public async Task Indexed_jobs_name_pods_by_index_and_report_completedIndexes()
    {
        var ns = await fx.NewNamespaceAsync("job-idx");
        await Client.BatchV1.CreateNamespacedJobAsync(Job("shard", ["sleep", "2"], completions: 3, parallelism: 3, spec: s => s.CompletionMode = "Indexed"), ns);
        var job = await UntilJob(ns, "shard", j => Has(j, "Complete"), "the indexed job to complete");
        Assert.Equal("0-2", job.Status.CompletedIndexes);
        var pods = await PodsOf(ns, "shard");
        Assert.Equal(3, pods.Count);
        foreach (var p in pods)
        {
            var index = p.Metadata.Annotations["batch.kubernetes.io/job-completion-index"];
            Assert.Matches(new Regex($"^shard-{index}-[a-z0-9]{{5}}$"), p.Metadata.Name);
            Assert.Equal(index, p.Metadata.Labels["batch.kubernetes.io/job-completion-index"]);
            Assert.Equal($"shard-{index}", p.Spec.Hostname);
        }
        Assert.Equal(["0", "1", "2"], pods.Select(p => p.Metadata.Annotations["batch.kubernetes.io/job-completion-index"]).Order());
    }

    [Fact]
    public async Task ActiveDeadlineSeconds_fails_the_job_with_DeadlineExceeded_and_removes_its_pods()
    {
        var ns = await fx.NewNamespaceAsync("job-deadline");
        await Client.BatchV1.CreateNamespacedJobAsync(Job("slow", ["sleep", "600"], spec: s => s.ActiveDeadlineSeconds = 10), ns);
        var job = await UntilJob(ns, "slow", j => Has(j, "Failed"), "the deadline to pass", 20);
        var failed = job.Status.Conditions.Single(c => c.Type == "Failed");
        Assert.Equal(("DeadlineExceeded", "Job was active longer than specified deadline"), (failed.Reason, failed.Message));
        // Not before the 10 s deadline. Failed follows FailureTarget once the pods are gone: `sleep` as PID 1 ignores SIGTERM,
        // so that takes the 30 s grace period (then SIGKILL), plus reaction time × the 20× clock.
        Assert.InRange((failed.LastTransitionTime!.Value - job.Status.StartTime!.Value).TotalSeconds, 9, 75);
        Assert.Equal(0, job.Status.Active ?? 0);
        Assert.All(await PodsOf(ns, "slow"), p => Assert.True(p.Status.Phase == "Failed" || p.Metadata.DeletionTimestamp is not null));
    }

    [Fact]
    public async Task A_suspended_job_creates_no_pods_until_resumed()
    {
        var ns = await fx.NewNamespaceAsync("job-susp");
        await Client.BatchV1.CreateNamespacedJobAsync(Job("later", ["sleep", "1"], spec: s => s.Suspend = true), ns);
        var job = await UntilJob(ns, "later", j => Has(j, "Suspended", "JobSuspended"), "the Suspended condition");
        Assert.Empty(await PodsOf(ns, "later"));
        Assert.Null(job.Status.StartTime);
        await Client.BatchV1.PatchNamespacedJobAsync(new V1Patch("""{"spec":{"suspend":false}}""", V1Patch.PatchType.MergePatch), "later", ns);
        job = await UntilJob(ns, "later", j => Has(j, "Complete"), "the resumed job to complete");
        Assert.Equal("JobResumed", job.Status.Conditions.Single(c => c.Type == "Suspended").Reason);
    }
}
