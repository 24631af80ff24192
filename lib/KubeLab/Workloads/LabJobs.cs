using k8s;
using k8s.Models;
using KubeLab.Observe;
using KubeLab.Workloads;

namespace KubeLab;

/// <summary>Waits for run-to-completion workloads (Jobs), watch-based like the other waits.</summary>
public sealed partial class Lab
{
    /// <summary>
    /// Waits until the Job has finished: a <c>Complete</c> or <c>Failed</c> condition with status True (the Job controller's
    /// final verdict). Returns the Job as it was then; check which condition it got.
    /// </summary>
    public async Task<V1Job> WaitForJobFinishedAsync(string name, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        return await WaitWithPullsAsync(() => PodScope.Selected($"batch.kubernetes.io/job-name={name}"), expectsRunningPods: true,
            token => ListWatch.UntilAsync<V1Job, V1JobList, V1Job>(
                (rv, watch, c) => _client.BatchV1.ListNamespacedJobWithHttpMessagesAsync(Namespace, fieldSelector: $"metadata.name={name}", resourceVersion: rv, watch: watch, cancellationToken: c),
                items =>
                {
                    var job = items.FirstOrDefault();
                    return (job is not null && IsJobFinished(job), job!);
                }, token),
            timeout ?? DefaultTimeout, $"Job {name} to finish (condition Complete or Failed)",
            async () => await DescribeJobAsync(name).ConfigureAwait(false) + "\n" +
                        await WaitDiagnostics.DescribeAsync(_client, Namespace, $"batch.kubernetes.io/job-name={name}").ConfigureAwait(false),
            ct).ConfigureAwait(false);
    }

    /// <summary>True once the Job carries a Complete or Failed condition with status True.</summary>
    public static bool IsJobFinished(V1Job job) =>
        job.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true;

    private async Task<string> DescribeJobAsync(string name)
    {
        try
        {
            var job = await _client.BatchV1.ReadNamespacedJobAsync(name, Namespace).ConfigureAwait(false);
            var conditions = string.Join(", ", job.Status?.Conditions?.Select(c => $"{c.Type}={c.Status}") ?? []);
            return $"  Job {name}: active {job.Status?.Active ?? 0}, succeeded {job.Status?.Succeeded ?? 0}, failed {job.Status?.Failed ?? 0}" +
                   (conditions.Length > 0 ? $", conditions {conditions}." : ".");
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return $"  Job {name} does not exist in namespace {Namespace} (was it applied?).";
        }
    }
}
