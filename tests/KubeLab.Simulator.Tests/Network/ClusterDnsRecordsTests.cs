using k8s.Models;
using KubeLab.Simulator.Network.Dns;

namespace KubeLab.Simulator.Tests.Network;

/// <summary>The records of the Kubernetes DNS specification as CoreDNS's kubernetes plugin serves them from Services and EndpointSlices.</summary>
public class ClusterDnsRecordsTests
{
    private static V1Service Service(string name, string clusterIp, string ns = "lab", params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1ServiceSpec { ClusterIP = clusterIp, Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = ports },
    };

    private static V1Service External(string name, string target) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "lab" },
        Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = target },
    };

    private static V1Endpoint Ep(string ip, bool? ready = true, string? hostname = null) =>
        new() { Addresses = [ip], Hostname = hostname, Conditions = new V1EndpointConditions { Ready = ready } };

    private static V1EndpointSlice Slice(string service, params V1Endpoint[] endpoints) => new()
    {
        Metadata = new V1ObjectMeta { Name = service + "-x", NamespaceProperty = "lab", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service } },
        AddressType = "IPv4",
        Endpoints = endpoints,
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080, Protocol = "TCP" }],
    };

    private static DnsAnswer Ask(string name, DnsType type, IEnumerable<V1Service> services, params V1EndpointSlice[] slices)
    {
        var byKey = services.ToDictionary(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}");
        return ClusterDnsRecords.Answer(name, type, k => byKey.GetValueOrDefault(k),
            (ns, svc) => slices.Where(s => s.Metadata.NamespaceProperty == ns && s.Metadata.Labels["kubernetes.io/service-name"] == svc));
    }

    private static IReadOnlyList<string>? A(string name, IEnumerable<V1Service> services, params V1EndpointSlice[] slices) => Ask(name, DnsType.A, services, slices).Addresses;

    [Fact]
    public void A_ClusterIP_service_answers_its_cluster_ip()
    {
        Assert.Equal(["10.96.44.1"], A("front.lab.svc.cluster.local", [Service("front", "10.96.44.1")]));
        Assert.Null(A("front.other.svc.cluster.local", [Service("front", "10.96.44.1")]));
    }

    [Fact]
    public void A_headless_service_answers_the_ready_endpoints_of_all_its_slices()
    {
        var svc = Service("web", "None");
        var slices = new[] { Slice("web", Ep("10.244.1.2"), Ep("10.244.2.3", ready: false)), Slice("web", Ep("10.244.1.4", ready: null)) };
        slices[1].Metadata.Name = "web-y";
        // CoreDNS counts an endpoint whose ready condition is unset as ready.
        Assert.Equal(["10.244.1.2", "10.244.1.4"], A("web.lab.svc.cluster.local", [svc], slices));
        Assert.Null(A("web.lab.svc.cluster.local", [svc], Slice("web", Ep("10.244.2.3", ready: false)))); // no ready endpoint: NXDOMAIN
    }

    [Fact]
    public void A_selectorless_headless_service_resolves_from_a_hand_made_slice()
    {
        var svc = Service("db", "None");
        svc.Spec.Selector = null;
        var slice = Slice("db", Ep("192.168.10.5"));
        slice.Metadata.Labels["endpointslice.kubernetes.io/managed-by"] = "staff";
        Assert.Equal(["192.168.10.5"], A("db.lab.svc.cluster.local", [svc], slice));
    }

    [Fact]
    public void Endpoints_of_a_headless_service_are_named_by_hostname_or_dashed_ip()
    {
        var svc = Service("web", "None");
        var slice = Slice("web", Ep("10.244.1.2", hostname: "web-0"), Ep("10.244.2.3"));
        Assert.Equal(["10.244.1.2"], A("web-0.web.lab.svc.cluster.local", [svc], slice));
        Assert.Equal(["10.244.2.3"], A("10-244-2-3.web.lab.svc.cluster.local", [svc], slice));
        Assert.Null(A("web-1.web.lab.svc.cluster.local", [svc], slice));
        Assert.Null(A("web-0.front.lab.svc.cluster.local", [Service("front", "10.96.0.9")], slice)); // ClusterIP: no per-endpoint names
    }

    [Fact]
    public void Pod_names_answer_their_dashed_ip()
    {
        Assert.Equal(["10.244.1.2"], A("10-244-1-2.lab.pod.cluster.local", []));
        Assert.Null(A("web.lab.pod.cluster.local", []));
        Assert.Null(A("example.com", []));
    }

    [Fact]
    public void Srv_of_a_ClusterIP_service_points_at_the_service_name_for_each_named_port()
    {
        var svc = Service("front", "10.96.44.1", "lab", new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP" }, new V1ServicePort { Name = "dns", Port = 53, Protocol = "UDP" });
        var http = Ask("_http._tcp.front.lab.svc.cluster.local", DnsType.Srv, [svc]);
        Assert.Equal([new DnsRecord("_http._tcp.front.lab.svc.cluster.local", DnsType.Srv, "0 100 80 front.lab.svc.cluster.local")], http.Records);
        Assert.Equal("0 100 53 front.lab.svc.cluster.local", Assert.Single(Ask("_dns._udp.front.lab.svc.cluster.local", DnsType.Srv, [svc]).Records).Data);
        Assert.True(Ask("_dns._tcp.front.lab.svc.cluster.local", DnsType.Srv, [svc]).NxDomain); // wrong protocol
    }

    [Fact]
    public void Srv_of_a_headless_service_lists_each_ready_endpoint_with_the_endpoint_port()
    {
        var svc = Service("web", "None", "lab", new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP" });
        var answer = Ask("_http._tcp.web.lab.svc.cluster.local", DnsType.Srv, [svc],
            Slice("web", Ep("10.244.1.2", hostname: "web-0"), Ep("10.244.2.3"), Ep("10.244.2.9", ready: false)));
        Assert.Equal(["0 50 8080 web-0.web.lab.svc.cluster.local", "0 50 8080 10-244-2-3.web.lab.svc.cluster.local"], answer.Records.Select(r => r.Data));
    }

    [Fact]
    public void ExternalName_is_a_cname_followed_inside_the_zone_and_nxdomain_outside()
    {
        var services = new[] { External("alias", "front.lab.svc.cluster.local"), Service("front", "10.96.44.1"), External("mail", "mail.example.com") };
        var inside = Ask("alias.lab.svc.cluster.local", DnsType.A, services);
        Assert.Equal([new DnsRecord("alias.lab.svc.cluster.local", DnsType.Cname, "front.lab.svc.cluster.local"),
            new DnsRecord("front.lab.svc.cluster.local", DnsType.A, "10.96.44.1")], inside.Records);
        Assert.Equal(["10.96.44.1"], inside.Addresses);
        var outside = Ask("mail.lab.svc.cluster.local", DnsType.A, services);
        Assert.True(outside.NxDomain); // the simulator has no internet for CoreDNS to forward to
        Assert.Equal(DnsType.Cname, Assert.Single(outside.Records).Type);
    }
}
