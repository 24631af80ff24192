using System.Globalization;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.ReplicaSet;

/// <summary>
/// Which pods a ReplicaSet deletes first when it has too many – the order of kube-controller-manager's
/// ActivePodsWithRanks (pkg/controller/controller_utils.go). Earlier in the order = deleted first:
/// <list type="number">
/// <item>unassigned (no node) before assigned;</item>
/// <item>Pending before Unknown before Running;</item>
/// <item>not ready before ready;</item>
/// <item>lower <c>controller.kubernetes.io/pod-deletion-cost</c> annotation before higher;</item>
/// <item>pods sharing their node with more of their siblings (higher rank) before lonelier ones;</item>
/// <item>ready for a shorter time before ready for longer;</item>
/// <item>more container restarts before fewer;</item>
/// <item>newer before older (creationTimestamp).</item>
/// </list>
/// (Kubernetes compares the two timestamps on a logarithmic scale since 1.22; plain comparison keeps the same direction.)
/// </summary>
public static class PodDeletionRanking
{
    public const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    public static IReadOnlyList<V1Pod> DeletionOrder(IReadOnlyList<V1Pod> pods)
    {
        var perNode = pods.Where(p => !string.IsNullOrEmpty(p.Spec?.NodeName))
            .GroupBy(p => p.Spec.NodeName).ToDictionary(g => g.Key, g => g.Count());
        int Rank(V1Pod p) => string.IsNullOrEmpty(p.Spec?.NodeName) ? 0 : perNode[p.Spec.NodeName];
        return pods.Order(Comparer<V1Pod>.Create((a, b) => Compare(a, b, Rank(a), Rank(b)))).ToList();
    }

    public static int Compare(V1Pod a, V1Pod b, int rankA, int rankB)
    {
        int c;
        if ((c = Assigned(a).CompareTo(Assigned(b))) != 0) return c;
        if ((c = PhaseOrder(a).CompareTo(PhaseOrder(b))) != 0) return c;
        if ((c = PodFacts.IsReady(a).CompareTo(PodFacts.IsReady(b))) != 0) return c;
        if ((c = DeletionCost(a).CompareTo(DeletionCost(b))) != 0) return c;
        if ((c = rankB.CompareTo(rankA)) != 0) return c;                     // more siblings on the node first
        if (PodFacts.IsReady(a) && PodFacts.IsReady(b) &&
            (c = ReadySince(b).CompareTo(ReadySince(a))) != 0) return c;      // ready more recently first
        if ((c = PodFacts.RestartCount(b).CompareTo(PodFacts.RestartCount(a))) != 0) return c; // more restarts first
        return Created(b).CompareTo(Created(a));                               // newer first
    }

    private static int Assigned(V1Pod p) => string.IsNullOrEmpty(p.Spec?.NodeName) ? 0 : 1;

    private static int PhaseOrder(V1Pod p) => p.Status?.Phase switch
    {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    };

    private static int DeletionCost(V1Pod p) =>
        p.Metadata.Annotations?.TryGetValue(DeletionCostAnnotation, out var v) == true &&
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var cost) ? cost : 0;

    private static DateTime ReadySince(V1Pod p) => PodFacts.Condition(p, "Ready")?.LastTransitionTime ?? DateTime.MaxValue;

    private static DateTime Created(V1Pod p) => p.Metadata.CreationTimestamp ?? DateTime.MaxValue;
}
