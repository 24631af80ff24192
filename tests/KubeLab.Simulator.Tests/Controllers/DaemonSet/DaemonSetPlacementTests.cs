using k8s.Models;
using KubeLab.Simulator.Controllers.DaemonSet;

namespace KubeLab.Simulator.Tests.Controllers.DaemonSet;

/// <summary>NodeShouldRunDaemonPod (pkg/controller/daemon/daemon_controller.go 1.32): shouldRun vs shouldContinueRunning.</summary>
public class DaemonSetPlacementTests
{
    private static V1Node Node(Dictionary<string, string>? labels = null, params (string Key, string Effect)[] taints) => new()
    {
        Metadata = new V1ObjectMeta { Name = "worker", Labels = labels ?? new() { ["kubernetes.io/hostname"] = "worker" } },
        Spec = new V1NodeSpec { Taints = taints.Select(t => new V1Taint { Key = t.Key, Effect = t.Effect }).ToList() },
    };

    private static V1PodSpec Template(Action<V1PodSpec>? change = null)
    {
        var spec = new V1PodSpec { Containers = [new V1Container { Name = "agent", Image = "busybox:1.36" }] };
        change?.Invoke(spec);
        return spec;
    }

    [Fact]
    public void An_untainted_matching_node_runs_the_pod()
    {
        Assert.Equal((true, true), DaemonSetPlacement.Evaluate(Template(), Node()));
    }

    [Fact]
    public void NoSchedule_stops_new_pods_but_keeps_a_running_one()
    {
        Assert.Equal((false, true), DaemonSetPlacement.Evaluate(Template(), Node(null, ("example.com/maintenance", "NoSchedule"))));
        Assert.Equal((true, true), DaemonSetPlacement.Evaluate(Template(), Node(null, ("example.com/slow", "PreferNoSchedule"))));
    }

    [Fact]
    public void An_untolerated_NoExecute_taint_removes_the_pod_a_tolerated_one_does_not()
    {
        Assert.Equal((false, false), DaemonSetPlacement.Evaluate(Template(), Node(null, ("example.com/evict", "NoExecute"))));
        Assert.Equal((false, false), DaemonSetPlacement.Evaluate(Template(), Node(null, ("a", "NoSchedule"), ("b", "NoExecute"))));
        var tolerant = Template(s => s.Tolerations = [new V1Toleration { Key = "example.com/evict", OperatorProperty = "Exists", Effect = "NoExecute" }]);
        Assert.Equal((true, true), DaemonSetPlacement.Evaluate(tolerant, Node(null, ("example.com/evict", "NoExecute"))));
    }

    [Fact]
    public void A_nodeSelector_that_stops_matching_removes_the_pod_even_without_taints()
    {
        var selective = Template(s => s.NodeSelector = new Dictionary<string, string> { ["logging"] = "on" });
        Assert.Equal((false, false), DaemonSetPlacement.Evaluate(selective, Node()));
        Assert.Equal((true, true), DaemonSetPlacement.Evaluate(selective, Node(new() { ["logging"] = "on" })));
    }

    [Theory]
    [InlineData("node.kubernetes.io/not-ready", "NoExecute")]
    [InlineData("node.kubernetes.io/unreachable", "NoExecute")]
    [InlineData("node.kubernetes.io/disk-pressure", "NoSchedule")]
    [InlineData("node.kubernetes.io/memory-pressure", "NoSchedule")]
    [InlineData("node.kubernetes.io/pid-pressure", "NoSchedule")]
    [InlineData("node.kubernetes.io/unschedulable", "NoSchedule")]
    public void The_controllers_default_tolerations_cover_node_trouble(string key, string effect)
    {
        Assert.Equal((true, true), DaemonSetPlacement.Evaluate(Template(), Node(null, (key, effect))));
        var spec = DaemonSetPlacement.SpecFor(Template(), "worker");
        Assert.Contains(spec.Tolerations, t => t.Key == key && t.Effect == effect && t.OperatorProperty == "Exists");
    }

    [Fact]
    public void Network_unavailable_is_tolerated_only_by_hostNetwork_pods()
    {
        var taint = ("node.kubernetes.io/network-unavailable", "NoSchedule");
        Assert.Equal((false, true), DaemonSetPlacement.Evaluate(Template(), Node(null, taint)));
        Assert.Equal((true, true), DaemonSetPlacement.Evaluate(Template(s => s.HostNetwork = true), Node(null, taint)));
    }
}
