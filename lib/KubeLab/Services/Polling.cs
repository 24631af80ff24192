namespace KubeLab;

/// <summary>
/// Waits for what can only be observed by trying it from outside the API – a DNS answer, a dial, a host port: the probe runs
/// about once a second (real time) until its answer satisfies the condition; after the limit (default 1 min) the
/// <see cref="WaitTimeoutException"/> that <c>timedOut</c> builds from the last answer is thrown.
/// </summary>
internal static class Polling
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan? timeout,
        Func<T, TimeSpan, Task<WaitTimeoutException>> timedOut, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? TimeSpan.FromMinutes(1);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var last = await probe().ConfigureAwait(false);
            if (condition(last)) return last;
            if (DateTime.UtcNow > deadline) throw await timedOut(last, limit).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        }
    }
}
