using k8s.Models;

namespace KubeLab.Simulator.Scheduler;

/// <summary>Outcome of one scheduling cycle for one pod: a node, or the reason message the scheduler reports.</summary>
public sealed record SchedulingResult(string? NodeName, string? FailureMessage)
{
    public bool Scheduled => NodeName is not null;
}

/// <summary>
/// The pure part of kube-scheduler's scheduling cycle, reduced to what the course needs.
/// Filter plugins run in the default profile's order (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity),
/// and a node is rejected by the first filter that fails – that filter's reason is what the
/// FailedScheduling message counts. Scoring models spreading: the node running the fewest pods wins,
/// ties broken at random (kube-scheduler picks randomly among equally scored nodes).
/// </summary>
public static class SchedulingDecision
{
    // Reason texts as kube-scheduler 1.32 words them.
    public const string UnschedulableReason = "node(s) were unschedulable";
    public const string NodeNameReason = "node(s) didn't match the requested node name";
    public const string NodeSelectorReason = "node(s) didn't match Pod's node affinity/selector";
    public const string TooManyPodsReason = "Too many pods";

    public static SchedulingResult Decide(V1Pod pod, IReadOnlyList<V1Node> nodes, Func<string, int> podsOnNode, Random? random = null,
        Func<V1Pod, V1Node, string?>? volumeFilter = null, Func<string, ResourceRequest>? requestedOnNode = null)
    {
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var feasible = new List<V1Node>(nodes.Count);
        var podRequest = NodeResourcesFit.Requests(pod);
        var victimSearches = 0;
        // One list of failed filters, reused node after node: a scheduling cycle visits every node (all of them below 100 nodes:
        // numFeasibleNodesToFind), so per-node garbage adds up to most of the scheduler's.
        var failed = new List<string>(4);
        foreach (var node in nodes)
        {
            // NodeResourcesFit (pod count, cpu, memory: every failing one is a reason) runs after NodeAffinity, VolumeBinding after both.
            failed.Clear();
            if (FilterReason(pod, node) is { } filter) failed.Add(filter);
            else
            {
                if (PodCapacityReason(node, podsOnNode(node.Metadata.Name)) is { } tooMany) failed.Add(tooMany);
                if (requestedOnNode is not null) failed.AddRange(NodeResourcesFit.Insufficient(podRequest, node, requestedOnNode(node.Metadata.Name)));
                if (failed.Count == 0 && volumeFilter?.Invoke(pod, node) is { } volume) failed.Add(volume);
            }
            if (failed.Count == 0) { feasible.Add(node); continue; }
            if (failed.Exists(r => r is NodeResourcesFit.InsufficientCpu or NodeResourcesFit.InsufficientMemory or VolumeBindingFilter.ReadWriteOncePodReason)) victimSearches++;
            foreach (var reason in failed) reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }

        if (feasible.Count == 0) return new SchedulingResult(null, FailureMessage(nodes.Count, reasons, victimSearches));

        var fewest = feasible.Min(n => podsOnNode(n.Metadata.Name));
        var best = feasible.Where(n => podsOnNode(n.Metadata.Name) == fewest).OrderBy(n => n.Metadata.Name, StringComparer.Ordinal).ToList();
        var chosen = best[(random ?? Random.Shared).Next(best.Count)];
        return new SchedulingResult(chosen.Metadata.Name, null);
    }

    /// <summary>
    /// NodeResourcesFit's pod-count check: a node takes at most status.allocatable["pods"] pods (110 on kind's nodes,
    /// the kubelet's default maxPods); beyond that the scheduler reports "Too many pods".
    /// </summary>
    public static string? PodCapacityReason(V1Node node, int podsAlreadyOnNode)
    {
        if (node.Status?.Allocatable is not { } allocatable || !allocatable.TryGetValue("pods", out var pods)) return null;
        return podsAlreadyOnNode >= pods.ToInt32() ? TooManyPodsReason : null;
    }

    private static readonly IDictionary<string, string> NoLabels = new Dictionary<string, string>();

