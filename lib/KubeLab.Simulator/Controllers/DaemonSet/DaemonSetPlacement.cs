using k8s;
using k8s.Models;
using KubeLab.Simulator.Scheduler;

namespace KubeLab.Simulator.Controllers.DaemonSet;

/// <summary>
/// Which nodes a DaemonSet runs on, and what its pods look like (pkg/controller/daemon/util + NodeShouldRunDaemonPod):
/// <list type="bullet">
/// <item>the pod tolerates the node's taints once the controller's standard tolerations are added (not-ready and unreachable
/// NoExecute; disk-, memory-, pid-pressure and unschedulable NoSchedule; network-unavailable for hostNetwork pods) – the
/// control-plane taint is not among them, so a DaemonSet skips the control-plane node unless its template tolerates it;</item>
/// <item>nodeSelector and required node affinity match the node;</item>
/// <item>a pod already running may stay when only a NoSchedule taint is in the way (only NoExecute evicts).</item>
/// </list>
/// Each pod is pinned to its node with required node affinity <c>matchFields metadata.name In [node]</c> and is then placed
/// by the default scheduler like any other pod.
/// </summary>
public static class DaemonSetPlacement
{
    public static IReadOnlyList<V1Toleration> StandardTolerations(bool hostNetwork)
    {
        var list = new List<V1Toleration>
        {
            new() { Key = "node.kubernetes.io/not-ready", OperatorProperty = "Exists", Effect = "NoExecute" },
            new() { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute" },
            new() { Key = "node.kubernetes.io/disk-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
            new() { Key = "node.kubernetes.io/memory-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
            new() { Key = "node.kubernetes.io/pid-pressure", OperatorProperty = "Exists", Effect = "NoSchedule" },
            new() { Key = "node.kubernetes.io/unschedulable", OperatorProperty = "Exists", Effect = "NoSchedule" },
        };
        if (hostNetwork) list.Add(new() { Key = "node.kubernetes.io/network-unavailable", OperatorProperty = "Exists", Effect = "NoSchedule" });
        return list;
    }

    /// <summary>The template's pod spec with the standard tolerations added (those it already has are not repeated).</summary>
    public static V1PodSpec SpecWithTolerations(V1PodSpec templateSpec)
    {
        var spec = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(templateSpec));
        var tolerations = spec.Tolerations?.ToList() ?? [];
        foreach (var t in StandardTolerations(spec.HostNetwork == true))
            if (!tolerations.Any(x => x.Key == t.Key && x.Effect == t.Effect && x.OperatorProperty == t.OperatorProperty))
                tolerations.Add(t);
        spec.Tolerations = tolerations;
        return spec;
    }

    /// <summary>The pod spec for one node: standard tolerations plus required node affinity replaced by the node-name term.</summary>
    public static V1PodSpec SpecFor(V1PodSpec templateSpec, string nodeName)
    {
        var spec = SpecWithTolerations(templateSpec);
        spec.Affinity ??= new V1Affinity();
        spec.Affinity.NodeAffinity ??= new V1NodeAffinity();
        spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
        {
            NodeSelectorTerms = [new V1NodeSelectorTerm
            {
                MatchFields = [new V1NodeSelectorRequirement { Key = "metadata.name", OperatorProperty = "In", Values = [nodeName] }],
            }],
        };
        return spec;
    }

    /// <summary>(should run a new pod here, may keep an existing pod here).</summary>
    public static (bool ShouldRun, bool ShouldContinueRunning) Evaluate(V1PodSpec templateSpec, V1Node node)
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta(), Spec = SpecWithTolerations(templateSpec) };
        if (SchedulingDecision.FilterReason(pod, node) is null) return (true, true);
        // Ignore NoSchedule taints: they stop new pods, not running ones.
        var relaxed = KubernetesJson.Deserialize<V1Node>(KubernetesJson.Serialize(node));
        relaxed.Spec.Taints = relaxed.Spec.Taints?.Where(t => t.Effect != "NoSchedule").ToList();
        return (false, SchedulingDecision.FilterReason(pod, relaxed) is null);
    }

    /// <summary>The node a daemon pod belongs to: its spec.nodeName, or the node its affinity pins it to while unscheduled.</summary>
    public static string? NodeOf(V1Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Spec?.NodeName)) return pod.Spec.NodeName;
        var terms = pod.Spec?.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms;
        return terms?.SelectMany(t => t.MatchFields ?? [])
            .FirstOrDefault(f => f.Key == "metadata.name" && f.OperatorProperty == "In" && f.Values?.Count == 1)?.Values[0];
    }
}
