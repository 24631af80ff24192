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
