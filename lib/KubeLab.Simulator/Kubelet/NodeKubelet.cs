using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Kubelet.Server;
using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Kubelet;

/// <summary>
/// The node agent of one node. It lists and watches only the pods bound to its node, through its own client (as
/// <c>system:node:&lt;name&gt;</c> on a cluster, so the Node authorizer allows exactly that: pkg/kubelet/config/apiserver.go
/// NewSourceApiserver uses <c>fieldSelector=spec.nodeName=&lt;node&gt;</c>), and keeps one
/// <see cref="PodWorker"/> per pod: new pod → start it; pod marked for deletion → stop its containers and
/// finalise the deletion; pod gone → forget it and free its IP. It owns what a node owns: the pod IP range
/// (the node's podCIDR) and the images already pulled.
/// </summary>
public sealed class NodeKubelet : IKubeletServer
{
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly Informer<V1Service, V1ServiceList> services;
    private readonly WorkQueue queue;
    private readonly ConcurrentDictionary<string, PodWorker> workers = new();
    private readonly ConcurrentDictionary<string, byte> images = new();
    private CancellationToken stopping;

    /// <summary>
    /// What a kindest/node image already holds in containerd (kind bakes the control plane's and the addons' images into it):
    /// pods of these images start without a pull, as CoreDNS does on a fresh kind cluster (the only such pods the simulator runs).
    /// </summary>
    public static readonly IReadOnlyList<string> KindNodeImages = [Api.Seed.CoreDnsAddon.Image, Runtime.Images.EtcdImage.Reference];

    /// <summary>Watches end after this long and are re-opened from the last resourceVersion, as client-go's reflector does.</summary>
    private const int WatchTimeoutSeconds = 300;

    public NodeKubelet(V1Node node, IKubernetes client, TimeProvider time, KubeletTimings timings, DataPlane dataPlane)
    {
        DataPlane = dataPlane;
        NodeName = node.Metadata.Name;
        Client = client;
        Time = time;
        Timings = timings;
        var bound = "spec.nodeName=" + NodeName;
        pods = new Informer<V1Pod, V1PodList>("pods",
            c => client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: bound, cancellationToken: c),
            InformerWatch.For<V1Pod, V1PodList>(client, "api/v1/pods", WatchTimeoutSeconds, fieldSelector: bound), time);
        // kubelet.go NewMainKubelet: a Services informer (serviceLister) for the service-link environment variables, so starting a
        // pod reads no services through the API.
        services = new Informer<V1Service, V1ServiceList>("services",
            c => client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: c),
            InformerWatch.For<V1Service, V1ServiceList>(client, "api/v1/services", WatchTimeoutSeconds), time);
        HostIp = node.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address ?? "127.0.0.1";
        Ips = new PodIpAllocator(node.Spec?.PodCIDR ?? "10.244.0.0/24");
        Recorder = new EventRecorder(client, time, "kubelet", NodeName);
        ConfigObjects = new Managers.WatchingConfigObjects(client, time);
        queue = new WorkQueue(time);
        foreach (var image in KindNodeImages) AddImage(image);
        dataPlane.Kubelets.Register(NodeName, this);
        pods.AddHandler(added: Enqueue, updated: (old, pod) => { Enqueue(old); Enqueue(pod); }, deleted: Enqueue);
    }

    public string NodeName { get; }
    public DataPlane DataPlane { get; }
    public string HostIp { get; }
    public IKubernetes Client { get; }
    public TimeProvider Time { get; }
    public KubeletTimings Timings { get; }
    public PodIpAllocator Ips { get; }
    public EventRecorder Recorder { get; }
    /// <summary>The ConfigMaps and Secrets this node's pods refer to, watched one by one (the kubelet's default Watch strategy).</summary>
    public Managers.WatchingConfigObjects ConfigObjects { get; }

    /// <summary>
    /// The services of a namespace from the informer. Upstream refuses to build the environment until the informer has synced
    /// ("services have not yet been read at least once, cannot construct envvars") and retries; here the caller waits for it.
    /// </summary>
    public async Task<IReadOnlyList<V1Service>> ServicesInAsync(string ns, CancellationToken ct)
    {
        await services.Synced.WaitAsync(ct).ConfigureAwait(false);
        return services.List(ns);
    }

    public bool HasImage(string image) => images.ContainsKey(ImageReference.Normalize(image));

    public void AddImage(string image) => images.TryAdd(ImageReference.Normalize(image), 0);

    private void Enqueue(V1Pod pod)
    {
        if (pod.Spec?.NodeName == NodeName) queue.Add(Informer<V1Pod, V1PodList>.KeyOf(pod));
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        stopping = cancellationToken;
        var recorder = Recorder.RunAsync(cancellationToken);
        var informer = pods.RunAsync(cancellationToken);
        var serviceInformer = services.RunAsync(cancellationToken);
        try
        {
            await pods.Synced.WaitAsync(cancellationToken).ConfigureAwait(false);
            _ = new ContainerLogFiles(this, pods, cancellationToken); // /var/log/pods and /var/log/containers on this node
            foreach (var pod in pods.List()) Enqueue(pod);
            await queue.RunWorkersAsync(2, ReconcileAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        finally
        {
            queue.Dispose();
            foreach (var w in workers.Values) w.Abandon();
            await recorder.ConfigureAwait(false);
            try { await informer.ConfigureAwait(false); } catch (OperationCanceledException) { }
            try { await serviceInformer.ConfigureAwait(false); } catch (OperationCanceledException) { }
            await ConfigObjects.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var pod = pods.Get(key);
        workers.TryGetValue(key, out var worker);
        if (worker is not null && (pod is null || pod.Spec.NodeName != NodeName || pod.Metadata.Uid != worker.Uid))
        {
            // The pod is gone (or replaced by a new one with the same name): forget the old one.
            workers.TryRemove(new KeyValuePair<string, PodWorker>(key, worker));
            worker.Abandon();
            worker = null;
        }
        if (pod is null || pod.Spec.NodeName != NodeName) return;

        if (pod.Metadata.DeletionTimestamp is not null)
        {
            if (worker is not null)
            {
                _ = worker.TerminateAsync(stopping);
                return;
            }
            // Never ran here: nothing to stop, just finalise the deletion.
            try
            {
                await Client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty,
                    new V1DeleteOptions { GracePeriodSeconds = 0, Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid } },
                    cancellationToken: ct).ConfigureAwait(false);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict) { }
            return;
        }

        if (worker is null && pod.Status?.Phase is not ("Succeeded" or "Failed"))
        {
            worker = new PodWorker(this, pod, stopping);
            if (workers.TryAdd(key, worker)) worker.Start();
        }
    }

    public ContainerLog GetLog(string ns, string pod, string uid, string container, bool previous) =>
        WorkerOf(ns, pod, uid).GetLog(container, previous);

    public Task<int> ExecAsync(string ns, string pod, string uid, string container, IReadOnlyList<string> command,
        IInputStream stdin, IOutputStream stdout, IOutputStream stderr, bool tty, CancellationToken ct) =>
        WorkerOf(ns, pod, uid).ExecAsync(container, command, stdin, stdout, stderr, tty, ct);

    /// <summary>The pod's worker; a pod this kubelet has not started yet has no containers to read or enter.</summary>
    private PodWorker WorkerOf(string ns, string pod, string uid) =>
        workers.TryGetValue($"{ns}/{pod}", out var w) && (uid.Length == 0 || w.Uid == uid)
            ? w
            : throw new KubeletException(404, $"pod \"{pod}\" in namespace \"{ns}\" not found on node {NodeName}");
}
