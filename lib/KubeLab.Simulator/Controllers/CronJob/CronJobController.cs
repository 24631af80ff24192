using System.Collections.Concurrent;
using System.Globalization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Controllers.Job;

namespace KubeLab.Simulator.Controllers.CronJob;

/// <summary>
/// batch/v1 CronJob controller ("cronjob-controller", pkg/controller/cronjob syncCronJob), driven by the cluster's clock.
/// One reconcile per CronJob:
/// <list type="number">
/// <item>look at its Jobs: finished ones leave status.active (<c>SawCompletedJob</c>), Complete ones advance lastSuccessfulTime;</item>
/// <item>unless suspended: find the most recent scheduled time since lastScheduleTime (or creation; startingDeadlineSeconds
/// bounds how far back) – more than 100 missed times gives <c>TooManyMissedTimes</c>, a time older than the deadline
/// <c>MissSchedule</c>;</item>
/// <item>concurrencyPolicy: Allow starts another Job, Forbid skips while one is active (<c>JobAlreadyActive</c>), Replace deletes the
/// active ones (<c>SuccessfulDelete</c>) and starts a new one;</item>
/// <item>create Job <c>&lt;cronjob&gt;-&lt;scheduled time in minutes since the Unix epoch&gt;</c> with the annotation
/// <c>batch.kubernetes.io/cronjob-scheduled-timestamp</c> (<c>SuccessfulCreate</c> "Created job …"), record it in status.active and
/// lastScheduleTime;</item>
/// <item>delete finished Jobs beyond successfulJobsHistoryLimit (3) / failedJobsHistoryLimit (1), oldest first;</item>
/// <item>come back at the next scheduled time.</item>
/// </list>
/// </summary>
public sealed class CronJobController
{
    public const string Component = "cronjob-controller";
    public const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    private readonly IKubernetes client;
    private readonly Informer<V1CronJob, V1CronJobList> cronJobs;
    private readonly Informer<V1Job, V1JobList> jobs;
    private readonly TimeProvider time;
    private readonly WorkQueue queue;
    private readonly EventRecorder recorder;
    // Jobs we created that the informer has not shown yet: keep them in status.active meanwhile.
    private readonly ConcurrentDictionary<string, DateTimeOffset> created = new();

    public CronJobController(IKubernetes client, Informer<V1CronJob, V1CronJobList> cronJobs, Informer<V1Job, V1JobList> jobs, TimeProvider time)
    {
        this.client = client;
        this.cronJobs = cronJobs;
        this.jobs = jobs;
        this.time = time;
        queue = new WorkQueue(time);
        recorder = new EventRecorder(client, time, Component);
        cronJobs.AddHandler(added: c => queue.Add(KeyOf(c)), updated: (_, c) => queue.Add(KeyOf(c)), deleted: c => queue.Add(KeyOf(c)));
        jobs.AddHandler(added: JobChanged, updated: (_, j) => JobChanged(j), deleted: JobChanged);
    }

    private static string KeyOf(V1CronJob c) => Informer<V1CronJob, V1CronJobList>.KeyOf(c);

