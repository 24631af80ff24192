using System.Globalization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Controllers.ReplicaSet;

namespace KubeLab.Simulator.Controllers.Job;

/// <summary>
/// batch/v1 Job controller ("job-controller", pkg/controller/job syncJob), one level-triggered reconcile per Job:
/// <list type="number">
/// <item>count the Job's pods: active, ready, succeeded, failed (a terminating pod that did not succeed counts as failed:
/// podReplacementPolicy TerminatingOrFailed) and terminating; counts never go down, as if tracked with finalizers;</item>
/// <item>decide: failed (status.failed &gt; backoffLimit; for restartPolicy OnFailure the restarts of active pods count too;
/// or activeDeadlineSeconds passed) → <c>FailureTarget</c>, delete active pods, then <c>Failed</c>; succeeded
/// (completions reached) → <c>SuccessCriteriaMet</c>, then <c>Complete</c> with completionTime;</item>
/// <item>otherwise keep min(parallelism, remaining completions) pods active: NonIndexed pods are <c>&lt;job&gt;-&lt;5 chars&gt;</c>,
/// Indexed pods <c>&lt;job&gt;-&lt;index&gt;-&lt;5 chars&gt;</c> for the lowest missing indexes; replacements after failures wait
/// <see cref="JobBackoff"/> (10 s, 20 s, 40 s … on the simulated clock);</item>
/// <item>write the status subresource.</item>
/// </list>
/// Not modelled: ttlSecondsAfterFinished (finished Jobs stay), podFailurePolicy, successPolicy, backoffLimitPerIndex and the
/// pod finalizer <c>batch.kubernetes.io/job-tracking</c>.
/// </summary>
public sealed class JobController
{
    public const string Component = "job-controller";

    private readonly IKubernetes client;
    private readonly Informer<V1Job, V1JobList> jobs;
    private readonly MutationCache<V1Job, V1JobList> jobView; // the informer's jobs plus our own status writes not yet watched
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly TimeProvider time;
    private readonly WorkQueue queue;
    private readonly ControllerExpectations expectations;
    private readonly EventRecorder recorder;

    public JobController(IKubernetes client, Informer<V1Job, V1JobList> jobs, Informer<V1Pod, V1PodList> pods, TimeProvider time)
    {
        this.client = client;
        this.jobs = jobs;
        jobView = new MutationCache<V1Job, V1JobList>(jobs);
        this.pods = pods;
        this.time = time;
        queue = new WorkQueue(time);
        expectations = new ControllerExpectations(time);
        recorder = new EventRecorder(client, time, Component);
        jobs.AddHandler(added: j => queue.Add(KeyOf(j)), updated: (_, j) => queue.Add(KeyOf(j)),
            deleted: j => { expectations.Forget(KeyOf(j)); jobView.Forget(KeyOf(j)); queue.Add(KeyOf(j)); });
        pods.AddHandler(
            added: p => { if (JobKeyOf(p) is { } k) { expectations.CreationObserved(k); queue.Add(k); } },
            updated: (_, p) =>
            {
                if (JobKeyOf(p) is not { } k) return;
                if (p.Metadata.DeletionTimestamp is not null) expectations.DeletionObserved(k, PodKey(p));
                queue.Add(k);
            },
            deleted: p => { if (JobKeyOf(p) is { } k) { expectations.DeletionObserved(k, PodKey(p)); queue.Add(k); } });
    }

    private static string KeyOf(V1Job j) => Informer<V1Job, V1JobList>.KeyOf(j);

    private static string PodKey(V1Pod p) => Informer<V1Pod, V1PodList>.KeyOf(p);

    private static string? JobKeyOf(V1Pod pod) =>
        PodFacts.ControllerOf(pod) is { Kind: "Job", ApiVersion: "batch/v1" } owner ? Informer<V1Job, V1JobList>.KeyOf(pod.Metadata.NamespaceProperty, owner.Name) : null;

    public Task RunAsync(int workers, CancellationToken cancellationToken) =>
        queue.RunControllerAsync(Task.WhenAll(jobs.Synced, pods.Synced), () => jobs.List().Select(KeyOf), workers, ReconcileAsync, [recorder], cancellationToken);

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var job = jobView.Get(key);
        if (job is null) { expectations.Forget(key); return; }
        if (JobConditions.IsFinished(job) || job.Metadata.DeletionTimestamp is not null) return;

