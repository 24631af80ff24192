using System.Globalization;
using k8s.Models;
using KubeLab.Simulator.Api.Validation;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.ReplicaSet;

/// <summary>
/// Which pods a ReplicaSet (and ReplicationController) deletes first when it has too many – Kubernetes 1.32's
/// getPodsToDelete (pkg/controller/replicaset/replica_set.go) sorting with ActivePodsWithRanks.Less
/// (pkg/controller/controller_utils.go). Earlier in the order = deleted first; the first rule that tells two pods apart wins:
/// <list type="number">
/// <item>unassigned (no spec.nodeName) before assigned;</item>
/// <item>phase Pending before Unknown before Running;</item>
/// <item>not ready before ready;</item>
/// <item>lower <c>controller.kubernetes.io/pod-deletion-cost</c> before higher (PodDeletionCost gate, beta, on by default in 1.32;
/// a missing or unparsable value counts as 0);</item>
/// <item>higher co-location rank first: the number of active <em>related</em> pods on the pod's node, where related = the pods
/// selected by every ReplicaSet that has the same controller (Deployment) as this one; a ReplicaSet without a controller
/// has no related pods, so every rank is 0 and the rule never decides;</item>
/// <item>both ready: ready more recently first – compared on a log2 scale of the time since ready (LogarithmicScaleDown,
/// GA and locked on in 1.31+); two ready times in the same power-of-two bucket are ordered by pod UID, a pseudo-random
/// tie-break that ends the comparison;</item>
/// <item>higher maximum container restart count first (exact counts, no buckets); on a tie, the maximum restart count of
/// sidecar (restartPolicy: Always init) containers;</item>
/// <item>newer creationTimestamp first – log2 buckets again, UID on a bucket tie.</item>
/// </list>
/// </summary>
public static class PodDeletionRanking
{
    public const string DeletionCostAnnotation = PodDeletionCost.Annotation;

    /// <summary>
    /// getPodsToDelete: the <paramref name="count"/> pods of <paramref name="filtered"/> to delete, ranking co-location
    /// against <paramref name="related"/>. Like upstream, nothing is sorted when all of them go.
    /// </summary>
    public static IReadOnlyList<V1Pod> PodsToDelete(IReadOnlyList<V1Pod> filtered, IReadOnlyList<V1Pod> related, int count, DateTime now) =>
        count >= filtered.Count ? filtered : DeletionOrder(filtered, related, now).Take(count).ToList();

    /// <summary>All of <paramref name="pods"/> in ActivePodsWithRanks order, as of <paramref name="now"/>.</summary>
    public static IReadOnlyList<V1Pod> DeletionOrder(IReadOnlyList<V1Pod> pods, IReadOnlyList<V1Pod> related, DateTime now)
    {
        var ranks = ColocationRanks(pods, related);
        var keys = pods.Select(SortKeys.Of).ToArray(); // read each pod once, not once per comparison
        var indexes = Enumerable.Range(0, pods.Count).ToArray();
        StableSort.Sort(indexes, (i, j) => Less(keys[i], ranks[i], keys[j], ranks[j], now) ? -1 : Less(keys[j], ranks[j], keys[i], ranks[i], now) ? 1 : 0);
        return indexes.Select(i => pods[i]).ToList();
    }

    /// <summary>
    /// getPodsRankedByRelatedPodsOnSameNode: each pod's rank is the number of active related pods whose spec.nodeName equals
    /// its own (unassigned pods share the node name "" and so count each other).
    /// </summary>
    public static int[] ColocationRanks(IReadOnlyList<V1Pod> podsToRank, IReadOnlyList<V1Pod> related)
    {
        var podsOnNode = related.Where(PodFacts.IsActive).GroupBy(p => p.Spec?.NodeName ?? "").ToDictionary(g => g.Key, g => g.Count());
        return podsToRank.Select(p => podsOnNode.GetValueOrDefault(p.Spec?.NodeName ?? "")).ToArray();
    }

