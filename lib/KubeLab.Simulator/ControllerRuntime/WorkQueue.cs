namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// A de-duplicating queue of object keys ("namespace/name"), modelled on client-go's workqueue:
/// a key waits in the queue at most once, is never handed to two workers at the same time, and a key
/// re-added while it is being processed is queued again once the worker calls <see cref="Done"/>.
/// Failed keys come back with exponential back-off (<see cref="AddRateLimited"/>).
/// Controllers are level-triggered: the queue carries only "something about this key changed", never the change itself.
/// </summary>
public sealed class WorkQueue : IDisposable
{
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private readonly object gate = new();
    private readonly Queue<string> queue = new();
    private readonly HashSet<string> dirty = new();
    private readonly HashSet<string> processing = new();
    private readonly Dictionary<string, int> failures = new();
    private readonly SemaphoreSlim available = new(0);
    private readonly CancellationTokenSource stopping = new();
    private readonly TimeProvider time;

    public WorkQueue(TimeProvider time) => this.time = time;

    public int Count { get { lock (gate) return queue.Count; } }

    public void Add(string key)
    {
        lock (gate)
        {
            if (stopping.IsCancellationRequested || !dirty.Add(key)) return;
            if (processing.Contains(key)) return; // Done() re-queues it
            queue.Enqueue(key);
        }
        available.Release();
    }

    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero) { Add(key); return; }
        _ = DelayThenAdd(key, delay);
    }

    private async Task DelayThenAdd(string key, TimeSpan delay)
    {
        try { await Task.Delay(delay, time, stopping.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { return; }
        Add(key);
    }

    /// <summary>Re-queues a key that failed: 5 ms, 10 ms, 20 ms, … capped at 30 s (client-go's per-item exponential limiter).</summary>
    public void AddRateLimited(string key)
    {
        int n;
        lock (gate) { failures.TryGetValue(key, out n); failures[key] = n + 1; }
        var delay = TimeSpan.FromTicks((long)Math.Min(MaxDelay.Ticks, BaseDelay.Ticks * Math.Pow(2, Math.Min(n, 30))));
        AddAfter(key, delay);
    }

    /// <summary>Clears the failure history of a key after a successful reconcile.</summary>
    public void Forget(string key) { lock (gate) failures.Remove(key); }

    public int Failures(string key) { lock (gate) return failures.GetValueOrDefault(key); }

    public async Task<string> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await available.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (gate)
            {
                if (queue.Count == 0) continue;
                var key = queue.Dequeue();
                dirty.Remove(key);
                processing.Add(key);
                return key;
            }
        }
    }

    public void Done(string key)
    {
        bool requeue;
        lock (gate)
        {
            processing.Remove(key);
            requeue = dirty.Contains(key) && !stopping.IsCancellationRequested;
            if (requeue) queue.Enqueue(key);
        }
        if (requeue) available.Release();
    }

    /// <summary>
    /// The start-up every controller shares (client-go's "wait for cache sync, then run workers"): wait until the informers
    /// have listed, enqueue every object that already exists (a level-triggered controller re-examines all of them when it
    /// starts), run the workers until cancelled, then stop the queue and let the controller's event recorders flush.
    /// </summary>
    public async Task RunControllerAsync(Task cachesSynced, Func<IEnumerable<string>> existingKeys, int workers,
        Func<string, CancellationToken, Task> reconcile, IReadOnlyList<EventRecorder> recorders, CancellationToken cancellationToken)
    {
        var flushing = recorders.Select(r => r.RunAsync(cancellationToken)).ToList();
        try
        {
            await cachesSynced.WaitAsync(cancellationToken).ConfigureAwait(false);
            foreach (var key in existingKeys()) Add(key);
            await RunWorkersAsync(workers, reconcile, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        finally
        {
            Dispose();
            await Task.WhenAll(flushing).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="workers"/> reconcile loops until cancelled. A reconcile that throws is retried with back-off;
    /// one that succeeds has its failure history forgotten.
    /// </summary>
    public Task RunWorkersAsync(int workers, Func<string, CancellationToken, Task> reconcile, CancellationToken cancellationToken)
        => Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkerAsync(reconcile, cancellationToken), CancellationToken.None)));

    private async Task WorkerAsync(Func<string, CancellationToken, Task> reconcile, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            string key;
            try { key = await TakeAsync(cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            try
            {
                await reconcile(key, cancellationToken).ConfigureAwait(false);
                Forget(key);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { return; }
            catch (Exception)
            {
                // Conflicts, transient HTTP errors, stale caches: try again later, like controllers do.
                AddRateLimited(key);
            }
            finally { Done(key); }
        }
    }

    public void Dispose()
    {
        // The token source is deliberately not disposed: late AddAfter calls must see "stopped", not throw.
        stopping.Cancel();
    }
}
