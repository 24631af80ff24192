using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Kubelet.Managers;

/// <summary>
/// The kubelet's default "Watch" change-detection strategy (<c>pkg/kubelet/util/manager/watch_based_manager.go</c>): each
/// referenced ConfigMap or Secret gets its own reflector – a LIST and WATCH of that one name (<c>metadata.name</c> field selector)
/// in its namespace – shared by every pod on the node that refers to it; reads come from that cache once it has synced. Without
/// it every pod start (and every volume resync) was a GET: 10,000 pods read kube-root-ca.crt 10,000 times (issue 7).
/// Upstream stops a reflector when the last pod referring to the object is gone; here it runs until the kubelet stops (a
/// node refers to few objects, so the difference is a handful of idle watches).
/// </summary>
public sealed class WatchingConfigObjects(IKubernetes client, TimeProvider time) : IConfigObjects, IAsyncDisposable
{
    /// <summary>Watches end after this long and are re-opened from the last resourceVersion, as client-go's reflector does.</summary>
    private const int WatchTimeoutSeconds = 300;

    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<(string Ns, string Name), Lazy<Reflector<V1ConfigMap, V1ConfigMapList>>> configMaps = new();
    private readonly ConcurrentDictionary<(string Ns, string Name), Lazy<Reflector<V1Secret, V1SecretList>>> secrets = new();

    public Task<V1ConfigMap?> ConfigMapAsync(string ns, string name, CancellationToken ct) => GetAsync(configMaps, "configmaps", ns, name,
        c => client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: Selector(name), cancellationToken: c),
        InformerWatch.For<V1ConfigMap, V1ConfigMapList>(client, $"api/v1/namespaces/{Uri.EscapeDataString(ns)}/configmaps", WatchTimeoutSeconds,
            fieldSelector: Selector(name)), ct);

    public Task<V1Secret?> SecretAsync(string ns, string name, CancellationToken ct) => GetAsync(secrets, "secrets", ns, name,
        c => client.CoreV1.ListNamespacedSecretAsync(ns, fieldSelector: Selector(name), cancellationToken: c),
        InformerWatch.For<V1Secret, V1SecretList>(client, $"api/v1/namespaces/{Uri.EscapeDataString(ns)}/secrets", WatchTimeoutSeconds,
            fieldSelector: Selector(name)), ct);

    private static string Selector(string name) => "metadata.name=" + name;

    /// <summary>The object from its reflector, started on first use (the list/watch calls are used only then).</summary>
    private Task<T?> GetAsync<T, TList>(ConcurrentDictionary<(string Ns, string Name), Lazy<Reflector<T, TList>>> reflectors, string resource,
        string ns, string name, Informer<T, TList>.ListCall list, Informer<T, TList>.WatchCall watch, CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta> where TList : class, IKubernetesObject<V1ListMeta>, IItems<T>
    {
        var reflector = reflectors.GetOrAdd((ns, name), _ => new Lazy<Reflector<T, TList>>(() =>
        {
            var informer = new Informer<T, TList>(resource, list, watch, time);
            return new Reflector<T, TList>(informer, informer.RunAsync(stop.Token));
        }));
        return reflector.Value.GetAsync(ns, name, ct);
    }

    private sealed record Reflector<T, TList>(Informer<T, TList> Informer, Task Running)
        where T : class, IKubernetesObject<V1ObjectMeta> where TList : class, IKubernetesObject<V1ListMeta>, IItems<T>
    {
        /// <summary>The cached object once the first LIST has filled the cache (the manager waits for that, as upstream does).</summary>
        public async Task<T?> GetAsync(string ns, string name, CancellationToken ct)
        {
            await Informer.Synced.WaitAsync(ct).ConfigureAwait(false);
            return Informer.Get(Informer<T, TList>.KeyOf(ns, name));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        var running = configMaps.Values.Where(l => l.IsValueCreated).Select(l => l.Value.Running)
            .Concat(secrets.Values.Where(l => l.IsValueCreated).Select(l => l.Value.Running));
        foreach (var task in running)
            try { await task.ConfigureAwait(false); } catch (OperationCanceledException) { }
        stop.Dispose();
    }
}