    /// <summary>ActivePodsWithRanks.Less: true when <paramref name="a"/> should be deleted before <paramref name="b"/>.</summary>
    public static bool Less(V1Pod a, int rankA, V1Pod b, int rankB, DateTime now) => Less(SortKeys.Of(a), rankA, SortKeys.Of(b), rankB, now);

    private static bool Less(SortKeys a, int rankA, SortKeys b, int rankB, DateTime now)
    {
        if (a.Node != b.Node && (a.Node.Length == 0 || b.Node.Length == 0)) return a.Node.Length == 0;     // 1. unassigned
        if (a.Phase != b.Phase) return a.Phase < b.Phase;                                                   // 2. phase
        if (a.Ready != b.Ready) return !a.Ready;                                                            // 3. not ready
        if (a.Cost != b.Cost) return a.Cost < b.Cost;                                                       // 4. deletion cost
        if (rankA != rankB) return rankA > rankB;                                                           // 5. co-location
        if (a.Ready && b.Ready && a.ReadyTime != b.ReadyTime)                                               // 6. time since ready
            return LogarithmicallyNewer(a.Uid, a.ReadyTime, b.Uid, b.ReadyTime, now);
        if (CompareMaxContainerRestarts(a, b) is { } moreRestarts) return moreRestarts;                    // 7. restarts
        if (a.Created != b.Created) return LogarithmicallyNewer(a.Uid, a.Created, b.Uid, b.Created, now);  // 8. creation
        return false;
    }

    /// <summary>
    /// The controller.ActivePods order (same file): rules 1–3, then plain ready time, restarts and creation time – no deletion
    /// cost, no co-location rank, no log buckets. The Job controller sorts surplus pods this way (job_controller.go activePodsForRemoval).
    /// </summary>
    public static IReadOnlyList<V1Pod> ActivePodsOrder(IReadOnlyList<V1Pod> pods)
    {
        var keys = pods.Select(SortKeys.Of).ToArray();
        var indexes = Enumerable.Range(0, pods.Count).ToArray();
        StableSort.Sort(indexes, (i, j) => ActivePodsLess(keys[i], keys[j]) ? -1 : ActivePodsLess(keys[j], keys[i]) ? 1 : 0);
        return indexes.Select(i => pods[i]).ToList();
    }

    private static bool ActivePodsLess(SortKeys a, SortKeys b)
    {
        if (a.Node != b.Node && (a.Node.Length == 0 || b.Node.Length == 0)) return a.Node.Length == 0;
        if (a.Phase != b.Phase) return a.Phase < b.Phase;
        if (a.Ready != b.Ready) return !a.Ready;
        if (a.Ready && b.Ready && a.ReadyTime != b.ReadyTime) return AfterOrZero(a.ReadyTime, b.ReadyTime);
        if (CompareMaxContainerRestarts(a, b) is { } moreRestarts) return moreRestarts;
        return a.Created != b.Created && AfterOrZero(a.Created, b.Created);
    }

    /// <summary>
    /// GetDeletionCostFromPodAnnotations (pkg/apis/core/helper): the annotation as an int32 in plain decimal – no "+", no
    /// leading zeros, nothing beyond int32. Anything else is invalid (the API server refuses it on create: "must be a 32bit
    /// integer") and the ranking reads it as 0.
    /// </summary>
    public static bool TryParseDeletionCost(string value, out int cost) => PodDeletionCost.TryParse(value, out cost);

    /// <summary>What the comparison reads from one pod; a null time is Go's zero time.</summary>
    private readonly record struct SortKeys(string Node, int Phase, bool Ready, int Cost, DateTime? ReadyTime, int Restarts,
        int SidecarRestarts, DateTime? Created, string Uid)
    {
        public static SortKeys Of(V1Pod p) => new(
            p.Spec?.NodeName ?? "", PhaseOrdinal(p), PodFacts.IsReady(p), DeletionCost(p), ReadyTimeOf(p),
            (p.Status?.ContainerStatuses ?? []).Select(c => c.RestartCount).DefaultIfEmpty(0).Max(), SidecarRestartsOf(p),
            p.Metadata?.CreationTimestamp, p.Metadata?.Uid ?? "");
    }

