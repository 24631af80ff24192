using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Lifecycle;

/// <summary>
/// An in-process controller that reconciles after relevant store changes (batched) and on a periodic resync,
/// like an informer-driven controller with a resync period. Subclasses say which changes matter and what a pass does.
/// The controllers that run next to the store rather than over HTTP use it: resource quota, disruption, the service-account
/// controllers and the CRD controllers.
/// </summary>
public abstract class ChangeDrivenLoop : IAsyncDisposable
{
    private readonly SemaphoreSlim signal = new(0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly TimeSpan resync;
    private int dirty = 1;

    /// <param name="firstPassNow">Run one pass before the constructor returns (what must exist once the cluster is up, e.g. the
    /// seeded namespaces' default ServiceAccounts). It calls the subclass's <see cref="Pass"/> from this constructor, so a subclass
    /// that asks for it must have its state ready by then (primary-constructor parameters and field initializers are).</param>
    protected ChangeDrivenLoop(RestStorage storage, TimeSpan resync, bool firstPassNow = false)
    {
        Storage = storage;
        this.resync = resync;
        if (firstPassNow)
        {
            Pass();
            dirty = 0;
        }
        storage.Store.Changed += OnChanged;
        loop = Task.Run(Run);
    }

    protected RestStorage Storage { get; }

    /// <summary>Runs under the store's lock: decide cheaply.</summary>
    protected abstract bool Matters(WatchEvent ev);

    /// <summary>One reconciliation pass over the store.</summary>
    protected abstract void Pass();

    /// <summary>Ask for another pass soon even without a change (something is waiting on time).</summary>
    protected void Poke()
    {
        Volatile.Write(ref dirty, 1);
        if (signal.CurrentCount == 0) signal.Release();
    }

    private void OnChanged(WatchEvent ev)
    {
        if (Matters(ev)) Poke();
    }

    private async Task Run()
    {
        var lastPass = Storage.Time.GetUtcNow();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(TimeSpan.FromMilliseconds(500), stop.Token);
                var due = Storage.Time.GetUtcNow() - lastPass >= resync;
                if (Interlocked.Exchange(ref dirty, 0) == 0 && !due) continue;
                // Batch a burst of changes (a ReplicaSet creating its pods) into one pass.
                await Task.Delay(TimeSpan.FromMilliseconds(20), stop.Token);
                lastPass = Storage.Time.GetUtcNow();
                Pass();
            }
            catch (OperationCanceledException) { break; }
            catch (Exception)
            {
                Volatile.Write(ref dirty, 1); // a write lost a race: the next tick tries again
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Storage.Store.Changed -= OnChanged;
        await stop.CancelAsync();
        try { await loop; } catch (OperationCanceledException) { }
        stop.Dispose();
        signal.Dispose();
        GC.SuppressFinalize(this);
    }
}
