using System.Diagnostics;
using k8s;
using KubeLab.Observe;

namespace KubeLab.Workloads;

/// <summary>Which pods a wait is about: a label selector and/or a field selector (null = not known yet).</summary>
internal readonly record struct PodScope(string? LabelSelector, string? FieldSelector)
{
    public static PodScope Named(string pod) => new(null, $"metadata.name={pod}");
    public static PodScope? Selected(string? labelSelector) => labelSelector is null ? null : new PodScope(labelSelector, null);
}

/// <summary>
/// A wait whose deadline follows the images. The base timeout (90 s by default) fits pods whose images are on the node; while a
/// pod of the wait is still pulling (or being created, or retrying a pull that may succeed) the deadline moves on in steps, up to
/// <see cref="PullAllowance"/> in all, printing what the cluster waits for. When the wait expects pods to run, an image that
/// cannot exist (the registry says "not found") ends it at once with the registry's words instead of after the timeout.
/// Nothing is added while the operation finishes within its base timeout (the simulator's case): pods are looked at only
/// every <see cref="CheckInterval"/> while it runs.
/// </summary>
internal static class PullAwareWait
{
    public static readonly TimeSpan PullAllowance = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan ExtensionStep = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    public static async Task<T> RunAsync<T>(IKubernetes client, string ns, Func<PodScope?> scope, bool expectsRunningPods,
        Func<CancellationToken, Task<T>> operation, TimeSpan timeout, string description, Func<Task<string>> diagnostics,
        Func<DateTime> now, CancellationToken ct, Action<string>? report = null)
    {
        report ??= Console.WriteLine;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var op = operation(cts.Token);
        var clock = Stopwatch.StartNew();
        var deadline = timeout;
        var cap = timeout > PullAllowance ? timeout : PullAllowance;
        try
        {
            while (true)
            {
                var remaining = deadline - clock.Elapsed;
                var tick = remaining > TimeSpan.Zero ? Task.Delay(remaining < CheckInterval ? remaining : CheckInterval, cts.Token) : Task.CompletedTask;
                if (await Task.WhenAny(op, tick).ConfigureAwait(false) == op)
                    return await op.ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();

                var atDeadline = clock.Elapsed >= deadline;
                if (!expectsRunningPods && !atDeadline) continue;
                var pulls = await LookAsync(client, ns, scope(), withEvents: atDeadline, ct).ConfigureAwait(false);
                if (expectsRunningPods && pulls.FirstOrDefault(p => p.Stage == PullStage.Failed) is { } failed)
                    throw new WaitTimeoutException(description, clock.Elapsed,
                        $"  It cannot succeed: {failed.Describe(now())}.\n  Stopped early – retrying does not make a missing image appear.\n" +
                        await SafeAsync(diagnostics).ConfigureAwait(false));
                if (!atDeadline) continue;
                var waiting = pulls.Where(p => p.Stage is PullStage.Pulling or PullStage.Creating or PullStage.Retrying).ToList();
                if (waiting.Count > 0 && clock.Elapsed < cap)
                {
                    foreach (var line in waiting.Select(p => p.Describe(now())).Distinct())
                        report(line);
                    deadline = clock.Elapsed + ExtensionStep < cap ? clock.Elapsed + ExtensionStep : cap;
                    continue;
                }
                var extended = clock.Elapsed > timeout + TimeSpan.FromSeconds(1)
                    ? $"\n  (The {timeout.TotalSeconds:0} s wait was extended while images were pulled, up to {cap.TotalMinutes:0} min.)" : "";
                throw new WaitTimeoutException(description, clock.Elapsed, await SafeAsync(diagnostics).ConfigureAwait(false) + extended);
            }
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            _ = op.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
        }
    }

    internal static async Task<IReadOnlyList<ContainerPull>> LookAsync(IKubernetes client, string ns, PodScope? scope, bool withEvents, CancellationToken ct)
    {
        if (scope is not { } s) return [];
        try
        {
            var pods = await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: s.LabelSelector, fieldSelector: s.FieldSelector, cancellationToken: ct).ConfigureAwait(false);
            // ImagePullBackOff's own message never says why ("Back-off pulling image …"): the cause is only in the kubelet's
            // Failed event, so a pod in back-off needs the events even between deadlines, or a missing image is never seen
            // as permanent once the short ErrImagePull moment has passed.
            var needEvents = withEvents || pods.Items.Any(InPullBackOff);
            var events = needEvents && pods.Items.Count > 0
                ? (await client.CoreV1.ListNamespacedEventAsync(ns, cancellationToken: ct).ConfigureAwait(false)).Items
                : [];
            return ImagePulls.Find(pods.Items, events);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return []; // a failed look only means no extension and no early stop this time
        }
    }

    private static bool InPullBackOff(k8s.Models.V1Pod pod) =>
        (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? [])
            .Any(c => c.State?.Waiting?.Reason == "ImagePullBackOff");

    private static async Task<string> SafeAsync(Func<Task<string>> diagnostics)
    {
        try { return await diagnostics().ConfigureAwait(false); }
        catch (Exception e) { return $"(could not collect diagnostics: {e.Message})"; }
    }
}
