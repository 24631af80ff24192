using k8s.Models;
using KubeLab.Simulator.Network.KubeProxy;

namespace KubeLab.Simulator.Tests.Network.KubeProxy;

/// <summary>Services, EndpointSlices and the three kind nodes as a kube-proxy model would see them, without a cluster.</summary>
internal static class ProxyFixtures
{
    public const string ControlPlane = "k8s-course-control-plane";
    public const string Worker = "k8s-course-worker";
    public const string Worker2 = "k8s-course-worker2";

    public sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    public static List<V1Node> Nodes() =>
    [
        Node(ControlPlane, "172.18.0.2", excluded: true),
        Node(Worker, "172.18.0.3", excluded: false),
        Node(Worker2, "172.18.0.4", excluded: false),
    ];

    private static V1Node Node(string name, string ip, bool excluded) => new()
    {
        Metadata = new() { Name = name, Labels = excluded ? new Dictionary<string, string> { ["node.kubernetes.io/exclude-from-external-load-balancers"] = "" } : new Dictionary<string, string>() },
        Status = new() { Addresses = [new V1NodeAddress { Type = "InternalIP", Address = ip }] },
    };

    public static V1Service Service(string name, string clusterIp, int port = 80, string type = "ClusterIP", int nodePort = 0,
        string? affinity = null, int? affinityTimeout = null, string itp = "Cluster", string? etp = null, string? lbIp = null, string portName = "")
    {
        var svc = new V1Service
        {
            Metadata = new() { Name = name, NamespaceProperty = "default" },
            Spec = new()
            {
                Type = type, ClusterIP = clusterIp, InternalTrafficPolicy = itp, ExternalTrafficPolicy = etp,
                SessionAffinity = affinity ?? "None",
                SessionAffinityConfig = affinityTimeout is null ? null : new V1SessionAffinityConfig { ClientIP = new V1ClientIPConfig { TimeoutSeconds = affinityTimeout } },
                Ports = [new V1ServicePort { Name = portName, Port = port, Protocol = "TCP", NodePort = nodePort == 0 ? null : nodePort }],
            },
        };
        if (lbIp is not null) svc.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = lbIp, IpMode = "Proxy" }] } };
        return svc;
    }

    public record Ep(string Ip, string Node, bool Ready = true, bool Serving = true, bool Terminating = false);

    public static V1EndpointSlice Slice(string service, int port, params Ep[] endpoints) => new()
    {
        Metadata = new() { Name = service + "-abc", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service } },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "", Port = port, Protocol = "TCP" }],
        Endpoints = endpoints.Select(e => new V1Endpoint
        {
            Addresses = [e.Ip], NodeName = e.Node,
            Conditions = new V1EndpointConditions { Ready = e.Ready, Serving = e.Serving, Terminating = e.Terminating },
        }).ToList(),
    };

    public static KubeProxyModel Proxy(TimeProvider time, IEnumerable<V1Service> services, params V1EndpointSlice[] slices)
    {
        var list = services.ToList();
        var proxy = new KubeProxyModel(() => new ProxyRules(list, slices, Nodes()), time);
        proxy.SyncNow();
        return proxy;
    }
}
