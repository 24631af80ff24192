using k8s.Models;
using KubeLab.Simulator.Scheduler;

namespace KubeLab.Simulator.Tests.Scheduler;

/// <summary>NodeResourcesFit's cpu/memory check and the FailedScheduling text kube-scheduler 1.32 prints for it.</summary>
public class NodeResourcesFitTests
{
    private static V1Node Node(string name, string cpu, bool controlPlane = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } },
        Spec = new V1NodeSpec { Taints = controlPlane ? [new V1Taint { Key = "node-role.kubernetes.io/control-plane", Effect = "NoSchedule" }] : null },
        Status = new V1NodeStatus { Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new("8Gi"), ["pods"] = new("110") } },
    };

    private static V1Pod Requesting(string cpu, string? initCpu = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "default" },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = "c", Image = "nginx", Resources = new() { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu) } } }],
            InitContainers = initCpu is null ? null :
                [new V1Container { Name = "i", Image = "busybox", Resources = new() { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(initCpu) } } }],
        },
    };

    private static readonly V1Node[] Nodes = [Node("cp", "4", controlPlane: true), Node("w1", "4"), Node("w2", "4")];

    [Fact]
    public void A_pod_requesting_more_than_any_worker_has_left_reports_Insufficient_cpu()
    {
        var result = SchedulingDecision.Decide(Requesting("3"), Nodes, _ => 0, requestedOnNode: _ => new ResourceRequest(1.5m, 0));
        Assert.False(result.Scheduled);
        Assert.Equal("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. " +
            "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.", result.FailureMessage);
    }

    [Fact]
    public void The_pod_lands_where_its_request_still_fits()
    {
        var result = SchedulingDecision.Decide(Requesting("3"), Nodes, _ => 0, requestedOnNode: n => new ResourceRequest(n == "w1" ? 2 : 1, 0));
        Assert.Equal("w2", result.NodeName);
    }

    [Fact]
    public void The_largest_init_container_counts_when_it_exceeds_the_app_containers()
    {
        Assert.Equal(2m, NodeResourcesFit.Requests(Requesting("500m", initCpu: "2")).Cpu);
        Assert.Equal(0.5m, NodeResourcesFit.Requests(Requesting("500m", initCpu: "100m")).Cpu);
    }
}
