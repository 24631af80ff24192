using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// The informer's list/watch protocol. The 410 Gone path cannot be provoked on demand against the real server (its window
/// holds thousands of events), so these tests drive the informer with scripted LIST/WATCH answers instead.
/// </summary>
public class ControllerInformerTests
{
    private static V1ConfigMap Cm(string name, string rv) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ns", ResourceVersion = rv } };

    private static V1ConfigMapList List(string rv, params V1ConfigMap[] items) => new() { Metadata = new V1ListMeta { ResourceVersion = rv }, Items = items };

    [Fact]
    public async Task Relists_after_410_Gone_and_reports_what_changed_meanwhile()
    {
        var lists = new Queue<V1ConfigMapList>([List("10", Cm("a", "5"), Cm("b", "6")), List("20", Cm("a", "15"), Cm("c", "18"))]);
        var watchedFrom = new List<string>();
        var relisted = new TaskCompletionSource();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        async IAsyncEnumerable<(WatchEventType, V1ConfigMap)> Watch(string rv, Action<Exception> onError, [EnumeratorCancellation] CancellationToken ct)
        {
            watchedFrom.Add(rv);
            await Task.Yield();
            if (rv == "10")
            {
                onError(new KubernetesException(new V1Status { Code = 410, Reason = "Expired", Message = "too old resource version: 10 (19)" }));
                yield break;
            }
            relisted.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }

        var informer = new Informer<V1ConfigMap, V1ConfigMapList>("configmaps", _ => Task.FromResult(lists.Dequeue()), Watch, TimeProvider.System);
        var log = new List<string>();
        informer.AddHandler(added: o => log.Add($"add {o.Metadata.Name}"), updated: (_, o) => log.Add($"update {o.Metadata.Name}"),
            deleted: o => log.Add($"delete {o.Metadata.Name}"));
        var run = informer.RunAsync(cts.Token);
        await relisted.Task.WaitAsync(cts.Token);

        Assert.Equal(["10", "20"], watchedFrom); // watched from the first list, then re-listed and watched from the new list
        Assert.Equal(["add a", "add b", "update a", "add c", "delete b"], log);
        Assert.Equal(["a", "c"], informer.List().Select(o => o.Metadata.Name).Order());
        await cts.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Applies_watch_events_to_the_cache_and_resumes_from_the_last_resourceVersion()
    {
        var watchedFrom = new List<string>();
        var resumed = new TaskCompletionSource();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        async IAsyncEnumerable<(WatchEventType, V1ConfigMap)> Watch(string rv, Action<Exception> onError, [EnumeratorCancellation] CancellationToken ct)
        {
            watchedFrom.Add(rv);
            await Task.Yield();
            if (rv == "1")
            {
                yield return (WatchEventType.Added, Cm("x", "2"));
                yield return (WatchEventType.Modified, Cm("x", "3"));
                yield return (WatchEventType.Added, Cm("y", "4"));
                yield return (WatchEventType.Deleted, Cm("y", "5"));
                yield break; // server closed the watch (timeoutSeconds)
            }
            resumed.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }

        var informer = new Informer<V1ConfigMap, V1ConfigMapList>("configmaps", _ => Task.FromResult(List("1")), Watch, TimeProvider.System);
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(cts.Token);
        await resumed.Task.WaitAsync(cts.Token);
        Assert.Equal(["1", "5"], watchedFrom); // no second LIST: just a new WATCH from the last event's resourceVersion
        Assert.Equal("3", informer.Get("ns/x")?.Metadata.ResourceVersion);
        Assert.Null(informer.Get("ns/y"));
        await cts.CancelAsync();
        await run;
    }
}
