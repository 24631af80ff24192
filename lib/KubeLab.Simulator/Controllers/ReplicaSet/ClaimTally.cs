using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.ReplicaSet;

/// <summary>
/// One sync's pass over the pod rows: the claimed pods counted as replica_set_utils.go calculateStatus counts them (replicas,
/// fullyLabeled, ready, available), and the pods ClaimPods must release or adopt. Counting during the pass (instead of
/// gathering the claimed pods first) keeps a sync of a large set free of per-sync lists.
/// </summary>
internal sealed class ClaimTally(LabelSetMatches labelSets, int minReadySeconds, DateTime now)
{
    public int Claimed { get; private set; }
    public int FullyLabeled { get; private set; }
    public int Ready { get; private set; }
    public int Available { get; private set; }

    /// <summary>Owned, active pods whose labels no longer match the selector.</summary>
    public List<V1Pod> ToRelease { get; } = [];

    /// <summary>Active orphans the selector matches.</summary>
    public List<ReplicaPodRow> ToAdopt { get; } = [];

    public List<V1Pod> AdoptedPods { get; } = [];

    public bool IsClaimed(in ReplicaPodRow row) => row.Active && labelSets.Of(row).Selected;

    public void Owned(in ReplicaPodRow row)
    {
        if (!row.Active) return; // controller_utils FilterActivePods
        var match = labelSets.Of(row);
        if (match.Selected) Count(row, match.FullyLabeled);
        else ToRelease.Add(row.Pod);
    }

    public void Orphan(in ReplicaPodRow row)
    {
        if (IsClaimed(row)) ToAdopt.Add(row);
    }

    public void Adopted(ReplicaPodRow row)
    {
        AdoptedPods.Add(row.Pod);
        Count(row, labelSets.Of(row).FullyLabeled);
    }

    private void Count(in ReplicaPodRow row, bool fullyLabeled)
    {
        Claimed++;
        if (fullyLabeled) FullyLabeled++;
        if (!row.Ready) return;
        Ready++;
        if (PodFacts.IsAvailable(row.ReadySince, minReadySeconds, now)) Available++;
    }

    // Struct visitors for Informer.VisitIndex: a direct call per row and no copy of it, where an Action<ReplicaPodRow> cost a
    // delegate call and a copy (issue 7: this pass runs over all 10,000 rows on each sync of the bench's set).

    /// <summary>Visits the rows of the owner's own pods (<see cref="Owned"/>).</summary>
    public readonly struct OwnedRows(ClaimTally tally) : IRowVisitor<ReplicaPodRow>
    {
        public void Visit(in ReplicaPodRow row) => tally.Owned(row);
    }

    /// <summary>Visits the rows of the namespace's orphans (<see cref="Orphan"/>).</summary>
    public readonly struct OrphanRows(ClaimTally tally) : IRowVisitor<ReplicaPodRow>
    {
        public void Visit(in ReplicaPodRow row) => tally.Orphan(row);
    }
}
