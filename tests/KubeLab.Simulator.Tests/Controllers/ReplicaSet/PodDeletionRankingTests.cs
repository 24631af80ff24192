using k8s.Models;
using KubeLab.Simulator.Api;
using KubeLab.Simulator.Controllers.ReplicaSet;

namespace KubeLab.Simulator.Tests.Controllers.ReplicaSet;

/// <summary>
/// Which pods a ReplicaSet deletes first (Kubernetes 1.32 pkg/controller/controller_utils.go ActivePodsWithRanks.Less,
/// pkg/controller/replicaset/replica_set.go getPodsToDelete). Each test sets the later rules against the one under test,
/// so it fails if that rule is removed or moved down.
/// </summary>
public class PodDeletionRankingTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private static V1Pod Pod(string name, string? node = "w1", string phase = "Running", bool ready = true, int[]? restarts = null,
        double createdSecondsAgo = 3600, double readySecondsAgo = 3000, string? cost = null, string? uid = null, int sidecarRestarts = 0) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, Uid = uid ?? name, CreationTimestamp = Now.AddSeconds(-createdSecondsAgo),
            Annotations = cost is null ? null : new Dictionary<string, string> { [PodDeletionRanking.DeletionCostAnnotation] = cost },
        },
        Spec = new V1PodSpec
        {
            NodeName = node,
            InitContainers = [new V1Container { Name = "proxy", RestartPolicy = "Always" }, new V1Container { Name = "setup" }],
        },
        Status = new V1PodStatus
        {
            Phase = phase,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = Now.AddSeconds(-readySecondsAgo) }],
            ContainerStatuses = (restarts ?? [0]).Select((r, i) => new V1ContainerStatus { Name = $"c{i}", RestartCount = r }).ToList(),
            InitContainerStatuses = [new V1ContainerStatus { Name = "proxy", RestartCount = sidecarRestarts }, new V1ContainerStatus { Name = "setup", RestartCount = 0 }],
        },
    };

    /// <summary>Names in deletion order; <paramref name="related"/> defaults to none (a ReplicaSet without a Deployment).</summary>
    private static string[] Order(V1Pod[] pods, V1Pod[]? related = null) =>
        PodDeletionRanking.DeletionOrder(pods, related ?? [], Now).Select(p => p.Metadata.Name).ToArray();

    [Fact]
    public void Rule1_unassigned_before_assigned()
        // u would lose every later rule: Running, ready, expensive, old.
        => Assert.Equal(["u", "a"], Order([Pod("a", phase: "Pending", ready: false, cost: "-5", createdSecondsAgo: 5), Pod("u", node: null, cost: "100")]));

    [Fact]
    public void Rule2_Pending_before_Unknown_before_Running()
        // Not ready alike; creation time alone would put them the other way round.
        => Assert.Equal(["p", "u", "r"], Order([
            Pod("r", ready: false, createdSecondsAgo: 10), Pod("u", phase: "Unknown", ready: false, createdSecondsAgo: 1000),
            Pod("p", phase: "Pending", ready: false, createdSecondsAgo: 100000)]));

    [Fact]
    public void Rule3_not_ready_before_ready()
        => Assert.Equal(["n", "r"], Order([Pod("r", cost: "-5", createdSecondsAgo: 5), Pod("n", ready: false, cost: "100")]));

    [Fact]
    public void Rule4_lower_deletion_cost_first_even_against_colocation()
    {
        // "cheap" is alone on w2; the other two share w1 (rank 2 beats rank 1) – the cost still decides first.
        V1Pod cheap = Pod("cheap", node: "w2", cost: "-5", createdSecondsAgo: 100000), a = Pod("a", cost: "10", createdSecondsAgo: 10), b = Pod("b", cost: "10");
        Assert.Equal("cheap", Order([a, b, cheap], [a, b, cheap])[0]);
    }

    [Theory]
    [InlineData("+5")]        // a plus sign is refused
    [InlineData("007")]       // so are leading zeros
    [InlineData("2147483648")] // one past int32
    [InlineData("1.5")]
    [InlineData("abc")]
    [InlineData("")]
    public void Rule4_an_invalid_cost_counts_as_zero(string invalid)
        => Assert.Equal(["neg", "bad", "pos"], Order([Pod("pos", cost: "1", createdSecondsAgo: 5), Pod("bad", cost: invalid, createdSecondsAgo: 50), Pod("neg", cost: "-1")]));

    [Theory]
    [InlineData("0", 0)]
    [InlineData("-0", 0)]
    [InlineData("-2147483648", int.MinValue)]
    [InlineData("2147483647", int.MaxValue)]
    [InlineData("42", 42)]
    public void Valid_costs_parse_as_int32(string value, int expected)
    {
        Assert.True(PodDeletionRanking.TryParseDeletionCost(value, out var cost));
        Assert.Equal(expected, cost);
    }

    [Fact]
    public void Rule5_more_related_pods_on_the_node_first()
    {
        // "crowded" is the oldest and has been ready longest, so only the rank can put it first.
        V1Pod crowded = Pod("crowded", node: "w1", createdSecondsAgo: 100000, readySecondsAgo: 90000), lonely = Pod("lonely", node: "w2", createdSecondsAgo: 5, readySecondsAgo: 5);
        var otherRevision = Pod("other-rs", node: "w1");
        Assert.Equal(["crowded", "lonely"], Order([lonely, crowded], [lonely, crowded, otherRevision]));
    }

    [Fact]
    public void Rule5_counts_related_pods_of_other_ReplicaSets_but_not_finished_ones()
    {
        V1Pod a = Pod("a", node: "w1", createdSecondsAgo: 5, readySecondsAgo: 5), b = Pod("b", node: "w2", createdSecondsAgo: 100000, readySecondsAgo: 90000);
        // Without related pods both ranks are 0 and the newer "a" goes first.
        Assert.Equal(["a", "b"], Order([a, b]));
        // Two pods of a sibling ReplicaSet on w2 make b's rank 3 against a's 1.
        Assert.Equal(["b", "a"], Order([a, b], [a, b, Pod("s1", node: "w2"), Pod("s2", node: "w2")]));
        // A Succeeded pod is not active and does not count (a's rank stays 1).
        var succeeded = Pod("done", node: "w1", phase: "Succeeded");
        var withFinished = PodDeletionRanking.ColocationRanks([a, b], [a, b, Pod("s1", node: "w2"), succeeded]);
        Assert.Equal([1, 2], withFinished);
    }

    [Fact]
    public void Rule6_ready_more_recently_first_by_log2_bucket()
    {
        // 10 s ago (bucket 33) against 100 s ago (bucket 36); the fresh pod is older and restarted less.
        var order = Order([Pod("old-ready", readySecondsAgo: 100, restarts: [5], createdSecondsAgo: 100), Pod("fresh", readySecondsAgo: 10, createdSecondsAgo: 1000)]);
        Assert.Equal(["fresh", "old-ready"], order);
    }

    [Fact]
    public void Rule6_same_bucket_is_decided_by_uid_not_by_later_rules()
    {
        // 40 s and 50 s ago share bucket 35 (2^35 ns ≈ 34 s .. 69 s). The smaller UID wins although it became ready earlier,
        // restarted less and is older – a plain time comparison or the restart rule would both pick "b".
        Assert.Equal(PodDeletionRanking.LogarithmicRank(Now.AddSeconds(-40), Now), PodDeletionRanking.LogarithmicRank(Now.AddSeconds(-50), Now));
        var order = Order([Pod("b", uid: "bbbb", readySecondsAgo: 40, restarts: [3], createdSecondsAgo: 40), Pod("a", uid: "aaaa", readySecondsAgo: 50, createdSecondsAgo: 5000)]);
        Assert.Equal(["a", "b"], order);
    }

    [Fact]
    public void Rule6_applies_only_when_both_are_ready()
    {
        // Both not ready: the ready-time difference is ignored and the restart count decides.
        var order = Order([Pod("fresh", ready: false, readySecondsAgo: 1), Pod("crashy", ready: false, readySecondsAgo: 100000, restarts: [2])]);
        Assert.Equal(["crashy", "fresh"], order);
    }

    [Fact]
    public void Rule7_higher_max_container_restarts_first()
        // The maximum over containers, not the sum: [2,0] (max 2) beats [1,1,1] (max 1, sum 3); creation alone would pick "calm".
        => Assert.Equal(["max2", "sum3", "calm"], Order([Pod("calm", createdSecondsAgo: 1), Pod("sum3", restarts: [1, 1, 1], createdSecondsAgo: 10), Pod("max2", restarts: [2, 0], createdSecondsAgo: 100000)]));

    [Fact]
    public void Rule7_sidecar_restarts_break_a_tie()
        => Assert.Equal(["sidecar", "plain"], Order([Pod("plain", restarts: [1], createdSecondsAgo: 1), Pod("sidecar", restarts: [1], sidecarRestarts: 3, createdSecondsAgo: 100000)]));

    [Fact]
    public void Rule8_newer_first_by_log2_bucket()
        // 10 s against 1000 s; the UIDs point the other way so only the creation buckets can decide.
        => Assert.Equal(["new", "old"], Order([Pod("old", uid: "a", createdSecondsAgo: 1000), Pod("new", uid: "z", createdSecondsAgo: 10)]));

    [Fact]
    public void Rule8_same_creation_bucket_is_decided_by_uid()
        => Assert.Equal(["older", "newer"], Order([Pod("newer", uid: "zz", createdSecondsAgo: 40), Pod("older", uid: "aa", createdSecondsAgo: 50)]));

    [Fact]
    public void A_missing_timestamp_counts_as_newest()
    {
        var noTime = Pod("no-time", createdSecondsAgo: 1, uid: "z");
        noTime.Metadata.CreationTimestamp = null;
        Assert.Equal(["no-time", "dated"], Order([Pod("dated", createdSecondsAgo: 1, uid: "a"), noTime]));
    }

    [Fact]
    public void PodsToDelete_takes_the_first_n_and_skips_sorting_when_all_go()
    {
        V1Pod keep = Pod("keep", cost: "9"), go = Pod("go", cost: "-9");
        Assert.Equal(["go"], PodDeletionRanking.PodsToDelete([keep, go], [], 1, Now).Select(p => p.Metadata.Name));
        Assert.Equal(["keep", "go"], PodDeletionRanking.PodsToDelete([keep, go], [], 2, Now).Select(p => p.Metadata.Name));
    }

    [Fact]
    public void ActivePods_order_for_Jobs_ignores_cost_and_buckets()
        // controller.ActivePods: no deletion cost; plain ready times (40 s vs 50 s ago: more recent first, no UID tie-break).
        => Assert.Equal(["b", "a"], PodDeletionRanking.ActivePodsOrder([Pod("a", uid: "a", cost: "-100", readySecondsAgo: 50), Pod("b", uid: "b", readySecondsAgo: 40)])
            .Select(p => p.Metadata.Name));

    [Fact]
    public void Related_pods_are_those_of_every_owner_with_the_same_controller()
    {
        static V1ObjectMeta Rs(string name, string? deploymentUid) => new()
        {
            Name = name, Uid = name,
            OwnerReferences = deploymentUid is null ? null : [new V1OwnerReference { Uid = deploymentUid, Controller = true, Kind = "Deployment", Name = "d", ApiVersion = "apps/v1" }],
        };
        static LabelSelector Sel(string hash) => LabelSelector.FromV1(new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["h"] = hash } });
        static V1Pod Labelled(string name, string hash) => new() { Metadata = new V1ObjectMeta { Name = name, Uid = name, Labels = new Dictionary<string, string> { ["h"] = hash } } };
        V1ObjectMeta rs1 = Rs("rs1", "dep"), rs2 = Rs("rs2", "dep"), foreign = Rs("foreign", "other"), standalone = Rs("standalone", null);
        var owners = new[] { (rs1, Sel("1")), (rs2, Sel("2")), (foreign, Sel("3")), (standalone, Sel("4")) };
        var pods = new[] { Labelled("p1", "1"), Labelled("p2", "2"), Labelled("p3", "3"), Labelled("p4", "4") };

        Assert.Equal(["p1", "p2"], IndirectlyRelatedPods.Of(rs1, owners, pods).Select(p => p.Metadata.Name));
        Assert.Empty(IndirectlyRelatedPods.Of(standalone, owners, pods));
    }
}
