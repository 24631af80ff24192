using k8s.Models;

namespace KubeLab.Tests.Services;

public sealed class ServiceTableTests
{
    private static V1Service Svc(string type, string? clusterIp = "10.96.4.5", int? nodePort = null, string[]? ingress = null, string? externalName = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1ServiceSpec
        {
            Type = type, ClusterIP = clusterIp, ExternalName = externalName, Selector = new Dictionary<string, string> { ["app"] = "web" },
            Ports = [new V1ServicePort { Port = 80, Protocol = "TCP", NodePort = nodePort }],
        },
        Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = ingress?.Select(i => new V1LoadBalancerIngress { Ip = i }).ToList() } },
    };

    [Fact]
    public void External_ip_and_ports_read_as_kubectl_prints_them()
    {
        Assert.Equal("<pending>", ServiceTable.ExternalIp(Svc("LoadBalancer", nodePort: 31000)));
        Assert.Equal("172.18.0.5", ServiceTable.ExternalIp(Svc("LoadBalancer", nodePort: 31000, ingress: ["172.18.0.5"])));
        Assert.Equal("<none>", ServiceTable.ExternalIp(Svc("ClusterIP")));
        Assert.Equal("example.com", ServiceTable.ExternalIp(Svc("ExternalName", clusterIp: null, externalName: "example.com")));
        Assert.Equal("80:30080/TCP", ServiceTable.Ports(Svc("NodePort", nodePort: 30080)));
        Assert.Equal("80/TCP", ServiceTable.Ports(Svc("ClusterIP")));
        var text = new ServiceTable("lab", [Svc("NodePort", nodePort: 30080)]).ToString();
        Assert.Contains("app=web", text);
        Assert.Contains("10.96.4.5", text);
    }
}
