using System.Text;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.ReplicaSet;

/// <summary>
/// What one sync of a ReplicaSet reads of a pod (replica_set.go syncReplicaSet: FilterActivePods, ClaimPods, calculateStatus),
/// taken once when the informer stores the pod. The pod informer keeps these rows in an index by controller UID, so a sync of a
/// 10,000-pod set walks 10,000 rows side by side instead of each pod's owner list, labels, status and conditions.
/// </summary>
internal readonly record struct ReplicaPodRow(V1Pod Pod, bool Active, bool Ready, DateTime? ReadySince, string LabelSet)
{
    /// <summary>The index: the same buckets as <see cref="PodFacts.ControllerUidIndex"/> (controller UID, or the namespace's orphans).</summary>
    public const string Index = PodFacts.ControllerUidIndex + "/replica-rows";

    public static ReplicaPodRow Of(V1Pod pod)
    {
        var ready = PodFacts.Condition(pod, "Ready");
        var isReady = ready?.Status == "True";
        return new(pod, PodFacts.IsActive(pod), isReady, isReady ? ready!.LastTransitionTime : null, LabelSetOf(pod.Metadata.Labels));
    }

    // Pods of one template share one label set: the rows share one string for it, so a sync matches the selector once per
    // distinct set (a reference comparison per pod). The pool is small and cleared when full (unique labels, e.g. a StatefulSet's
    // pod-name label, would otherwise grow it forever); clearing only costs the sharing, never correctness.
    private static readonly Util.BoundedCache<string, string> Pool = new(4096);

    private static string LabelSetOf(IDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0) return "";
        var text = new StringBuilder();
        foreach (var (key, value) in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            text.Append(key).Append('\0').Append(value).Append('\0'); // NUL never occurs in a valid label key or value
        var set = text.ToString();
        return Pool.GetOrAdd(set, set);
    }
}

/// <summary>
/// Within one sync: whether a label set is selected by the owner's selector, and whether it carries all of the template's labels
/// (fullyLabeledReplicas). Worked out once per distinct label set; the pods of one template share theirs.
/// </summary>
internal sealed class LabelSetMatches(Api.LabelSelector selector, IDictionary<string, string>? templateLabels)
{
    private readonly KeyValuePair<string, string>[] template = templateLabels?.ToArray() ?? [];
    private readonly Dictionary<string, (bool Selected, bool FullyLabeled)> seen = new();
    private string? lastSet;
    private (bool Selected, bool FullyLabeled) last;

    public (bool Selected, bool FullyLabeled) Of(in ReplicaPodRow row)
    {
        if (ReferenceEquals(row.LabelSet, lastSet)) return last;
        if (!seen.TryGetValue(row.LabelSet, out var match))
            seen[row.LabelSet] = match = (selector.Matches(row.Pod.Metadata.Labels), HasAll(row.Pod.Metadata.Labels));
        (lastSet, last) = (row.LabelSet, match);
        return match;
    }

    private bool HasAll(IDictionary<string, string>? labels)
    {
        foreach (var (key, value) in template)
            if (labels is null || !labels.TryGetValue(key, out var v) || v != value) return false;
        return true;
    }
}

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