    private static int DeletionCost(V1Pod p) =>
        p.Metadata?.Annotations?.TryGetValue(DeletionCostAnnotation, out var v) == true && TryParseDeletionCost(v, out var cost) ? cost : 0;

    /// <summary>podPhaseToOrdinal: Pending 0, Unknown 1, Running 2; any other phase maps to the zero value.</summary>
    private static int PhaseOrdinal(V1Pod p) => p.Status?.Phase switch
    {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    };

    /// <summary>podReadyTime: lastTransitionTime of the Ready=True condition (null = Go's zero time).</summary>
    private static DateTime? ReadyTimeOf(V1Pod p) =>
        PodFacts.Condition(p, "Ready") is { Status: "True" } c ? c.LastTransitionTime : null;

    /// <summary>maxContainerRestarts' second value: the highest restart count among sidecars (init containers with restartPolicy Always).</summary>
    private static int SidecarRestartsOf(V1Pod p)
    {
        if (p.Spec?.InitContainers is not { Count: > 0 } init || p.Status?.InitContainerStatuses is not { Count: > 0 } statuses) return 0;
        var sidecars = init.Where(c => c.RestartPolicy == "Always").Select(c => c.Name).ToHashSet();
        return statuses.Where(c => sidecars.Contains(c.Name)).Select(c => c.RestartCount).DefaultIfEmpty(0).Max();
    }

    /// <summary>afterOrZero: t1 after t2, a zero (missing) time counting as after everything.</summary>
    private static bool AfterOrZero(DateTime? t1, DateTime? t2) => t1 is null || t2 is null ? t1 is null : t1 > t2;

    /// <summary>The LogarithmicScaleDown branch: zero times compare plainly; otherwise the log2 buckets, UID on a tie.</summary>
    private static bool LogarithmicallyNewer(string uidA, DateTime? ta, string uidB, DateTime? tb, DateTime now)
    {
        if (ta is null || tb is null) return AfterOrZero(ta, tb);
        var rankDiff = LogarithmicRank(ta.Value, now) - LogarithmicRank(tb.Value, now);
        if (rankDiff == 0) return string.CompareOrdinal(uidA, uidB) < 0;
        return rankDiff < 0;
    }

    /// <summary>logarithmicRankDiff's per-time rank: floor(log2(now − t in nanoseconds)), −1 when t is not in the past.</summary>
    public static long LogarithmicRank(DateTime t, DateTime now)
    {
        var nanoseconds = (now - t).Ticks * 100.0;
        return nanoseconds > 0 ? (long)Math.Log2(nanoseconds) : -1;
    }

    /// <summary>compareMaxContainerRestarts: true = a restarted more, false = b did, null = a tie.</summary>
    private static bool? CompareMaxContainerRestarts(SortKeys a, SortKeys b)
    {
        if (a.Restarts != b.Restarts) return a.Restarts > b.Restarts;
        if (a.SidecarRestarts != b.SidecarRestarts) return a.SidecarRestarts > b.SidecarRestarts;
        return null;
    }

    /// <summary>
    /// A merge sort: upstream's Less is not a strict weak order (UID tie-breaks inside a bucket can form cycles with the
    /// later rules), which .NET's introsort may reject; a merge sort accepts any comparison and always terminates.
    /// </summary>
    private static class StableSort
    {
        public static void Sort(int[] items, Func<int, int, int> compare)
        {
            var buffer = new int[items.Length];
            for (var width = 1; width < items.Length; width *= 2)
            {
                for (var lo = 0; lo < items.Length; lo += 2 * width)
                {
                    int mid = Math.Min(lo + width, items.Length), hi = Math.Min(lo + 2 * width, items.Length);
                    int i = lo, j = mid, k = lo;
                    while (i < mid && j < hi) buffer[k++] = compare(items[j], items[i]) < 0 ? items[j++] : items[i++];
                    while (i < mid) buffer[k++] = items[i++];
                    while (j < hi) buffer[k++] = items[j++];
                }
                Array.Copy(buffer, items, items.Length);
            }
        }
    }
}
