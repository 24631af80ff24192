using k8s.Models;
using KubeLab.Simulator.Api;
using KubeLab.Simulator.Controllers.ReplicaSet;

namespace KubeLab.Simulator.Tests.Controllers.ReplicaSet;

/// <summary>
/// One sync's pass over the pod rows (replica_set_utils.go calculateStatus, ControllerRefManager.ClaimPods) through the struct
/// visitors the informer calls. The index keeps rows in no particular order (a removal moves the last row into the gap), so the
/// results must not depend on it.
/// </summary>
public class ClaimTallyTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private static ReplicaPodRow Row(string name, Dictionary<string, string> labels, bool ready = true, double readySecondsAgo = 60,
        string phase = "Running", bool deleting = false) => ReplicaPodRow.Of(new V1Pod
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels, DeletionTimestamp = deleting ? Now : null },
        Status = new V1PodStatus
        {
            Phase = phase,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = Now.AddSeconds(-readySecondsAgo) }],
        },
    });

    private static Dictionary<string, string> Full => new() { ["app"] = "web", ["tier"] = "front" };
    private static Dictionary<string, string> Partial => new() { ["app"] = "web" };
    private static Dictionary<string, string> Other => new() { ["app"] = "db" };

    // Label sets interleaved, so a per-sync match cache that answered for the wrong set would miscount in some order.
    private static readonly ReplicaPodRow[] Owned =
    [
        Row("full-available", Full), Row("partial-available", Partial), Row("full-fresh", Full, readySecondsAgo: 5),
        Row("full-unready", Full, ready: false), Row("relabeled", Other), Row("partial-unready", Partial, ready: false),
        Row("deleting", Full, deleting: true), Row("failed", Full, phase: "Failed"), Row("relabeled-unready", Other, ready: false),
    ];

    private static readonly ReplicaPodRow[] Orphans =
    [
        Row("orphan-full", Full), Row("orphan-other", Other), Row("orphan-partial", Partial, ready: false), Row("orphan-succeeded", Full, phase: "Succeeded"),
    ];

    private static (int, int, int, int, string, string) Tally(IEnumerable<ReplicaPodRow> owned, IEnumerable<ReplicaPodRow> orphans)
    {
        var selector = LabelSelector.FromV1(new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } });
        var tally = new ClaimTally(new LabelSetMatches(selector, Full), minReadySeconds: 30, Now);
        var ownedRows = new ClaimTally.OwnedRows(tally);
        foreach (var row in owned) ownedRows.Visit(row);
        var orphanRows = new ClaimTally.OrphanRows(tally);
        foreach (var row in orphans) orphanRows.Visit(row);
        return (tally.Claimed, tally.FullyLabeled, tally.Ready, tally.Available,
            string.Join(",", tally.ToRelease.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal)),
            string.Join(",", tally.ToAdopt.Select(r => r.Pod.Metadata.Name).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void Counts_claimed_pods_and_finds_those_to_release_and_adopt()
        => Assert.Equal((5, 3, 3, 2, "relabeled,relabeled-unready", "orphan-full,orphan-partial"), Tally(Owned, Orphans));

    [Fact]
    public void The_result_does_not_depend_on_the_order_of_the_rows()
    {
        var expected = Tally(Owned, Orphans);
        Assert.Equal(expected, Tally(Owned.Reverse(), Orphans.Reverse()));
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            Assert.Equal(expected, Tally(Owned.OrderBy(_ => random.Next()).ToArray(), Orphans.OrderBy(_ => random.Next()).ToArray()));
        }
    }
}
