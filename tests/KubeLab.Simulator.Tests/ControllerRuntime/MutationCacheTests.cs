using k8s;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Tests.ControllerRuntime;

/// <summary>
/// A controller reads its own writes before the watch delivers them, and the informer's copy again once it has caught up
/// (client-go tools/cache mutation_cache.go, integer resourceVersions).
/// </summary>
public class MutationCacheTests
{
    private static V1Pod Pod(string rv, string uid = "u1", string phase = "Running") => new()
    {
        Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "ns", ResourceVersion = rv, Uid = uid },
        Status = new V1PodStatus { Phase = phase },
    };

    [Fact]
    public async Task A_written_object_is_served_until_the_watch_delivers_it_or_something_newer()
    {
        var (informer, events, handled) = FakeInformer.Pods([Pod("5")]);
        var view = new MutationCache<V1Pod, V1PodList>(informer);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(cts.Token);
        await handled.WaitAsync(cts.Token);

        view.Mutated(Pod("7", phase: "Failed"));                 // our write; the watch has not shown it yet
        Assert.Equal("Failed", view.Get("ns/p")!.Status.Phase);
        Assert.Equal("5", informer.Get("ns/p")!.Metadata.ResourceVersion);

        await events.WriteAsync((WatchEventType.Modified, Pod("9", phase: "Succeeded")), cts.Token); // someone wrote after us
        await handled.WaitAsync(cts.Token);
        Assert.Equal("Succeeded", view.Get("ns/p")!.Status.Phase);

        view.Mutated(Pod("8", phase: "Failed"));                  // a write older than the cache never hides it
        Assert.Equal("9", view.Get("ns/p")!.Metadata.ResourceVersion);

        view.Mutated(Pod("12", uid: "u2", phase: "Failed"));      // a different object under the same name: the cache decides
        Assert.Equal("u1", view.Get("ns/p")!.Metadata.Uid);

        view.Mutated(Pod("13", phase: "Failed"));
        await events.WriteAsync((WatchEventType.Deleted, Pod("14")), cts.Token);
        await handled.WaitAsync(cts.Token);
        Assert.Null(view.Get("ns/p"));                            // deleted: a remembered write does not resurrect it
        await cts.CancelAsync();
        await run;
    }
}