        var now = time.GetUtcNow();
        var nowUtc = now.UtcDateTime;
        var spec = job.Spec;
        // Expectations before the pod cache, like syncJob (satisfiedExpectations, then getPodsForJob): a pod add landing between
        // the two would otherwise be counted as seen while missing from the snapshot, and created twice.
        var mayManage = expectations.Satisfied(key);
        var owned = PodFacts.OwnedOrOrphans(pods, job.Metadata).Where(p => PodFacts.ControllerOf(p)?.Uid == job.Metadata.Uid).ToList();
        var active = owned.Where(PodFacts.IsActive).ToList();
        var terminating = owned.Where(p => p.Metadata.DeletionTimestamp is not null && p.Status?.Phase is not ("Succeeded" or "Failed")).ToList();
        var succeededPods = owned.Where(p => p.Status?.Phase == "Succeeded").ToList();
        var failedPods = owned.Where(p => p.Status?.Phase == "Failed").Concat(terminating).ToList();
        var indexed = spec.CompletionMode == "Indexed";
        var completions = spec.Completions;
        var parallelism = Math.Max(0, spec.Parallelism ?? 1);
        var backoffLimit = spec.BackoffLimit ?? 6;

        var completedIndexes = indexed
            ? JobIndexes.Parse(job.Status?.CompletedIndexes).Union(succeededPods.Select(JobIndexes.IndexOf).OfType<int>())
                .Where(i => i < (completions ?? 0)).ToHashSet()
            : [];
        var succeeded = Math.Max(job.Status?.Succeeded ?? 0, indexed ? completedIndexes.Count : succeededPods.Count);
        var failed = Math.Max(job.Status?.Failed ?? 0, failedPods.Count);
        var startTime = job.Status?.StartTime;
        var conditions = (job.Status?.Conditions ?? []).ToList();
        DateTime? completionTime = job.Status?.CompletionTime;
        var suspended = spec.Suspend == true;
        if (startTime is null && !suspended) startTime = nowUtc;

        // ---- has the Job failed? ----
        var failure = JobConditions.Find(job, JobConditions.FailureTarget) is { Status: "True" } ft ? (ft.Reason, ft.Message) : ((string?, string?)?)null;
        if (failure is null)
        {
            var onFailureRestarts = spec.Template?.Spec?.RestartPolicy == "OnFailure"
                ? active.Sum(p => (p.Status?.ContainerStatuses ?? []).Concat(p.Status?.InitContainerStatuses ?? []).Sum(c => c.RestartCount))
                : 0;
            var pastOnFailureLimit = spec.Template?.Spec?.RestartPolicy == "OnFailure" && (backoffLimit == 0 ? onFailureRestarts > 0 : onFailureRestarts >= backoffLimit);
            if (failed > backoffLimit || pastOnFailureLimit)
                failure = (JobConditions.BackoffLimitExceeded, JobConditions.BackoffLimitExceededMessage);
            else if (spec.ActiveDeadlineSeconds is { } ads && startTime is { } st && !suspended && st.ToUniversalTime().AddSeconds(ads) <= nowUtc)
                failure = (JobConditions.DeadlineExceeded, JobConditions.DeadlineExceededMessage);
            if (failure is { } f)
            {
                conditions = JobConditions.With(conditions, JobConditions.FailureTarget, "True", f.Item1, f.Item2, nowUtc);
                recorder.Warning(Reference(job), f.Item1!, f.Item2!);
            }
        }

        var successMet = failure is null && (JobConditions.IsTrue(job, JobConditions.SuccessCriteriaMet) ||
            (completions is { } c ? succeeded >= c : succeeded > 0 && active.Count == 0));
        if (successMet && !JobConditions.IsTrue(job, JobConditions.SuccessCriteriaMet))
            conditions = JobConditions.With(conditions, JobConditions.SuccessCriteriaMet, "True", JobConditions.CompletionsReached, JobConditions.CompletionsReachedMessage, nowUtc);

