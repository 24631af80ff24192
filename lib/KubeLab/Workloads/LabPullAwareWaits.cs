using KubeLab.Workloads;

namespace KubeLab;

public sealed partial class Lab
{
    /// <summary>Every workload wait goes through here: base timeout, extended while images are pulled (<see cref="PullAwareWait"/>).</summary>
    private Task<T> WaitWithPullsAsync<T>(Func<PodScope?> scope, bool expectsRunningPods, Func<CancellationToken, Task<T>> operation,
        TimeSpan timeout, string description, Func<Task<string>> diagnostics, CancellationToken ct)
        => PullAwareWait.RunAsync(_client, Namespace, scope, expectsRunningPods, operation, timeout, description, diagnostics,
            () => Clock.GetUtcNow().UtcDateTime, ct);

    /// <summary>For waits outside this folder (Observe/, Experiments/): the same extension while pods of <paramref name="labelSelector"/> pull.</summary>
    internal Task<T> WaitWithPullsAsync<T>(string? labelSelector, bool expectsRunningPods, Func<CancellationToken, Task<T>> operation,
        TimeSpan timeout, string description, Func<Task<string>> diagnostics, CancellationToken ct)
        => WaitWithPullsAsync(() => PodScope.Selected(labelSelector), expectsRunningPods, operation, timeout, description, diagnostics, ct);
}
