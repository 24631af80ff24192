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

    public void Owned(ReplicaPodRow row)
    {
        if (!row.Active) return; // controller_utils FilterActivePods
        if (labelSets.Of(row).Selected) Count(row);
        else ToRelease.Add(row.Pod);
    }

    public void Orphan(ReplicaPodRow row)
    {
        if (IsClaimed(row)) ToAdopt.Add(row);
    }

    public void Adopted(ReplicaPodRow row)
    {
        AdoptedPods.Add(row.Pod);
        Count(row);
    }

    private void Count(in ReplicaPodRow row)
    {
        Claimed++;
        if (labelSets.Of(row).FullyLabeled) FullyLabeled++;
        if (!row.Ready) return;
        Ready++;
        if (PodFacts.IsAvailable(row.ReadySince, minReadySeconds, now)) Available++;
    }
}