        if (failure is not null || successMet)
        {
            // Finishing: no new pods. The interim condition is persisted first (so the decision survives the pods that
            // prove it being deleted), then the pods still running are removed; the final condition waits until none is left.
            if (active.Count > 0)
            {
                // Pods removed because the Job failed count as failed (the real controller tracks them with a finalizer).
                if (failure is not null) failed = Math.Max(failed, failedPods.Count + active.Count);
                job = await WriteStatusAsync(job, Status(), ct).ConfigureAwait(false);
                await DeletePodsAsync(key, job, active, ct).ConfigureAwait(false);
            }
            var stillRunning = active.Count + terminating.Count;
            if (stillRunning == 0 && failure is { } f)
            {
                conditions = JobConditions.With(conditions, JobConditions.Failed, "True", f.Item1, f.Item2, nowUtc);
            }
            else if (stillRunning == 0)
            {
                conditions = JobConditions.With(conditions, JobConditions.Complete, "True", JobConditions.CompletionsReached, JobConditions.CompletionsReachedMessage, nowUtc);
                completionTime ??= nowUtc;
                recorder.Normal(Reference(job), "Completed", "Job completed");
            }
        }
        else if (suspended)
        {
            if (active.Count > 0) await DeletePodsAsync(key, job, active, ct).ConfigureAwait(false);
            if (!JobConditions.IsTrue(job, JobConditions.Suspended))
            {
                conditions = JobConditions.With(conditions, JobConditions.Suspended, "True", "JobSuspended", "Job suspended", nowUtc);
                recorder.Normal(Reference(job), "Suspended", "Job suspended");
            }
        }
        else
        {
            if (JobConditions.IsTrue(job, JobConditions.Suspended))
            {
                conditions = JobConditions.With(conditions, JobConditions.Suspended, "False", "JobResumed", "Job resumed", nowUtc);
                recorder.Normal(Reference(job), "Resumed", "Job resumed");
            }
            if (mayManage)
                await ManagePodsAsync(key, job, active, succeededPods.Concat(failedPods), indexed, completedIndexes, succeeded, parallelism, now, ct).ConfigureAwait(false);
            if (spec.ActiveDeadlineSeconds is { } ads && startTime is { } st)
                queue.AddAfter(key, st.ToUniversalTime().AddSeconds(ads) - nowUtc + TimeSpan.FromMilliseconds(1));
        }

        await WriteStatusAsync(job, Status(), ct).ConfigureAwait(false);

