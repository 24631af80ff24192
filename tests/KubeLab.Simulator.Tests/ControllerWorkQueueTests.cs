using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Tests;

/// <summary>The controllers' work queue: de-duplication and single processing per key, as client-go's workqueue.</summary>
public class ControllerWorkQueueTests
{
    [Fact]
    public async Task Keys_are_deduplicated_while_waiting()
    {
        using var q = new WorkQueue(TimeProvider.System);
        q.Add("ns/a");
        q.Add("ns/a");
        q.Add("ns/b");
        Assert.Equal(2, q.Count);
        Assert.Equal("ns/a", await q.TakeAsync(CancellationToken.None));
        Assert.Equal("ns/b", await q.TakeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_key_added_while_processing_comes_back_after_Done()
    {
        using var q = new WorkQueue(TimeProvider.System);
        q.Add("k");
        var key = await q.TakeAsync(CancellationToken.None);
        q.Add("k");
        Assert.Equal(0, q.Count); // not handed to a second worker while the first one works on it
        q.Done(key);
        Assert.Equal(1, q.Count);
    }

    [Fact]
    public async Task Failed_reconciles_are_retried()
    {
        using var q = new WorkQueue(TimeProvider.System);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var attempts = 0;
        var done = new TaskCompletionSource();
        q.Add("k");
        var run = q.RunWorkersAsync(2, (_, _) =>
        {
            if (Interlocked.Increment(ref attempts) < 3) throw new InvalidOperationException("transient");
            done.TrySetResult();
            return Task.CompletedTask;
        }, cts.Token);
        await done.Task.WaitAsync(cts.Token);
        Assert.Equal(3, attempts);
        await cts.CancelAsync();
        await run;
    }
}
