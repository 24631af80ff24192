using k8s.Models;
using KubeLab.Simulator.Network.Dns;

namespace KubeLab.Simulator.Tests.Network;

/// <summary>The A records of the Kubernetes DNS specification as CoreDNS's kubernetes plugin serves them.</summary>
public class ClusterDnsRecordsTests
{
    private static V1Service Service(string name, string clusterIp, bool publishNotReady = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "lab" },
        Spec = new V1ServiceSpec { ClusterIP = clusterIp, Selector = new Dictionary<string, string> { ["app"] = "web" }, PublishNotReadyAddresses = publishNotReady },
    };

    private static V1Pod Pod(string name, string ip, bool ready, string? hostname = null, string? subdomain = null, bool terminating = false) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = "lab", Labels = new Dictionary<string, string> { ["app"] = "web" },
            DeletionTimestamp = terminating ? DateTime.UtcNow : null,
        },
        Spec = new V1PodSpec { Hostname = hostname, Subdomain = subdomain },
        Status = new V1PodStatus
        {
            Phase = "Running", PodIP = ip,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };

    private static IReadOnlyList<string>? Lookup(string name, IEnumerable<V1Service> services, params V1Pod[] pods)
    {
        var byKey = services.ToDictionary(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}");
        return ClusterDnsRecords.Lookup(name, k => byKey.GetValueOrDefault(k), ns => pods.Where(p => p.Metadata.NamespaceProperty == ns));
    }

    [Fact]
    public void A_ClusterIP_service_answers_its_cluster_ip()
    {
        Assert.Equal(["10.96.44.1"], Lookup("front.lab.svc.cluster.local", [Service("front", "10.96.44.1")], Pod("a", "10.244.1.2", true)));
        Assert.Null(Lookup("front.other.svc.cluster.local", [Service("front", "10.96.44.1")]));
    }

    [Fact]
    public void A_headless_service_answers_its_ready_endpoints_only()
    {
        var svc = Service("web", "None");
        var pods = new[] { Pod("web-0", "10.244.1.2", true), Pod("web-1", "10.244.2.3", false), Pod("web-2", "10.244.1.4", true, terminating: true) };
        Assert.Equal(["10.244.1.2"], Lookup("web.lab.svc.cluster.local", [svc], pods));
        Assert.Null(Lookup("web.lab.svc.cluster.local", [svc], Pod("web-1", "10.244.2.3", false))); // no ready endpoint: NXDOMAIN
        Assert.Equal(["10.244.1.2", "10.244.2.3", "10.244.1.4"], Lookup("web.lab.svc.cluster.local", [Service("web", "None", publishNotReady: true)], pods));
    }

    [Fact]
    public void Per_pod_names_need_hostname_and_a_subdomain_naming_the_headless_service()
    {
        var svc = Service("web", "None");
        var sts = Pod("web-0", "10.244.1.2", true, hostname: "web-0", subdomain: "web");
        var other = Pod("loose", "10.244.2.9", true, hostname: "loose", subdomain: "elsewhere");
        Assert.Equal(["10.244.1.2"], Lookup("web-0.web.lab.svc.cluster.local", [svc], sts, other));
        Assert.Null(Lookup("loose.web.lab.svc.cluster.local", [svc], sts, other));
        Assert.Equal(["10.244.2.9"], Lookup("10-244-2-9.web.lab.svc.cluster.local", [svc], sts, other)); // CoreDNS: dashed IP for the rest
        Assert.Null(Lookup("web-0.web.lab.svc.cluster.local", [svc], Pod("web-0", "10.244.1.2", false, "web-0", "web"))); // not ready
        Assert.Null(Lookup("web-0.front.lab.svc.cluster.local", [Service("front", "10.96.44.1")], sts)); // not headless
    }

    [Fact]
    public void Pod_records_and_names_outside_the_zone()
    {
        Assert.Equal(["10.244.1.2"], Lookup("10-244-1-2.lab.pod.cluster.local", []));
        Assert.Null(Lookup("example.com", []));
        Assert.Null(Lookup("web-0.web", [Service("web", "None")], Pod("web-0", "10.244.1.2", true, "web-0", "web")));
    }

    [Fact]
    public void Libc_search_order_follows_ndots_5()
    {
        var search = ResolverSearch.ClusterFirstSearch("lab");
        Assert.Equal(["web-0.web.lab.svc.cluster.local", "web-0.web.svc.cluster.local", "web-0.web.cluster.local", "web-0.web"],
            ResolverSearch.Candidates("web-0.web", search));
        Assert.Equal(["a.b.c.d.e.f", "a.b.c.d.e.f.lab.svc.cluster.local", "a.b.c.d.e.f.svc.cluster.local", "a.b.c.d.e.f.cluster.local"],
            ResolverSearch.Candidates("a.b.c.d.e.f", search));
        Assert.Equal(["web.lab.svc.cluster.local"], ResolverSearch.Candidates("web.lab.svc.cluster.local.", search));
    }
}
