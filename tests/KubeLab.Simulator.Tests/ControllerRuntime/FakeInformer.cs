using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Tests.ControllerRuntime;

/// <summary>A pod informer over a fixed LIST and a watch the test feeds; the semaphore counts handled notifications.</summary>
internal static class FakeInformer
{
    public static (Informer<V1Pod, V1PodList> Informer, ChannelWriter<(WatchEventType, V1Pod)> Events, SemaphoreSlim Handled) Pods(List<V1Pod> listed)
    {
        var events = Channel.CreateUnbounded<(WatchEventType, V1Pod)>();
        async IAsyncEnumerable<(WatchEventType, V1Pod)> Watch(string rv, Action<Exception> onError, [EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var e in events.Reader.ReadAllAsync(ct)) yield return e;
        }
        var list = new V1PodList { Metadata = new V1ListMeta { ResourceVersion = "1" }, Items = listed };
        var informer = new Informer<V1Pod, V1PodList>("pods", _ => Task.FromResult(list), Watch, TimeProvider.System);
        var handled = new SemaphoreSlim(0);
        informer.AddHandler(added: _ => handled.Release(), updated: (_, _) => handled.Release(), deleted: _ => handled.Release());
        return (informer, events.Writer, handled);
    }
}