        object Status() => new
        {
            startTime = startTime is { } s ? Stamp(s) : null,
            completionTime = completionTime is { } ctm ? Stamp(ctm) : null,
            active = active.Count,
            ready = active.Count(PodFacts.IsReady),
            succeeded,
            failed,
            terminating = terminating.Count,
            completedIndexes = indexed ? JobIndexes.Format(completedIndexes) : null,
            conditions = conditions.Count == 0 ? null : conditions,
            uncountedTerminatedPods = new { },
        };
    }

    private static string Stamp(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private async Task ManagePodsAsync(string key, V1Job job, List<V1Pod> active, IEnumerable<V1Pod> finished, bool indexed,
        HashSet<int> completedIndexes, int succeeded, int parallelism, DateTimeOffset now, CancellationToken ct)
    {
        var completions = job.Spec.Completions;
        var wantActive = completions is { } c ? Math.Min(parallelism, Math.Max(0, c - succeeded)) : succeeded > 0 ? 0 : parallelism;
        if (active.Count > wantActive)
        {
            var surplus = indexed
                ? active.OrderByDescending(p => JobIndexes.IndexOf(p) ?? int.MaxValue).Take(active.Count - wantActive)
                : PodDeletionRanking.ActivePodsOrder(active).Take(active.Count - wantActive);
            await DeletePodsAsync(key, job, surplus.ToList(), ct).ConfigureAwait(false);
            return;
        }
        var missing = wantActive - active.Count;
        if (missing <= 0) return;

        // After failures the replacement waits 10 s, 20 s, 40 s … (counted on the cluster's clock).
        var wait = JobBackoff.Remaining(finished, now);
        if (wait > TimeSpan.Zero)
        {
            queue.AddAfter(key, wait);
            return;
        }

        List<int?> toCreate;
        if (indexed)
        {
            var busy = active.Select(JobIndexes.IndexOf).OfType<int>().ToHashSet();
            toCreate = Enumerable.Range(0, completions ?? 0).Where(i => !completedIndexes.Contains(i) && !busy.Contains(i)).Take(missing).Select(i => (int?)i).ToList();
        }
        else toCreate = Enumerable.Repeat((int?)null, missing).ToList();
        if (toCreate.Count == 0) return;

        expectations.ExpectCreations(key, toCreate.Count);
        var results = await Task.WhenAll(toCreate.Select(i => CreatePodAsync(job, i, ct))).ConfigureAwait(false);
        var failures = results.Count(ok => !ok);
        for (var i = 0; i < failures; i++) expectations.CreationObserved(key);
        if (failures > 0) throw new HttpOperationException($"failed to create {failures} pods for Job {key}");
    }

    private async Task<bool> CreatePodAsync(V1Job job, int? index, CancellationToken ct)
    {
        var template = job.Spec.Template;
        var labels = template.Metadata?.Labels is { } l ? new Dictionary<string, string>(l) : new Dictionary<string, string>();
        var annotations = template.Metadata?.Annotations is { } a ? new Dictionary<string, string>(a) : new Dictionary<string, string>();
        var spec = template.Spec;
        var generateName = job.Metadata.Name + "-";
        if (index is { } i)
        {
            var text = i.ToString(CultureInfo.InvariantCulture);
            annotations[JobIndexes.IndexKey] = text;
            labels[JobIndexes.IndexKey] = text;
            generateName = $"{job.Metadata.Name}-{text}-";
            // Indexed pods get a stable hostname "<job>-<index>" (the same text a headless Service would publish).
            spec = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(template.Spec));
            spec.Hostname ??= $"{job.Metadata.Name}-{text}";
            foreach (var container in spec.Containers ?? [])
                container.Env = [.. container.Env ?? [], new V1EnvVar { Name = "JOB_COMPLETION_INDEX", Value = text }];
        }
        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = generateName,
                NamespaceProperty = job.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = annotations.Count == 0 ? null : annotations,
                OwnerReferences =
                [
                    new V1OwnerReference { ApiVersion = "batch/v1", Kind = "Job", Name = job.Metadata.Name, Uid = job.Metadata.Uid, Controller = true, BlockOwnerDeletion = true },
                ],
            },
            Spec = spec,
        };
        try
        {
            var created = await client.CoreV1.CreateNamespacedPodAsync(pod, job.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            recorder.Normal(Reference(job), "SuccessfulCreate", $"Created pod: {created.Metadata.Name}");
            return true;
        }
        catch (HttpOperationException e)
        {
            recorder.Warning(Reference(job), "FailedCreate", $"Error creating: {e.Response.Content}");
            return false;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return false;
        }
    }

    private async Task DeletePodsAsync(string key, V1Job job, List<V1Pod> victims, CancellationToken ct)
    {
        expectations.ExpectDeletions(key, victims.Select(PodKey));
        await Task.WhenAll(victims.Select(async p =>
        {
            try
            {
                await client.CoreV1.DeleteNamespacedPodAsync(p.Metadata.Name, p.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
                recorder.Normal(Reference(job), "SuccessfulDelete", $"Deleted pod: {p.Metadata.Name}");
            }
            catch (HttpOperationException)
            {
                expectations.DeletionObserved(key, PodKey(p));
            }
        })).ConfigureAwait(false);
    }

    /// <summary>Writes the status unless it is unchanged; returns the Job as it now stands (what the write returned).</summary>
    private async Task<V1Job> WriteStatusAsync(V1Job job, object status, CancellationToken ct)
    {
        var body = KubernetesJson.Serialize(new { status });
        var current = KubernetesJson.Serialize(new { status = job.Status });
        if (SameStatus(body, current)) return job;
        try
        {
            // UpdateStatus (job_controller.go updateJobStatus): the role grants update on jobs/status, not patch.
            var written = await client.BatchV1.ReplaceNamespacedJobStatusAsync(UpdateFromPatch.Status(job, body), job.Metadata.Name,
                job.Metadata.NamespaceProperty, cancellationToken: ct).ConfigureAwait(false);
            jobView.Mutated(written);
            return written;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { return job; }
    }

    /// <summary>Compares the fields we write with what the Job already shows, so an unchanged status is not rewritten.</summary>
    private static bool SameStatus(string wanted, string current)
    {
        var w = System.Text.Json.Nodes.JsonNode.Parse(wanted)?["status"]?.AsObject();
        var c = System.Text.Json.Nodes.JsonNode.Parse(current)?["status"] as System.Text.Json.Nodes.JsonObject;
        if (w is null || c is null) return false;
        foreach (var (name, value) in w)
        {
            if (value is null) { if (c[name] is not null) return false; continue; }
            if (name == "conditions")
            {
                // lastProbeTime / lastTransitionTime format may differ; compare type, status, reason.
                var wc = value.AsArray().Select(x => $"{x?["type"]}|{x?["status"]}|{x?["reason"]}");
                var cc = (c[name] as System.Text.Json.Nodes.JsonArray ?? []).Select(x => $"{x?["type"]}|{x?["status"]}|{x?["reason"]}");
                if (!wc.SequenceEqual(cc)) return false;
                continue;
            }
            if (name is "startTime" or "completionTime")
            {
                if (c[name] is null || ObjectTime(c[name]!.ToString()) != ObjectTime(value.ToString())) return false;
                continue;
            }
            if (!System.Text.Json.Nodes.JsonNode.DeepEquals(value, c[name])) return false;
        }
        return true;
    }

    private static DateTime? ObjectTime(string s) =>
        DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc) : null;

    private static V1ObjectReference Reference(V1Job job) => EventRecorder.Reference(job.Metadata, "Job", "batch/v1");
}