    private void JobChanged(V1Job job)
    {
        created.TryRemove(Informer<V1Job, V1JobList>.KeyOf(job), out _);
        if (job.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true) is { Kind: "CronJob", ApiVersion: "batch/v1" } owner)
            queue.Add(Informer<V1CronJob, V1CronJobList>.KeyOf(job.Metadata.NamespaceProperty, owner.Name));
    }

    public Task RunAsync(int workers, CancellationToken cancellationToken) =>
        queue.RunControllerAsync(Task.WhenAll(cronJobs.Synced, jobs.Synced), () => cronJobs.List().Select(KeyOf), workers, ReconcileAsync, [recorder], cancellationToken);

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var cj = cronJobs.Get(key);
        if (cj is null) return;
        var now = time.GetUtcNow();
        var ns = cj.Metadata.NamespaceProperty;
        var children = jobs.List(ns).Where(j => j.Metadata.OwnerReferences?.Any(r => r.Controller == true && r.Uid == cj.Metadata.Uid) == true).ToList();
        var previouslyActive = (cj.Status?.Active ?? []).Select(r => r.Name).ToHashSet();

        // 1. Finished jobs leave the active list.
        foreach (var j in children.Where(j => JobConditions.IsFinished(j) && previouslyActive.Contains(j.Metadata.Name)))
            recorder.Normal(Reference(cj), "SawCompletedJob",
                $"Saw completed job: {j.Metadata.Name}, condition: {(JobConditions.IsTrue(j, JobConditions.Complete) ? JobConditions.Complete : JobConditions.Failed)}");
        var active = children.Where(j => !JobConditions.IsFinished(j) && j.Metadata.DeletionTimestamp is null).ToList();
        // Keep the reference recorded when the job was started (its resourceVersion then), as the controller does.
        var activeRefs = active.Select(j => cj.Status?.Active?.FirstOrDefault(r => r.Uid == j.Metadata.Uid) ?? JobReference(j)).ToList();
        foreach (var name in previouslyActive.Where(n => children.All(c => c.Metadata.Name != n) && created.ContainsKey($"{ns}/{n}")))
            activeRefs.Add(cj.Status!.Active!.First(r => r.Name == name));
        var lastSuccessful = children.Where(j => JobConditions.IsTrue(j, JobConditions.Complete)).Select(j => j.Status?.CompletionTime)
            .Append(cj.Status?.LastSuccessfulTime).Where(t => t is not null).Max();
        DateTime? lastSchedule = cj.Status?.LastScheduleTime;

        if (cj.Metadata.DeletionTimestamp is null)
        {
            await CleanUpHistoryAsync(cj, children, ct).ConfigureAwait(false);
            if (cj.Spec.Suspend != true)
                lastSchedule = await MaybeStartJobAsync(key, cj, activeRefs, active, lastSchedule, now, ct).ConfigureAwait(false);
        }

        // A JSON merge patch: an empty active list must be sent as an explicit null to remove the field.
        var status = new System.Text.Json.Nodes.JsonObject
        {
            ["active"] = activeRefs.Count == 0 ? null : System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(activeRefs)),
            ["lastScheduleTime"] = lastSchedule is { } ls ? Stamp(ls) : null,
            ["lastSuccessfulTime"] = lastSuccessful is { } lt ? Stamp(lt) : null,
        };
        var wanted = new System.Text.Json.Nodes.JsonObject { ["status"] = status }.ToJsonString();
        var current = new System.Text.Json.Nodes.JsonObject
        {
            ["status"] = new System.Text.Json.Nodes.JsonObject
            {
                ["active"] = cj.Status?.Active is { Count: > 0 } a ? System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(a)) : null,
                ["lastScheduleTime"] = cj.Status?.LastScheduleTime is { } c1 ? Stamp(c1) : null,
                ["lastSuccessfulTime"] = cj.Status?.LastSuccessfulTime is { } c2 ? Stamp(c2) : null,
            },
        }.ToJsonString();
        if (wanted != current)
        {
            try
            {
                // UpdateStatus (cronjob_controllerv2.go): the role grants update on cronjobs/status, not patch.
                await client.BatchV1.ReplaceNamespacedCronJobStatusAsync(UpdateFromPatch.Status(cj, wanted), cj.Metadata.Name, ns,
                    cancellationToken: ct).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
        }
    }

    /// <summary>Steps 2–4 and 6: returns the new lastScheduleTime.</summary>
    private async Task<DateTime?> MaybeStartJobAsync(string key, V1CronJob cj, List<V1ObjectReference> activeRefs, List<V1Job> active,
        DateTime? lastSchedule, DateTimeOffset now, CancellationToken ct)
    {
        CronJobSchedule schedule;
        try { schedule = CronJobSchedule.Parse(cj.Spec.Schedule ?? "", cj.Spec.TimeZone); }
        catch (FormatException e)
        {
            recorder.Warning(Reference(cj), e.Message.StartsWith("unknown time zone", StringComparison.Ordinal) ? "UnknownTimeZone" : "UnparseableSchedule", e.Message);
            return lastSchedule;
        }

        var earliest = new DateTimeOffset(DateTime.SpecifyKind(lastSchedule ?? cj.Metadata.CreationTimestamp ?? now.UtcDateTime, DateTimeKind.Utc));
        if (cj.Spec.StartingDeadlineSeconds is { } sds && now.AddSeconds(-sds) > earliest) earliest = now.AddSeconds(-sds);
        var (scheduled, missed) = schedule.MostRecent(earliest, now);
        if (missed > CronJobSchedule.MaxMissedStartTimes)
            recorder.Warning(Reference(cj), "TooManyMissedTimes",
                $"too many missed start times: {missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
        RequeueAtNext(key, schedule, now);
        if (scheduled is not { } at) return lastSchedule;

        if (cj.Spec.StartingDeadlineSeconds is { } deadline && at.AddSeconds(deadline) < now)
        {
            // cronjob_controllerv2.go prints the time with Go's time.RFC1123Z, in UTC.
            recorder.Warning(Reference(cj), "MissSchedule", $"Missed scheduled time to start a job: {at.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture)}");
            return lastSchedule;
        }
        var jobName = JobName(cj, at);
        if (activeRefs.Any(r => r.Name == jobName)) return lastSchedule;

        switch (cj.Spec.ConcurrencyPolicy ?? "Allow")
        {
            case "Forbid" when activeRefs.Count > 0:
                recorder.Normal(Reference(cj), "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
                return lastSchedule;
            case "Replace":
                foreach (var j in active)
                {
                    try
                    {
                        await client.BatchV1.DeleteNamespacedJobAsync(j.Metadata.Name, j.Metadata.NamespaceProperty, propagationPolicy: "Background",
                            cancellationToken: ct).ConfigureAwait(false);
                        recorder.Normal(Reference(cj), "SuccessfulDelete", $"Deleted job {j.Metadata.Name}");
                    }
                    catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
                }
                activeRefs.RemoveAll(r => active.Any(j => j.Metadata.Name == r.Name));
                break;
        }

        var job = NewJob(cj, jobName, at, schedule.Zone);
        try
        {
            var made = await client.BatchV1.CreateNamespacedJobAsync(job, cj.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            created[$"{made.Metadata.NamespaceProperty}/{made.Metadata.Name}"] = now;
            recorder.Normal(Reference(cj), "SuccessfulCreate", $"Created job {made.Metadata.Name}");
            activeRefs.Add(JobReference(made));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Already there (a previous attempt got through): that is the job for this time.
        }
        catch (HttpOperationException e)
        {
            recorder.Warning(Reference(cj), "FailedCreate", $"Error creating job: {e.Response.Content}");
            throw;
        }
        return at.UtcDateTime;
    }

    private void RequeueAtNext(string key, CronJobSchedule schedule, DateTimeOffset now)
    {
        if (schedule.Next(now) is { } next) queue.AddAfter(key, next - now + TimeSpan.FromMilliseconds(100));
    }

    /// <summary>&lt;cronjob&gt;-&lt;minutes since the Unix epoch of the scheduled time&gt; (getJobName / getTimeHashInMinutes).</summary>
    public static string JobName(V1CronJob cj, DateTimeOffset scheduled) =>
        $"{cj.Metadata.Name}-{(scheduled.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture)}";

    private static V1Job NewJob(V1CronJob cj, string name, DateTimeOffset scheduled, TimeZoneInfo zone)
    {
        var template = cj.Spec.JobTemplate;
        var annotations = template.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : new Dictionary<string, string>();
        // RFC 3339 in the CronJob's time zone, as the controller writes it.
        var local = TimeZoneInfo.ConvertTime(scheduled, zone);
        annotations[ScheduledTimestampAnnotation] = local.Offset == TimeSpan.Zero
            ? local.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = cj.Metadata.NamespaceProperty,
                Labels = template.Metadata?.Labels is { } l ? new Dictionary<string, string>(l) : null,
                Annotations = annotations,
                OwnerReferences =
                [
                    new V1OwnerReference { ApiVersion = "batch/v1", Kind = "CronJob", Name = cj.Metadata.Name, Uid = cj.Metadata.Uid, Controller = true, BlockOwnerDeletion = true },
                ],
            },
            Spec = KubernetesJson.Deserialize<V1JobSpec>(KubernetesJson.Serialize(template.Spec)),
        };
    }

    /// <summary>Keeps the newest successfulJobsHistoryLimit Complete and failedJobsHistoryLimit Failed jobs; deletes older ones.</summary>
    private async Task CleanUpHistoryAsync(V1CronJob cj, List<V1Job> children, CancellationToken ct)
    {
        var succeeded = children.Where(j => JobConditions.IsTrue(j, JobConditions.Complete) && j.Metadata.DeletionTimestamp is null).ToList();
        var failed = children.Where(j => JobConditions.IsTrue(j, JobConditions.Failed) && j.Metadata.DeletionTimestamp is null).ToList();
        var victims = Oldest(succeeded, cj.Spec.SuccessfulJobsHistoryLimit ?? 3).Concat(Oldest(failed, cj.Spec.FailedJobsHistoryLimit ?? 1));
        foreach (var j in victims)
        {
            try
            {
                await client.BatchV1.DeleteNamespacedJobAsync(j.Metadata.Name, j.Metadata.NamespaceProperty, propagationPolicy: "Background",
                    cancellationToken: ct).ConfigureAwait(false);
                recorder.Normal(Reference(cj), "SuccessfulDelete", $"Deleted job {j.Metadata.Name}");
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { }
        }
    }

    private static IEnumerable<V1Job> Oldest(List<V1Job> jobs, int keep) =>
        jobs.Count <= keep ? [] : jobs.OrderBy(j => j.Status?.StartTime ?? j.Metadata.CreationTimestamp).ThenBy(j => j.Metadata.Name, StringComparer.Ordinal)
            .Take(jobs.Count - Math.Max(0, keep));

    private static V1ObjectReference JobReference(V1Job j) => new()
    {
        ApiVersion = "batch/v1", Kind = "Job", Name = j.Metadata.Name, NamespaceProperty = j.Metadata.NamespaceProperty,
        Uid = j.Metadata.Uid, ResourceVersion = j.Metadata.ResourceVersion,
    };

    private static string Stamp(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static V1ObjectReference Reference(V1CronJob cj) => EventRecorder.Reference(cj.Metadata, "CronJob", "batch/v1");
}
