using k8s.Models;
using KubeLab.Simulator.Controllers.EndpointSlice;

namespace KubeLab.Simulator.Tests.Controllers.EndpointSlice;

/// <summary>The EndpointSlice reconciler's rules (k8s.io/endpointslice reconciler.go, utils.go podToEndpoint) on plain objects.</summary>
public class EndpointSlicePlannerTests
{
    internal static V1Service Service(string name = "web", bool publishNotReady = false, string clusterIp = "10.96.0.50", params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "lab", Uid = "svc-uid", Labels = new Dictionary<string, string> { ["team"] = "a" } },
        Spec = new V1ServiceSpec
        {
            ClusterIP = clusterIp, Selector = new Dictionary<string, string> { ["app"] = "web" }, PublishNotReadyAddresses = publishNotReady,
            Ports = ports.Length > 0 ? ports : [new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080, Protocol = "TCP" }],
        },
    };

    internal static V1Pod Pod(string name, string ip, bool ready = true, bool terminating = false, string phase = "Running",
        string restartPolicy = "Always", int? httpPort = null, string? hostname = null, string? subdomain = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = "lab", Uid = "uid-" + name, Labels = new Dictionary<string, string> { ["app"] = "web" },
            DeletionTimestamp = terminating ? DateTime.UtcNow : null,
        },
        Spec = new V1PodSpec
        {
            NodeName = "k8s-course-worker", RestartPolicy = restartPolicy, Hostname = hostname, Subdomain = subdomain,
            Containers = [new V1Container { Name = "c", Image = "nginx", Ports = httpPort is { } p ? [new V1ContainerPort { Name = "http", ContainerPort = p }] : null }],
        },
        Status = new V1PodStatus
        {
            Phase = phase, PodIP = ip,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };

    private static EndpointSlicePlan Plan(V1Service svc, IEnumerable<V1Pod> pods, int max = 100, params V1EndpointSlice[] existing) =>
        EndpointSlicePlanner.Plan(svc, pods, existing, max, null);

    private static V1Endpoint Only(EndpointSlicePlan plan) => Assert.Single(Assert.Single(plan.Create).Endpoints);

    [Fact]
    public void A_ready_pod_becomes_a_ready_serving_endpoint_with_its_node_and_target()
    {
        var slice = Assert.Single(Plan(Service(), [Pod("a", "10.244.1.2")]).Create);
        Assert.Equal("web-", slice.Metadata.GenerateName);
        Assert.Equal("IPv4", slice.AddressType);
        Assert.Equal("web", slice.Metadata.Labels["kubernetes.io/service-name"]);
        Assert.Equal("endpointslice-controller.k8s.io", slice.Metadata.Labels["endpointslice.kubernetes.io/managed-by"]);
        Assert.Equal("a", slice.Metadata.Labels["team"]); // the Service's own labels are copied
        var owner = Assert.Single(slice.Metadata.OwnerReferences);
        Assert.Equal(("Service", "web", "svc-uid", true, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        var port = Assert.Single(slice.Ports);
        Assert.Equal(("http", 8080, "TCP"), (port.Name, port.Port, port.Protocol));
        var ep = Assert.Single(slice.Endpoints);
        Assert.Equal(["10.244.1.2"], ep.Addresses);
        Assert.Equal((true, true, false), (ep.Conditions.Ready, ep.Conditions.Serving, ep.Conditions.Terminating));
        Assert.Equal(("k8s-course-worker", "Pod", "a", "uid-a"), (ep.NodeName, ep.TargetRef.Kind, ep.TargetRef.Name, ep.TargetRef.Uid));
    }

    [Fact]
    public void A_not_ready_pod_is_listed_not_ready_and_not_serving()
    {
        var ep = Only(Plan(Service(), [Pod("a", "10.244.1.2", ready: false)]));
        Assert.Equal((false, false, false), (ep.Conditions.Ready, ep.Conditions.Serving, ep.Conditions.Terminating));
    }

    [Fact]
    public void A_terminating_pod_stays_listed_with_terminating_true_and_ready_false()
    {
        var ep = Only(Plan(Service(), [Pod("a", "10.244.1.2", terminating: true)]));
        Assert.Equal((false, true, true), (ep.Conditions.Ready, ep.Conditions.Serving, ep.Conditions.Terminating));
    }

    [Fact]
    public void PublishNotReadyAddresses_makes_every_endpoint_ready()
    {
        var plan = Plan(Service(publishNotReady: true), [Pod("a", "10.244.1.2", ready: false), Pod("b", "10.244.1.3", terminating: true)]);
        Assert.All(Assert.Single(plan.Create).Endpoints, ep => Assert.True(ep.Conditions.Ready));
    }

    [Fact]
    public void Pods_without_ip_or_finished_under_their_restart_policy_are_left_out()
    {
        var plan = Plan(Service(), [
            Pod("noip", ""), Pod("done", "10.244.1.3", phase: "Succeeded", restartPolicy: "Never"),
            Pod("failed", "10.244.1.4", phase: "Failed", restartPolicy: "OnFailure"), Pod("ok", "10.244.1.5"),
        ]);
        // ShouldPodBeInEndpoints: a Failed pod with restartPolicy OnFailure may still restart, so it stays.
        Assert.Equal(["failed", "ok"], Assert.Single(plan.Create).Endpoints.Select(e => e.TargetRef.Name).Order());
    }

    [Fact]
    public void Endpoints_are_split_at_max_endpoints_per_slice()
    {
        var pods = Enumerable.Range(0, 250).Select(i => Pod($"p{i:D3}", $"10.244.{i / 200}.{i % 200 + 2}")).ToList();
        var plan = Plan(Service(), pods);
        Assert.Equal([100, 100, 50], plan.Create.Select(s => s.Endpoints.Count));
        Assert.Equal([10, 10, 10, 10, 10], Plan(Service(), pods.Take(50), max: 10).Create.Select(s => s.Endpoints.Count));
    }

    [Fact]
    public void A_named_target_port_resolving_to_different_numbers_puts_pods_in_different_slices()
    {
        var svc = Service(ports: new V1ServicePort { Name = "web", Port = 80, TargetPort = "http", Protocol = "TCP" });
        var plan = Plan(svc, [Pod("a", "10.244.1.2", httpPort: 8080), Pod("b", "10.244.1.3", httpPort: 9090), Pod("c", "10.244.1.4", httpPort: 8080), Pod("none", "10.244.1.5")]);
        var byPort = plan.Create.ToDictionary(s => s.Ports.Count == 0 ? 0 : s.Ports[0].Port!.Value, s => s.Endpoints.Select(e => e.TargetRef.Name).Order().ToList());
        Assert.Equal(["a", "c"], byPort[8080]);
        Assert.Equal(["b"], byPort[9090]);
        // FindPort fails for a pod without the named port: the port is skipped, the endpoint stays (in a slice without ports).
        Assert.Equal(["none"], byPort[0]);
    }

    [Fact]
    public void Hostname_is_set_only_when_the_pods_subdomain_is_the_service()
    {
        var plan = Plan(Service(clusterIp: "None"), [Pod("a", "10.244.1.2", hostname: "a", subdomain: "web"), Pod("b", "10.244.1.3", hostname: "b", subdomain: "other")]);
        var slice = Assert.Single(plan.Create);
        Assert.Equal("", slice.Metadata.Labels["service.kubernetes.io/headless"]);
        Assert.Equal(["a", null], slice.Endpoints.OrderBy(e => e.TargetRef.Name).Select(e => e.Hostname));
    }

    [Fact]
    public void Without_endpoints_one_placeholder_slice_exists_and_is_kept()
    {
        var placeholder = Assert.Single(Plan(Service(), []).Create);
        Assert.Empty(placeholder.Endpoints);
        Assert.Empty(placeholder.Ports);
        placeholder.Metadata.Name = "web-abcde";
        Assert.True(Plan(Service(), [], 100, placeholder).IsEmpty);
    }

    [Fact]
    public void An_unchanged_slice_is_not_rewritten_and_a_removed_pod_updates_only_its_slice()
    {
        var pods = Enumerable.Range(0, 4).Select(i => Pod($"p{i}", $"10.244.1.{i + 2}")).ToList();
        var slices = Plan(Service(), pods, max: 2).Create.Select((s, i) => { s.Metadata.Name = $"web-{i}"; return s; }).ToArray();
        Assert.True(Plan(Service(), pods, 2, slices).IsEmpty);
        var after = Plan(Service(), pods.Where(p => p.Metadata.Name != "p0"), 2, slices);
        var updated = Assert.Single(after.Update);
        Assert.Equal("web-0", updated.Metadata.Name);
        Assert.Equal(["p1"], updated.Endpoints.Select(e => e.TargetRef.Name));
        Assert.Empty(after.Create);
        Assert.Empty(after.Delete);
        // A pod turning not ready rewrites its endpoint's conditions in place.
        pods[3].Status.Conditions[0].Status = "False";
        var notReady = Assert.Single(Plan(Service(), pods, 2, slices).Update);
        Assert.False(notReady.Endpoints.Single(e => e.TargetRef.Name == "p3").Conditions.Ready);
    }
}
