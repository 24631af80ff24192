using k8s.Models;

namespace KubeLab.Tests.Cluster;

/// <summary>Allocatable vs requested per node and the quota's used vs hard, computed from objects (no cluster).</summary>
public class NodeAllocationsTests
{
    private static V1Node Node(string name, string cpu, bool controlPlane = false, bool cordoned = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = controlPlane ? new Dictionary<string, string> { ["node-role.kubernetes.io/control-plane"] = "" } : [] },
        Spec = new V1NodeSpec { Unschedulable = cordoned },
        Status = new V1NodeStatus { Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new("2Gi") } },
    };

    private static V1Pod Pod(string node, string cpu, string phase = "Running", string? initCpu = null) => new()
    {
        Spec = new V1PodSpec
        {
            NodeName = node,
            Containers = [new V1Container { Name = "a", Resources = new() { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new("64Mi") } } }],
            InitContainers = initCpu is null ? null : [new V1Container { Name = "i", Resources = new() { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(initCpu) } } }],
        },
        Status = new V1PodStatus { Phase = phase },
    };

    [Fact]
    public void Requests_of_unfinished_pods_are_summed_per_node_and_the_larger_init_container_counts()
    {
        var a = NodeAllocations.From([Node("cp", "4", controlPlane: true), Node("w1", "4"), Node("w2", "2", cordoned: true)],
            [Pod("w1", "250m"), Pod("w1", "500m", initCpu: "1"), Pod("w1", "2", phase: "Succeeded"), Pod("w2", "100m")]);
        Assert.Equal(1250, a["w1"]!.RequestedMilliCpu);
        Assert.Equal(2750, a["w1"]!.FreeMilliCpu);
        Assert.Equal(2, a["w1"]!.Pods);
        Assert.Equal(128, a["w1"]!.RequestedMemoryMiB);
        Assert.Equal(2048, a["w1"]!.AllocatableMemoryMiB);
        Assert.Equal(["w1"], a.Workers.Select(w => w.Node));
        var plot = a.ToPlot();
        Assert.Equal(2, plot.TraceCount);
        Assert.Contains("w2 (cordoned)", plot.SpecJson);
    }

    [Fact]
    public void A_quota_reports_used_against_hard_per_resource()
    {
        var q = new QuotaStatus(new V1ResourceQuota
        {
            Metadata = new V1ObjectMeta { Name = "compute" },
            Status = new V1ResourceQuotaStatus
            {
                Hard = new Dictionary<string, ResourceQuantity> { ["requests.cpu"] = new("500m"), ["pods"] = new("4") },
                Used = new Dictionary<string, ResourceQuantity> { ["requests.cpu"] = new("400m") },
            },
        });
        Assert.Equal(["pods", "requests.cpu"], q.Lines.Select(l => l.Resource));
        Assert.Equal(80, q["requests.cpu"]!.Percent, 3);
        Assert.Equal("0", q["pods"]!.Used);
        Assert.Equal("compute: pods: 0/4, requests.cpu: 400m/500m", q.ToString());
        Assert.Equal(2, q.ToPlot().TraceCount);
    }
}
