using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Controllers;

/// <summary>
/// Starts the simulated control-plane components – kube-scheduler, one kubelet per node, and the
/// kube-controller-manager controllers (ReplicaSet, ReplicationController) – and stops them on dispose.
/// Every component talks to the API server only through the client it is given (LIST + WATCH through shared
/// informers, then create/patch/delete), exactly as the real binaries do; none of them reads the store directly.
/// </summary>
public static class ControllerManager
{
    public static Task<IAsyncDisposable> StartAsync(IKubernetes client, TimeProvider time, CancellationToken cancellationToken = default)
        => StartAsync(client, time, KubeletTimings.Default, cancellationToken);

    public static Task<IAsyncDisposable> StartAsync(IKubernetes client, TimeProvider time, KubeletTimings timings, CancellationToken cancellationToken = default)
    {
        var running = new RunningControlPlane(client, time, timings);
        running.Start();
        return Task.FromResult<IAsyncDisposable>(running);
    }

    private sealed class RunningControlPlane(IKubernetes client, TimeProvider time, KubeletTimings timings) : IAsyncDisposable
    {
        /// <summary>Watches end after this long and are re-opened from the last resourceVersion, as client-go's reflector does.</summary>
        private const int WatchTimeoutSeconds = 300;

        private readonly CancellationTokenSource stop = new();
        private readonly ConcurrentBag<Task> tasks = new();
        private readonly ConcurrentDictionary<string, Kubelet> kubelets = new();

        public void Start()
        {
            var ct = stop.Token;
            // Shared informers: one LIST+WATCH per resource type, shared by all components (like a SharedInformerFactory).
            var pods = new Informer<V1Pod, V1PodList>("pods",
                c => client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: c),
                (rv, onError, c) => client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv,
                    timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: c), time);
            var nodes = new Informer<V1Node, V1NodeList>("nodes",
                c => client.CoreV1.ListNodeAsync(cancellationToken: c),
                (rv, onError, c) => client.CoreV1.WatchListNodeAsync(allowWatchBookmarks: true, resourceVersion: rv,
                    timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: c), time);
            var replicaSets = new Informer<V1ReplicaSet, V1ReplicaSetList>("replicasets",
                c => client.AppsV1.ListReplicaSetForAllNamespacesAsync(cancellationToken: c),
                (rv, onError, c) => client.AppsV1.WatchListReplicaSetForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv,
                    timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: c), time);
            var replicationControllers = new Informer<V1ReplicationController, V1ReplicationControllerList>("replicationcontrollers",
                c => client.CoreV1.ListReplicationControllerForAllNamespacesAsync(cancellationToken: c),
                (rv, onError, c) => client.CoreV1.WatchListReplicationControllerForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv,
                    timeoutSeconds: WatchTimeoutSeconds, onError: onError, cancellationToken: c), time);

            // Components register their handlers before the informers start, so they see every object.
            var schedulerEvents = new EventRecorder(client, time, Scheduler.Name);
            var scheduler = new Scheduler(client, pods, nodes, schedulerEvents, time);
            var rsController = new ReplicaSetController(client, replicaSets, pods, time);
            var rcController = new ReplicationControllerController(client, replicationControllers, pods, time);
            nodes.AddHandler(added: node => StartKubelet(node, pods, ct));

            Run(pods.RunAsync(ct));
            Run(nodes.RunAsync(ct));
            Run(replicaSets.RunAsync(ct));
            Run(replicationControllers.RunAsync(ct));
            Run(schedulerEvents.RunAsync(ct));
            Run(scheduler.RunAsync(ct));
            Run(rsController.RunAsync(2, ct));
            Run(rcController.RunAsync(1, ct));
        }

        private void StartKubelet(V1Node node, Informer<V1Pod, V1PodList> pods, CancellationToken ct)
        {
            if (kubelets.ContainsKey(node.Metadata.Name)) return;
            var kubelet = new Kubelet(node, client, pods, time, timings);
            if (kubelets.TryAdd(node.Metadata.Name, kubelet)) Run(kubelet.RunAsync(ct));
        }

        private void Run(Task task) => tasks.Add(Task.Run(async () =>
        {
            try { await task.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            catch (Exception) { /* a component failing must not take the simulator down */ }
        }));

        public async ValueTask DisposeAsync()
        {
            if (stop.IsCancellationRequested) return;
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(tasks.ToArray()).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }
}
