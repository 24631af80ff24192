using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Controllers.Autoscaling;
using KubeLab.Simulator.Controllers.DaemonSet;
using KubeLab.Simulator.Controllers.Endpoints;
using KubeLab.Simulator.Controllers.Deployment;
using KubeLab.Simulator.Controllers.History;
using KubeLab.Simulator.Controllers.Job;
using KubeLab.Simulator.Controllers.ReplicaSet;
using KubeLab.Simulator.Controllers.StatefulSet;
using KubeLab.Simulator.Kubelet;
using KubeLab.Simulator.Scheduler;
using KubeLab.Simulator.Storage;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// Starts the simulated control-plane components – kube-scheduler, one kubelet per node, and the
/// kube-controller-manager controllers – and stops them on dispose.
/// Every component talks to the API server only through the client it is given (LIST + WATCH through shared
/// informers, then create/update/delete), exactly as the real binaries do; none of them reads the store directly.
/// Each acts under its own identity (<see cref="ControlPlaneClients"/>): the shared informers as system:kube-controller-manager,
/// each controller as its service account kube-system/&lt;controller&gt;, the scheduler as system:kube-scheduler – so RBAC's
/// bootstrap roles decide what each may do, as on kind. Upstream kube-scheduler runs its own informer factory; here it reads
/// the controller manager's shared informers (one process) but writes only through its own client.
/// </summary>
public static class ControllerManager
{
    public static Task<IAsyncDisposable> StartAsync(ControlPlaneClients clients, TimeProvider time, DataPlane dataPlane, CancellationToken cancellationToken = default)
        => StartAsync(clients, time, KubeletTimings.Default, dataPlane, cancellationToken);

    public static Task<IAsyncDisposable> StartAsync(ControlPlaneClients clients, TimeProvider time, KubeletTimings timings, DataPlane dataPlane, CancellationToken cancellationToken = default)
    {
        var running = new RunningControlPlane(clients, time, timings, dataPlane);
        running.Start();
        return Task.FromResult<IAsyncDisposable>(running);
    }

    private sealed class RunningControlPlane(ControlPlaneClients clients, TimeProvider time, KubeletTimings timings, DataPlane dataPlane) : IAsyncDisposable
    {
        // The shared informers' client: kube-controller-manager's own credentials (list/watch on everything).
        private readonly IKubernetes client = clients.ControllerManager.Root;

        /// <summary>Watches end after this long and are re-opened from the last resourceVersion, as client-go's reflector does.</summary>
        private const int WatchTimeoutSeconds = 300;

        private readonly CancellationTokenSource stop = new();
        private readonly ConcurrentBag<Task> tasks = new();
        private readonly ConcurrentDictionary<string, NodeKubelet> kubelets = new();
        // The kubelets' own clients, disposed once the kubelets have stopped.
        private readonly ConcurrentBag<IKubernetes> nodeClients = new();

        // kube-controller-manager's SharedInformerFactory drops managedFields from what it caches (controllermanager.go
        // CreateControllerContext: informers.WithTransform(trim)): no controller reads them, they are a large part of each cached
        // pod, and an Update built from a cached object without them keeps the stored ones.
        private static Informer<T, TList> Shared<T, TList>(string resource, Informer<T, TList>.ListCall list, Informer<T, TList>.WatchCall watch,
            TimeProvider time)
            where T : class, IKubernetesObject<V1ObjectMeta>
            where TList : class, IKubernetesObject<V1ListMeta>, IItems<T>
        {
            var informer = new Informer<T, TList>(resource, list, watch, time);
            informer.SetTransform(Informer<T, TList>.StripManagedFields);
            return informer;
        }

