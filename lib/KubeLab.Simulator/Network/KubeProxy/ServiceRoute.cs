namespace KubeLab.Simulator.Network.KubeProxy;

/// <summary>What happens to a new connection whose destination is not a pod: the node's service rules decide.</summary>
public enum RouteOutcome
{
    /// <summary>No rule matches: the destination is neither a Service frontend nor a node (the network answers "no route").</summary>
    NotAService,
    /// <summary>DNAT to a pod endpoint (<see cref="RouteDecision.Ip"/>:<see cref="RouteDecision.Port"/>).</summary>
    Forward,
    /// <summary>kube-proxy's REJECT rule (a Service without endpoints) or a node port nothing serves: "connection refused".</summary>
    Refused,
    /// <summary>Dropped (traffic policy Local without a local endpoint, a cluster IP on a port the Service lacks): the client times out.</summary>
    Dropped,
}

/// <param name="ClientIp">The source address the endpoint sees (SNAT to the node for external traffic with policy Cluster).</param>
public readonly record struct RouteDecision(RouteOutcome Outcome, string Ip = "", int Port = 0, string ClientIp = "")
{
    public static readonly RouteDecision None = new(RouteOutcome.NotAService);
    public static readonly RouteDecision Refuse = new(RouteOutcome.Refused);
    public static readonly RouteDecision Drop = new(RouteOutcome.Dropped);
}

/// <summary>The service proxy as the data plane sees it (set on <see cref="ClusterNetwork.Services"/>).</summary>
public interface IServiceRouter
{
    /// <summary>Routes one new TCP connection from <paramref name="clientIp"/> on <paramref name="clientNode"/> to dstIp:dstPort.</summary>
    RouteDecision Route(string clientIp, string clientNode, string dstIp, int dstPort);

    /// <summary>True while a NodePort or LoadBalancer Service holds <paramref name="nodePort"/> in the synced rules.</summary>
    bool ServesNodePort(int nodePort);
}
