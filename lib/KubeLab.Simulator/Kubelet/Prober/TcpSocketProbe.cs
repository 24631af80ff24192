using k8s.Models;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>
/// A tcpSocket probe (pkg/probe/tcp/tcp.go): a TCP connect from the node to host (default the pod IP):port, closed at
/// once. Success if something listens; otherwise Go's dial error, e.g. <c>dial tcp 10.244.1.5:8080: connect: connection refused</c>.
/// </summary>
public sealed class TcpSocketProbe(ClusterNetwork network)
{
    public ProbeOutcome Run(V1TCPSocketAction action, V1Container container, string podIp)
    {
        if (!ContainerPort.TryResolve(action.Port, container, out var port, out var portError)) return ProbeOutcome.Unknown(portError);
        var host = string.IsNullOrEmpty(action.Host) ? podIp : action.Host;
        var ip = network.Resolve(null, host);
        if (ip is null) return ProbeOutcome.Failure($"dial tcp: lookup {host}: no such host");
        // 127.0.0.1 is the node's loopback here, where no container of the pod listens.
        if (ip != "127.0.0.1" && network.CanConnect(null, ip, port)) return ProbeOutcome.Success();
        return ProbeOutcome.Failure(NetworkException.Refused(ip, port).Message);
    }
}