        public void Start()
        {
            var ct = stop.Token;
            // Shared informers: one LIST+WATCH per resource type, shared by all components (like a SharedInformerFactory).
            var pods = Shared<V1Pod, V1PodList>("pods",
                c => client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: c),
                InformerWatch.For<V1Pod, V1PodList>(client, "api/v1/pods", WatchTimeoutSeconds), time);
            var nodes = Shared<V1Node, V1NodeList>("nodes",
                c => client.CoreV1.ListNodeAsync(cancellationToken: c),
                InformerWatch.For<V1Node, V1NodeList>(client, "api/v1/nodes", WatchTimeoutSeconds), time);
            var replicaSets = Shared<V1ReplicaSet, V1ReplicaSetList>("replicasets",
                c => client.AppsV1.ListReplicaSetForAllNamespacesAsync(cancellationToken: c),
                InformerWatch.For<V1ReplicaSet, V1ReplicaSetList>(client, "apis/apps/v1/replicasets", WatchTimeoutSeconds), time);
            var replicationControllers = Shared<V1ReplicationController, V1ReplicationControllerList>("replicationcontrollers",
                c => client.CoreV1.ListReplicationControllerForAllNamespacesAsync(cancellationToken: c),
                InformerWatch.For<V1ReplicationController, V1ReplicationControllerList>(client, "api/v1/replicationcontrollers", WatchTimeoutSeconds), time);

            // DaemonSets, StatefulSets and the storage they need (claims, volumes, classes, revisions).
            var daemonSets = Shared<V1DaemonSet, V1DaemonSetList>("daemonsets",
                c => client.AppsV1.ListDaemonSetForAllNamespacesAsync(cancellationToken: c),
                InformerWatch.For<V1DaemonSet, V1DaemonSetList>(client, "apis/apps/v1/daemonsets", WatchTimeoutSeconds), time);
            var statefulSets = Shared<V1StatefulSet, V1StatefulSetList>("statefulsets",
                c => client.AppsV1.ListStatefulSetForAllNamespacesAsync(cancellationToken: c),
                InformerWatch.For<V1StatefulSet, V1StatefulSetList>(client, "apis/apps/v1/statefulsets", WatchTimeoutSeconds), time);
            var revisions = Shared<V1ControllerRevision, V1ControllerRevisionList>("controllerrevisions",
                c => client.AppsV1.ListControllerRevisionForAllNamespacesAsync(cancellationToken: c),
                InformerWatch.For<V1ControllerRevision, V1ControllerRevisionList>(client, "apis/apps/v1/controllerrevisions", WatchTimeoutSeconds), time);
            var claims = Shared<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>("persistentvolumeclaims",
                c => client.CoreV1.ListPersistentVolumeClaimForAllNamespacesAsync(cancellationToken: c),
                InformerWatch.For<V1PersistentVolumeClaim, V1PersistentVolumeClaimList>(client, "api/v1/persistentvolumeclaims", WatchTimeoutSeconds), time);
            var volumes = Shared<V1PersistentVolume, V1PersistentVolumeList>("persistentvolumes",
                c => client.CoreV1.ListPersistentVolumeAsync(cancellationToken: c),
                InformerWatch.For<V1PersistentVolume, V1PersistentVolumeList>(client, "api/v1/persistentvolumes", WatchTimeoutSeconds), time);
            var storageClasses = Shared<V1StorageClass, V1StorageClassList>("storageclasses",
                c => client.StorageV1.ListStorageClassAsync(cancellationToken: c),
                InformerWatch.For<V1StorageClass, V1StorageClassList>(client, "apis/storage.k8s.io/v1/storageclasses", WatchTimeoutSeconds), time);
            // kube-scheduler's writes (bindings, pod conditions, volume binding, events, preemption) as system:kube-scheduler.
            var volumeBinding = new VolumeBindingFilter(clients.Scheduler, claims, volumes, storageClasses, pods, time);

