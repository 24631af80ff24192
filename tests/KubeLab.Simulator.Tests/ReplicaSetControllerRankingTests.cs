using k8s.Models;
using KubeLab.Simulator.Controllers.ReplicaSet;

namespace KubeLab.Simulator.Tests;

/// <summary>Which pods a ReplicaSet deletes first when scaling down (controller_utils.go ActivePodsWithRanks).</summary>
public class ReplicaSetControllerRankingTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static V1Pod Pod(string name, string? node = "w1", string phase = "Running", bool ready = true, int restarts = 0,
        int createdMinute = 0, int readyMinute = 0, string? cost = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, CreationTimestamp = T0.AddMinutes(createdMinute),
            Annotations = cost is null ? null : new Dictionary<string, string> { [PodDeletionRanking.DeletionCostAnnotation] = cost },
        },
        Spec = new V1PodSpec { NodeName = node },
        Status = new V1PodStatus
        {
            Phase = phase,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = T0.AddMinutes(readyMinute) }],
            ContainerStatuses = [new V1ContainerStatus { Name = "c", RestartCount = restarts }],
        },
    };

    private static string First(params V1Pod[] pods) => PodDeletionRanking.DeletionOrder(pods)[0].Metadata.Name;

    [Fact] public void Unassigned_before_assigned() => Assert.Equal("u", First(Pod("a"), Pod("u", node: null, phase: "Pending", ready: false)));
    [Fact] public void Pending_before_running() => Assert.Equal("p", First(Pod("r"), Pod("p", phase: "Pending", ready: false)));
    [Fact] public void Not_ready_before_ready() => Assert.Equal("n", First(Pod("r"), Pod("n", ready: false)));
    [Fact] public void Lower_deletion_cost_first() => Assert.Equal("cheap", First(Pod("a", cost: "10"), Pod("cheap", cost: "-5")));
    [Fact]
    public void Doubled_up_node_first()
    {
        // "lonely" is the newest, so only the rank (two siblings on w1) can put an older w1 pod first.
        var order = PodDeletionRanking.DeletionOrder([Pod("lonely", node: "w2", createdMinute: 9), Pod("b", node: "w1"), Pod("c", node: "w1")]);
        Assert.Equal("w1", order[0].Spec.NodeName);
        Assert.Equal("lonely", order[2].Metadata.Name);
    }
    [Fact] public void Ready_more_recently_first() => Assert.Equal("fresh", First(Pod("old", readyMinute: 1), Pod("fresh", readyMinute: 9)));
    [Fact] public void More_restarts_first() => Assert.Equal("crashy", First(Pod("calm"), Pod("crashy", restarts: 4)));
    [Fact] public void Newer_first() => Assert.Equal("new", First(Pod("old", createdMinute: 1), Pod("new", createdMinute: 5)));
}
