using k8s.Models;
using KubeLab.Simulator.Scheduler;

namespace KubeLab.Simulator.Tests;

/// <summary>The pure scheduling decision: filters in kube-scheduler's order, spreading, and the FailedScheduling message shape.</summary>
public class SchedulerDecisionTests
{
    private static V1Node Node(string name, bool controlPlane = false, bool cordoned = false, Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string>(labels ?? []) { ["kubernetes.io/hostname"] = name },
        },
        Spec = new V1NodeSpec
        {
            Unschedulable = cordoned,
            Taints = controlPlane ? [new V1Taint { Key = "node-role.kubernetes.io/control-plane", Effect = "NoSchedule" }] : null,
        },
    };

    private static readonly V1Node[] KindNodes =
        [Node("k8s-course-control-plane", controlPlane: true), Node("k8s-course-worker"), Node("k8s-course-worker2", labels: new() { ["disk"] = "ssd" })];

    private static V1Pod Pod(Dictionary<string, string>? nodeSelector = null, List<V1Toleration>? tolerations = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "default" },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx" }], NodeSelector = nodeSelector, Tolerations = tolerations },
    };

    [Fact]
    public void Plain_pod_never_lands_on_the_tainted_control_plane()
    {
        for (var i = 0; i < 50; i++)
        {
            var result = SchedulingDecision.Decide(Pod(), KindNodes, _ => 0, new Random(i));
            Assert.NotEqual("k8s-course-control-plane", result.NodeName);
            Assert.True(result.Scheduled);
        }
    }

    [Fact]
    public void Toleration_of_the_control_plane_taint_allows_the_control_plane()
    {
        var pod = Pod(tolerations: [new V1Toleration { Key = "node-role.kubernetes.io/control-plane", OperatorProperty = "Exists", Effect = "NoSchedule" }]);
        // Only the control plane is empty, so spreading must pick it.
        var result = SchedulingDecision.Decide(pod, KindNodes, n => n == "k8s-course-control-plane" ? 0 : 5);
        Assert.Equal("k8s-course-control-plane", result.NodeName);
    }

    private static V1Node WithPodCapacity(V1Node node, int pods)
    {
        node.Status = new V1NodeStatus { Allocatable = new Dictionary<string, ResourceQuantity> { ["pods"] = new ResourceQuantity(pods.ToString()) } };
        return node;
    }

    [Fact]
    public void A_full_node_is_filtered_out_with_kube_schedulers_Too_many_pods_reason()
    {
        // kubelet maxPods (110 on kind) becomes status.allocatable.pods; NodeResourcesFit counts the pods already bound.
        var nodes = new[] { Node("k8s-course-control-plane", controlPlane: true), WithPodCapacity(Node("k8s-course-worker"), 110), WithPodCapacity(Node("k8s-course-worker2"), 110) };
        var onlyWorker2HasRoom = SchedulingDecision.Decide(Pod(), nodes, n => n == "k8s-course-worker" ? 110 : 109);
        Assert.Equal("k8s-course-worker2", onlyWorker2HasRoom.NodeName);

        var full = SchedulingDecision.Decide(Pod(), nodes, _ => 110);
        Assert.False(full.Scheduled);
        Assert.StartsWith("0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Too many pods.", full.FailureMessage);
    }

    [Fact]
    public void Spreading_picks_the_node_with_the_fewest_pods()
    {
        var result = SchedulingDecision.Decide(Pod(), KindNodes, n => n == "k8s-course-worker" ? 3 : 1);
        Assert.Equal("k8s-course-worker2", result.NodeName);
    }

    [Fact]
    public void NodeSelector_restricts_the_choice()
    {
        var result = SchedulingDecision.Decide(Pod(new() { ["disk"] = "ssd" }), KindNodes, n => n == "k8s-course-worker2" ? 9 : 0);
        Assert.Equal("k8s-course-worker2", result.NodeName);
    }

    [Fact]
    public void Unmatched_nodeSelector_reports_the_kube_scheduler_message()
    {
        var result = SchedulingDecision.Decide(Pod(new() { ["disk"] = "nvme" }), KindNodes, _ => 0);
        Assert.False(result.Scheduled);
        Assert.Equal(
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, " +
            "2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: " +
            "3 Preemption is not helpful for scheduling.", result.FailureMessage);
    }

    [Fact]
    public void Cordoned_nodes_are_reported_as_unschedulable()
    {
        V1Node[] nodes = [Node("a", cordoned: true), Node("b", controlPlane: true)];
        var result = SchedulingDecision.Decide(Pod(), nodes, _ => 0);
        Assert.Equal("0/2 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, " +
                     "1 node(s) were unschedulable. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
            result.FailureMessage);
    }

    [Fact]
    public void Required_node_affinity_is_honoured()
    {
        var pod = Pod();
        pod.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "disk", OperatorProperty = "In", Values = ["ssd"] }] }],
                },
            },
        };
        Assert.Equal("k8s-course-worker2", SchedulingDecision.Decide(pod, KindNodes, _ => 0).NodeName);
    }
}