            // Components register their handlers before the informers start, so they see every object.
            var schedulerEvents = new EventRecorder(clients.Scheduler, time, DefaultScheduler.Name);
            var scheduler = new DefaultScheduler(clients.Scheduler, pods, nodes, schedulerEvents, time, volumeBinding);
            var sa = clients.ControllerManager;
            // The loops the simulator runs inside the API server process (they write to the store directly) still get their
            // service accounts, so kube-system lists them as on kind; their clients stay unused.
            foreach (var inProcess in new[] { "generic-garbage-collector", "namespace-controller", "resourcequota-controller", "disruption-controller",
                         "service-account-controller", "root-ca-cert-publisher", "clusterrole-aggregation-controller" })
                sa.ClientFor(inProcess);
            var rsController = new ReplicaSetController(sa.ClientFor("replicaset-controller"), replicaSets, pods, time);
            var rcController = new ReplicationControllerController(sa.ClientFor("replication-controller"), replicationControllers, pods, time);
            var deployments = Shared<V1Deployment, V1DeploymentList>("deployments",
                c => client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: c),
                InformerWatch.For<V1Deployment, V1DeploymentList>(client, "apis/apps/v1/deployments", WatchTimeoutSeconds), time);
            var deploymentController = new DeploymentController(sa.ClientFor("deployment-controller"), deployments, replicaSets, pods, time);
            // ControllerRevisions are written by the DaemonSet and StatefulSet controllers themselves, each under its own account.
            var dsClient = sa.ClientFor("daemon-set-controller");
            var dsController = new DaemonSetController(dsClient, daemonSets, pods, nodes, new ControllerRevisionHistory(dsClient, revisions), time);
            var stsClient = sa.ClientFor("statefulset-controller");
            var stsController = new StatefulSetController(stsClient, statefulSets, pods, claims, new ControllerRevisionHistory(stsClient, revisions), time);
            // Storage: persistentvolume-binder, the protection controllers and kind's local-path provisioner.
            var pvController = new Controllers.PersistentVolume.PersistentVolumeController(sa.ClientFor("persistent-volume-binder"), claims, volumes, storageClasses, time);
            var pvcProtection = new Controllers.PvcProtection.PvcProtectionController(sa.ClientFor("pvc-protection-controller"), claims, pods, time);
            var pvProtection = new Controllers.PvProtection.PvProtectionController(sa.ClientFor("pv-protection-controller"), volumes, time);
            var provisioner = new LocalPathProvisioner(clients.LocalPathProvisioner, claims, volumes, storageClasses, time, dataPlane.Volumes);
            nodes.AddHandler(added: node => StartKubelet(node, ct));
            // Cluster DNS (CoreDNS's kubernetes plugin): its own Service informer, pods from the shared one.
            var services = Shared<V1Service, V1ServiceList>("services",
                c => client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: c),
                InformerWatch.For<V1Service, V1ServiceList>(client, "api/v1/services", WatchTimeoutSeconds), time);
            var endpointSlices = Shared<V1EndpointSlice, V1EndpointSliceList>("endpointslices",
                c => client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(cancellationToken: c),
                InformerWatch.For<V1EndpointSlice, V1EndpointSliceList>(client, "apis/discovery.k8s.io/v1/endpointslices", WatchTimeoutSeconds), time);
            new Network.Dns.ClusterDns(services, endpointSlices).Attach(dataPlane.Network);
            // kube-proxy (one rule set for all nodes) from the shared Services, Nodes and EndpointSlices.
            var kubeProxy = new Network.KubeProxy.KubeProxyModel(services, endpointSlices, nodes, time);
            dataPlane.Network.Services = kubeProxy;
            Run(kubeProxy.RunAsync(ct));
            // cloud-provider-kind's load balancers (kubelab up starts it next to the cluster; SimulatorOptions can leave it out).
            if (dataPlane.CloudProviderKind)
            {
                // Upstream it runs outside the cluster with kind's admin kubeconfig.
                var cloud = clients.CloudProvider;
                var lbEvents = new EventRecorder(cloud, time, CloudProvider.Kind.KindLoadBalancerController.Component);
                Run(lbEvents.RunAsync(ct));
                // One kind network: load balancers and Gateways never get the same address.
                var kindAddresses = new CloudProvider.Kind.KindNetworkAddresses();
                Run(new CloudProvider.Kind.KindLoadBalancerController(cloud, services, nodes, lbEvents, time, kindAddresses).RunAsync(ct));
                // cloud-provider-kind's gateway controller (Gateway API CRDs, GatewayClass, Envoys) and its Ingress translation.
                var gateways = new CloudProvider.Kind.Gateway.GatewayController(cloud, services, nodes, dataPlane.Network, kindAddresses, time);
                dataPlane.Gateways = gateways;
                Run(gateways.RunAsync(ct));
                Run(new CloudProvider.Kind.Ingress.IngressController(cloud, time).RunAsync(ct));
            }
            Run(services.RunAsync(ct));
            // endpointslice-controller and endpoints-controller: Services + Pods → EndpointSlices / Endpoints (starts the slice informer,
            // so every consumer above has registered its handlers first).
            EndpointControllers.Start(sa, services, pods, endpointSlices, time, WatchTimeoutSeconds, Run, ct);
            // Jobs and CronJobs (job-controller, cronjob-controller) with their own informers; they share the pod informer.
            JobControllers.Start(sa, pods, time, WatchTimeoutSeconds, Run, ct);
            // horizontal-pod-autoscaler: its own HPA informer; pods from the shared informer, CPU from metrics.k8s.io.
            HorizontalPodAutoscalerController.Start(sa, pods, time, WatchTimeoutSeconds, Run, ct);

            Run(pods.RunAsync(ct));
            Run(nodes.RunAsync(ct));
            Run(replicaSets.RunAsync(ct));
            Run(replicationControllers.RunAsync(ct));
            Run(schedulerEvents.RunAsync(ct));
            Run(scheduler.RunAsync(ct));
            Run(rsController.RunAsync(2, ct));
            Run(rcController.RunAsync(1, ct));
            foreach (var informer in new Func<CancellationToken, Task>[] { daemonSets.RunAsync, statefulSets.RunAsync, revisions.RunAsync, claims.RunAsync, volumes.RunAsync, storageClasses.RunAsync })
                Run(informer(ct));
            Run(dsController.RunAsync(1, ct));
            Run(stsController.RunAsync(1, ct));
            Run(provisioner.RunAsync(ct));
            Run(pvController.RunAsync(ct));
            Run(pvcProtection.RunAsync(ct));
            Run(pvProtection.RunAsync(ct));
            Run(deployments.RunAsync(ct));
            Run(deploymentController.RunAsync(2, ct));
        }

        private void StartKubelet(V1Node node, CancellationToken ct)
        {
            if (kubelets.ContainsKey(node.Metadata.Name)) return;
            // Each kubelet with its node's own client (system:node:<name>), disposed once the kubelets have stopped.
            var own = clients.Kubelets(node.Metadata.Name);
            nodeClients.Add(own);
            var kubelet = new NodeKubelet(node, own, time, timings, dataPlane);
            if (kubelets.TryAdd(node.Metadata.Name, kubelet)) Run(kubelet.RunAsync(ct));
        }

        private void Run(Task task) => tasks.Add(Task.Run(async () =>
        {
            try { await task.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // A component failing must not take the simulator down, but it must not vanish silently either: whatever it
                // did (scheduling, a controller's loop) stops from here on, so say so where a learner or CI log will see it.
                Console.Error.WriteLine($"kubelab simulator: a control-plane component stopped unexpectedly: {e}");
            }
            catch (Exception) { /* failing while shutting down: nothing left to tell */ }
        }));

        public async ValueTask DisposeAsync()
        {
            if (stop.IsCancellationRequested) return;
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(tasks.ToArray()).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            foreach (var c in nodeClients) c.Dispose();
        }
    }
}
