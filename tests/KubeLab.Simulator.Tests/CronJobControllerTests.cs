using System.Globalization;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// The CronJob controller (pkg/controller/cronjob) on a clock running 60× – a schedule minute passes every real second.
/// </summary>
public sealed class CronJobControllerTests : IClassFixture<ControlPlaneCluster>
{
    private readonly ControlPlaneCluster fx;
    private IKubernetes Client => fx.Client;

    public CronJobControllerTests(ControlPlaneCluster fx)
    {
        this.fx = fx;
        fx.Cluster.Clock.SetSpeed(60);
    }

    private static V1CronJob CronJob(string name, string[] command, string policy = "Allow", Action<V1CronJobSpec>? spec = null,
        string schedule = "* * * * *", int backoffLimit = 6)
    {
        var cj = new V1CronJob
        {
            ApiVersion = "batch/v1", Kind = "CronJob",
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1CronJobSpec
            {
                Schedule = schedule,
                ConcurrencyPolicy = policy,
                JobTemplate = new V1JobTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                    Spec = JobControllerTests.Job(name, command, backoffLimit: backoffLimit).Spec,
                },
            },
        };
        spec?.Invoke(cj.Spec);
        return cj;
    }

    private async Task<List<V1Job>> JobsAsync(string ns) =>
        (await Client.BatchV1.ListNamespacedJobAsync(ns)).Items.Where(j => j.Metadata.DeletionTimestamp is null).OrderBy(j => j.Metadata.Name, StringComparer.Ordinal).ToList();

    private static bool IsActive(V1Job j) => j.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") != true;

    /// <summary>Samples the namespace's jobs for a while, returning the largest number of unfinished jobs seen at once.</summary>
    private async Task<(int MaxActive, List<V1Job> Last)> SampleAsync(string ns, Func<List<V1Job>, bool> until, double seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var max = 0;
        while (true)
        {
            var jobs = await JobsAsync(ns);
            max = Math.Max(max, jobs.Count(IsActive));
            if (until(jobs)) return (max, jobs);
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"gave up after {seconds}s; jobs: {string.Join(", ", jobs.Select(j => $"{j.Metadata.Name}(active={IsActive(j)})"))}");
            await Task.Delay(40);
        }
    }

    [Fact]
    public async Task Jobs_are_named_after_the_scheduled_minute_and_carry_the_scheduled_timestamp()
    {
        var ns = await fx.NewNamespaceAsync("cj-names");
        var cj = await Client.BatchV1.CreateNamespacedCronJobAsync(CronJob("tick", ["sleep", "5"]), ns);
        var (_, jobs) = await SampleAsync(ns, j => j.Count(x => !IsActive(x)) >= 2, 15);

        foreach (var job in jobs)
        {
            var m = Regex.Match(job.Metadata.Name, "^tick-(\\d+)$");
            Assert.True(m.Success, job.Metadata.Name);
            var scheduled = DateTimeOffset.Parse(job.Metadata.Annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"], CultureInfo.InvariantCulture);
            Assert.Equal(0, scheduled.Second);
            Assert.Equal(scheduled.ToUnixTimeSeconds() / 60, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            var owner = Assert.Single(job.Metadata.OwnerReferences);
            Assert.Equal(("CronJob", "tick", cj.Metadata.Uid, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller == true));
            Assert.Equal("tick", job.Metadata.Labels["app"]);
        }
        // One job per schedule minute: names never repeat and only increase. They are one minute apart while the controller keeps
        // up; on a busy machine (the test clock runs fast) it may miss minutes and then starts only the most recent missed one
        // (cronjob_controllerv2.go mostRecentScheduleTime), which is what kind does after a controller-manager stall too.
        var minutes = jobs.Select(j => long.Parse(j.Metadata.Name["tick-".Length..], CultureInfo.InvariantCulture)).Order().ToList();
        Assert.All(minutes.Zip(minutes.Skip(1)), p => Assert.True(p.Second > p.First, $"jobs tick-{p.First} and tick-{p.Second}"));

        var status = await ObservedState.Until(() => Client.BatchV1.ReadNamespacedCronJobAsync("tick", ns),
            c => c.Status?.LastScheduleTime is not null && c.Status.LastSuccessfulTime is not null, "lastScheduleTime and lastSuccessfulTime");
        Assert.Equal(0, status.Status.LastScheduleTime!.Value.Second);
        var events = await ObservedState.Until(() => fx.EventsAsync(ns, "tick"), e => e.Any(x => x.Reason == "SawCompletedJob"), "SawCompletedJob");
        Assert.Contains(events, e => e.Reason == "SuccessfulCreate" && Regex.IsMatch(e.Message, "^Created job tick-\\d+$"));
        Assert.Contains(events, e => e.Reason == "SawCompletedJob" && Regex.IsMatch(e.Message, "^Saw completed job: tick-\\d+, condition: Complete$"));
        await Client.BatchV1.PatchNamespacedCronJobAsync(new V1Patch("""{"spec":{"suspend":true}}""", V1Patch.PatchType.MergePatch), "tick", ns);
        // Once the last job finished, status.active is empty again.
        await ObservedState.Until(() => Client.BatchV1.ReadNamespacedCronJobAsync("tick", ns), c => c.Status?.Active is null or { Count: 0 },
            "status.active to empty after the jobs finished", describe: c => KubernetesJson.Serialize(c.Status));
    }

    [Fact]
    public async Task Allow_runs_overlapping_jobs_when_they_outlast_the_period()
    {
        var ns = await fx.NewNamespaceAsync("cj-allow");
        await Client.BatchV1.CreateNamespacedCronJobAsync(CronJob("overlap", ["sleep", "150"]), ns);
        var (max, _) = await SampleAsync(ns, j => j.Count(IsActive) >= 3, 15);
        Assert.True(max >= 3);
        var cj = await ObservedState.Until(() => Client.BatchV1.ReadNamespacedCronJobAsync("overlap", ns), c => c.Status?.Active?.Count >= 2, "status.active");
        Assert.All(cj.Status.Active, r => Assert.Equal(("Job", "batch/v1"), (r.Kind, r.ApiVersion)));
        await Client.BatchV1.PatchNamespacedCronJobAsync(new V1Patch("""{"spec":{"suspend":true}}""", V1Patch.PatchType.MergePatch), "overlap", ns);
    }

    [Fact]
    public async Task Forbid_skips_a_run_while_the_previous_one_is_active()
    {
        var ns = await fx.NewNamespaceAsync("cj-forbid");
        await Client.BatchV1.CreateNamespacedCronJobAsync(CronJob("single", ["sleep", "150"], policy: "Forbid"), ns);
        // 150 s jobs with a 60 s period: the second job can only start after the first finished (~minute 3).
        var (max, jobs) = await SampleAsync(ns, j => j.Count >= 2, 15);
        Assert.Equal(1, max);
        Assert.Single(jobs, j => !IsActive(j));
        var events = await ObservedState.Until(() => fx.EventsAsync(ns, "single"), e => e.Any(x => x.Reason == "JobAlreadyActive"), "JobAlreadyActive");
        Assert.Equal("Not starting job because prior execution is running and concurrency policy is Forbid",
            events.First(e => e.Reason == "JobAlreadyActive").Message);
        await Client.BatchV1.PatchNamespacedCronJobAsync(new V1Patch("""{"spec":{"suspend":true}}""", V1Patch.PatchType.MergePatch), "single", ns);
    }

    [Fact]
    public async Task Replace_deletes_the_running_job_and_starts_the_new_one()
    {
        var ns = await fx.NewNamespaceAsync("cj-replace");
        await Client.BatchV1.CreateNamespacedCronJobAsync(CronJob("fresh", ["sleep", "150"], policy: "Replace"), ns);
        var first = (await SampleAsync(ns, j => j.Count >= 1, 10)).Last[0].Metadata.Name;
        var events = await ObservedState.Until(() => fx.EventsAsync(ns, "fresh"),
            e => e.Count(x => x.Reason == "SuccessfulDelete") >= 2, "two replacements", 15);
        Assert.Equal($"Deleted job {first}", events.First(e => e.Reason == "SuccessfulDelete").Message);
        var jobs = await ObservedState.Until(() => JobsAsync(ns), j => j.Count == 1, "only the newest job to remain");
        Assert.True(string.CompareOrdinal(jobs[0].Metadata.Name, first) > 0);
        await Client.BatchV1.PatchNamespacedCronJobAsync(new V1Patch("""{"spec":{"suspend":true}}""", V1Patch.PatchType.MergePatch), "fresh", ns);
    }

    [Fact]
    public async Task History_limits_keep_3_successful_and_1_failed_job()
    {
        var ns = await fx.NewNamespaceAsync("cj-history");
        await Client.BatchV1.CreateNamespacedCronJobAsync(CronJob("ok", ["sleep", "1"]), ns);
        await Client.BatchV1.CreateNamespacedCronJobAsync(CronJob("bad", ["sh", "-c", "exit 1"], backoffLimit: 0), ns);
        var cjOk = await Client.BatchV1.ReadNamespacedCronJobAsync("ok", ns);
        Assert.Equal((3, 1), (cjOk.Spec.SuccessfulJobsHistoryLimit, cjOk.Spec.FailedJobsHistoryLimit));

        await ObservedState.Until(() => fx.EventsAsync(ns), e => e.Count(x => x.InvolvedObject.Name == "ok" && x.Reason == "SuccessfulDelete") >= 2
            && e.Count(x => x.InvolvedObject.Name == "bad" && x.Reason == "SuccessfulDelete") >= 2, "old jobs of both CronJobs to be deleted", 20);
        var jobs = await JobsAsync(ns);
        Assert.InRange(jobs.Count(j => j.Metadata.Name.StartsWith("ok-", StringComparison.Ordinal) && !IsActive(j)), 1, 3);
        Assert.InRange(jobs.Count(j => j.Metadata.Name.StartsWith("bad-", StringComparison.Ordinal) && !IsActive(j)), 0, 1);
        foreach (var name in new[] { "ok", "bad" })
            await Client.BatchV1.PatchNamespacedCronJobAsync(new V1Patch("""{"spec":{"suspend":true}}""", V1Patch.PatchType.MergePatch), name, ns);
    }

    [Fact]
    public async Task A_suspended_cronjob_starts_nothing_until_resumed()
    {
        var ns = await fx.NewNamespaceAsync("cj-suspend");
        await Client.BatchV1.CreateNamespacedCronJobAsync(CronJob("paused", ["sleep", "1"], spec: s => s.Suspend = true), ns);
        await Task.Delay(2500); // more than two schedule minutes
        Assert.Empty(await JobsAsync(ns));
        await Client.BatchV1.PatchNamespacedCronJobAsync(new V1Patch("""{"spec":{"suspend":false}}""", V1Patch.PatchType.MergePatch), "paused", ns);
        await SampleAsync(ns, j => j.Count >= 1, 10);
        await Client.BatchV1.PatchNamespacedCronJobAsync(new V1Patch("""{"spec":{"suspend":true}}""", V1Patch.PatchType.MergePatch), "paused", ns);
    }
}