    /// <summary>Why the node cannot run the pod, or null if it can.</summary>
    public static string? FilterReason(V1Pod pod, V1Node node)
    {
        var tolerations = pod.Spec.Tolerations;
        // NodeUnschedulable: a cordoned node only takes pods tolerating node.kubernetes.io/unschedulable:NoSchedule.
        if (node.Spec?.Unschedulable == true &&
            !(tolerations ?? []).Any(t => TaintToleration.Tolerates(t, new V1Taint { Key = "node.kubernetes.io/unschedulable", Effect = "NoSchedule" })))
            return UnschedulableReason;

        if (!string.IsNullOrEmpty(pod.Spec.NodeName) && pod.Spec.NodeName != node.Metadata.Name) return NodeNameReason;

        var taint = TaintToleration.FirstUntolerated(node.Spec?.Taints, tolerations);
        if (taint is not null) return $"node(s) had untolerated taint {{{taint.Key}: {taint.Value}}}";

        var labels = node.Metadata.Labels ?? NoLabels;
        if (pod.Spec.NodeSelector is { Count: > 0 } selector &&
            selector.Any(kv => !labels.TryGetValue(kv.Key, out var v) || v != kv.Value))
            return NodeSelectorReason;
        if (!MatchesRequiredNodeAffinity(pod.Spec.Affinity?.NodeAffinity, labels, node.Metadata.Name)) return NodeSelectorReason;

        return null;
    }

    /// <summary>
    /// requiredDuringSchedulingIgnoredDuringExecution: terms are ORed, requirements inside a term ANDed. matchFields
    /// supports only metadata.name (what the DaemonSet controller pins its pods with); an empty term matches nothing.
    /// </summary>
    public static bool MatchesRequiredNodeAffinity(V1NodeAffinity? affinity, IDictionary<string, string> labels, string nodeName)
    {
        var terms = affinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        if (terms is null || terms.Count == 0) return true;
        var fields = new Dictionary<string, string> { ["metadata.name"] = nodeName };
        return terms.Any(term => (term.MatchExpressions?.Count ?? 0) + (term.MatchFields?.Count ?? 0) > 0
            && Requirements(term.MatchExpressions, labels) && Requirements(term.MatchFields, fields));
    }

    private static bool Requirements(IList<V1NodeSelectorRequirement>? requirements, IDictionary<string, string> labels) =>
        (requirements ?? []).All(e =>
        {
            var has = labels.TryGetValue(e.Key, out var value);
            return e.OperatorProperty switch
            {
                "In" => has && (e.Values ?? []).Contains(value!),
                "NotIn" => !has || !(e.Values ?? []).Contains(value!),
                "Exists" => has,
                "DoesNotExist" => !has,
                "Gt" => has && long.TryParse(value, out var a) && long.TryParse(e.Values?.FirstOrDefault(), out var b) && a > b,
                "Lt" => has && long.TryParse(value, out var c) && long.TryParse(e.Values?.FirstOrDefault(), out var d) && c < d,
                _ => false,
            };
        });

    /// <summary>
    /// "0/3 nodes are available: 1 node(s) had untolerated taint {…: }, 2 node(s) didn't match Pod's node affinity/selector.
    /// preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling." – reasons sorted as kube-scheduler sorts them.
    /// Our filters are "unresolvable" ones, so preemption never helps – except VolumeRestrictions' ReadWriteOncePod conflict
    /// (Unschedulable: evicting the other pod would help, but a pod of equal priority is no victim).
    /// </summary>
    /// <param name="victimSearches">nodes where preemption looked for victims (resolvable reasons), when the caller counted them.</param>
    public static string FailureMessage(int nodeCount, IReadOnlyDictionary<string, int> reasons, int? victimSearches = null)
    {
        if (nodeCount == 0) return "no nodes available to schedule pods";
        var parts = reasons.Select(kv => $"{kv.Value} {kv.Key}").OrderBy(s => s, StringComparer.Ordinal);
        // Unschedulable (not UnschedulableAndUnresolvable) reasons send preemption looking for victims: pods of lower priority.
        // The course's pods all have priority 0, so none are found (DefaultPreemption's "No preemption victims found").
        var noVictims = victimSearches ?? reasons.Where(kv => kv.Key == VolumeBindingFilter.ReadWriteOncePodReason).Sum(kv => kv.Value);
        var notHelpful = nodeCount - noVictims;
        var preemption = new List<string>();
        if (notHelpful > 0) preemption.Add($"{notHelpful} Preemption is not helpful for scheduling");
        if (noVictims > 0) preemption.Add($"{noVictims} No preemption victims found for incoming pod");
        return $"0/{nodeCount} nodes are available: {string.Join(", ", parts)}. " +
               $"preemption: 0/{nodeCount} nodes are available: {string.Join(", ", preemption.OrderBy(x => x, StringComparer.Ordinal))}.";
    }

    /// <summary>A PreFilter plugin rejected the pod: its message stands for every node (FitError with PreFilterMsg).</summary>
    public static string PreFilterFailureMessage(int nodeCount, string message) =>
        $"0/{nodeCount} nodes are available: {message}. preemption: 0/{nodeCount} nodes are available: {nodeCount} Preemption is not helpful for scheduling.";
}
