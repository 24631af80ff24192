using System.Collections.Concurrent;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>Records an event about one container of the pod (involvedObject.fieldPath = <paramref name="fieldPath"/>).</summary>
public delegate void ContainerEventSink(string fieldPath, string type, string reason, string message);

/// <summary>
/// The kubelet's prober for one pod (pkg/kubelet/prober): <see cref="StartContainer"/> starts the liveness, readiness and
/// startup workers of one container instance. httpGet and tcpSocket probes come from the node over the pod network,
/// exec probes run through the container's exec; every delay runs on the given clock.
/// </summary>
public sealed class ProbeManager
{
    private readonly ContainerEventSink events;
    private readonly ProbeRunner runner;
    private readonly TimeProvider time;
    // One per Pod and almost always empty: sized small (the default 31 buckets were ~300 bytes per Pod, issue 7).
    private readonly ConcurrentDictionary<(string Container, ProbeType Type), byte> grpcWarned = new(concurrencyLevel: 1, capacity: 1);

    /// <summary>Events go to the node's kubelet recorder (source kubelet, object the pod's container).</summary>
    public ProbeManager(EventRecorder events, V1Pod pod, ClusterNetwork network, TimeProvider time, string nodeIp)
        : this((fieldPath, type, reason, message) => events.Record(EventRecorder.Reference(pod, fieldPath), type, reason, message),
            pod, network, time, nodeIp)
    {
    }

    public ProbeManager(ContainerEventSink events, V1Pod pod, ClusterNetwork network, TimeProvider time, string nodeIp)
    {
        this.events = events;
        this.time = time;
        Pod = pod;
        Http = new HttpGetProbe(network, time, nodeIp);
        Tcp = new TcpSocketProbe(network);
        Exec = new ExecProbe(time);
        runner = new ProbeRunner(this);
    }

    public V1Pod Pod { get; }
    internal HttpGetProbe Http { get; }
    internal TcpSocketProbe Tcp { get; }
    internal ExecProbe Exec { get; }

    /// <summary>
    /// Starts probing a container instance that has just started running. Without probes the result is simply
    /// started and ready. Dispose it when the instance stops (exit, kill, pod deletion).
    /// </summary>
    public ContainerProbes StartContainer(ProbedContainer container, ProbeCallbacks? callbacks = null) =>
        new(this, container, callbacks ?? new ProbeCallbacks(), runner, time);

    internal void Record(string fieldPath, string type, string reason, string message) => events(fieldPath, type, reason, message);

    /// <summary>True the first time a container's gRPC probe of this type fails (its Warning is recorded once).</summary>
    internal bool FirstGrpcFailure(string container, ProbeType type) => grpcWarned.TryAdd((container, type), 0);
}
