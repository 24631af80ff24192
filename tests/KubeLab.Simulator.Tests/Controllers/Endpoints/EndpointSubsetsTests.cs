using k8s.Models;
using KubeLab.Simulator.Controllers.Endpoints;
using static KubeLab.Simulator.Tests.Controllers.EndpointSlice.EndpointSlicePlannerTests;

namespace KubeLab.Simulator.Tests.Controllers.Endpoints;

/// <summary>The legacy Endpoints content (pkg/controller/endpoint/endpoints_controller.go) on plain objects.</summary>
public class EndpointSubsetsTests
{
    [Fact]
    public void Ready_and_not_ready_pods_split_and_terminating_pods_are_omitted()
    {
        var (subsets, truncated) = EndpointSubsets.Compute(Service(), [Pod("b", "10.244.1.3", ready: false), Pod("a", "10.244.1.2"), Pod("t", "10.244.1.9", terminating: true)]);
        Assert.False(truncated);
        var subset = Assert.Single(subsets);
        var address = Assert.Single(subset.Addresses);
        Assert.Equal(("10.244.1.2", "k8s-course-worker", "a"), (address.Ip, address.NodeName, address.TargetRef.Name));
        Assert.Equal(["10.244.1.3"], subset.NotReadyAddresses.Select(a => a.Ip));
        Assert.Equal(("http", 8080, "TCP"), (subset.Ports[0].Name, subset.Ports[0].Port, subset.Ports[0].Protocol));
    }

    [Fact]
    public void PublishNotReadyAddresses_lists_every_pod_as_ready_even_terminating_ones()
    {
        var (subsets, _) = EndpointSubsets.Compute(Service(publishNotReady: true), [Pod("b", "10.244.1.3", ready: false), Pod("t", "10.244.1.9", terminating: true)]);
        Assert.Equal(["10.244.1.3", "10.244.1.9"], Assert.Single(subsets).Addresses.Select(a => a.Ip));
    }

    [Fact]
    public void Addresses_are_capped_at_1000_and_marked_truncated()
    {
        var pods = Enumerable.Range(0, 1200).Select(i => Pod($"p{i}", $"10.244.{i / 250}.{i % 250 + 2}", ready: i < 900)).ToList();
        var (subsets, truncated) = EndpointSubsets.Compute(Service(), pods);
        Assert.True(truncated);
        var subset = Assert.Single(subsets);
        Assert.Equal(900, subset.Addresses.Count); // ready ones are kept, not-ready ones are cut first
        Assert.Equal(100, subset.NotReadyAddresses.Count);
        Assert.False(EndpointSubsets.Compute(Service(), pods.Take(1000)).Truncated);
    }

    [Fact]
    public void Headless_service_without_ports_lists_addresses_without_ports_with_hostnames()
    {
        var svc = Service(clusterIp: "None");
        svc.Spec.Ports = null;
        var subset = Assert.Single(EndpointSubsets.Compute(svc, [Pod("a", "10.244.1.2", hostname: "a", subdomain: "web")]).Subsets);
        Assert.Null(subset.Ports);
        Assert.Equal("a", Assert.Single(subset.Addresses).Hostname);
    }
}
