using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// One simulated cluster (API server + scheduler + kubelets + controllers) shared by a test class.
/// (Named *Tests.cs only to sit with the controller tests it serves.)
/// </summary>
public sealed class ControlPlaneCluster : IAsyncLifetime
{
    private int namespaces;

    public SimulatedCluster Cluster { get; private set; } = null!;
    public IKubernetes Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await SimulatedCluster.StartAsync();
        Client = Cluster.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Cluster.DisposeAsync();
    }

    /// <summary>Each test works in its own namespace so tests sharing a cluster cannot see each other's pods.</summary>
    public async Task<string> NewNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref namespaces)}";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    public static V1Pod Pod(string name, string image = "nginx:1.27", Action<V1PodSpec>? spec = null, Dictionary<string, string>? labels = null)
    {
        var pod = new V1Pod
        {
            ApiVersion = "v1", Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = image }] },
        };
        spec?.Invoke(pod.Spec);
        return pod;
    }

    public async Task<List<Corev1Event>> EventsAsync(string ns, string? involvedName = null)
    {
        var list = await Client.CoreV1.ListNamespacedEventAsync(ns);
        return list.Items.Where(e => involvedName is null || e.InvolvedObject.Name == involvedName)
            .OrderBy(e => e.FirstTimestamp).ThenBy(e => e.Metadata.Name, StringComparer.Ordinal).ToList();
    }
}

/// <summary>Polls observed state until it satisfies a condition, failing with what was last seen.</summary>
public static class ObservedState
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, double seconds = 15, Func<T, string>? describe = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        T last;
        while (true)
        {
            last = await probe();
            if (done(last)) return last;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"Timed out after {seconds}s waiting for {what}. Last seen: {(describe ?? (x => KubernetesJson.Serialize(x)))(last)}");
    }
}
