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
/// <item>a pod already running may stay when only a NoSchedule taint is in the way: only an untolerated NoExecute taint, or a
/// nodeSelector / node affinity that no longer matches, removes it.</item>
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

    /// <summary>
    /// (should run a new pod here, may keep an existing pod here) – NodeShouldRunDaemonPod (pkg/controller/daemon/daemon_controller.go,
    /// 1.32): a template nodeName for another node, or a nodeSelector / required node affinity the node does not match → (false, false);
    /// an untolerated NoSchedule or NoExecute taint → shouldRun false, and shouldContinueRunning only while none of the untolerated
    /// taints is NoExecute; otherwise (true, true). Tolerations include the controller's standard ones. Resources are not checked
    /// (the scheduler does that); PreferNoSchedule never matters.
    /// </summary>
    public static (bool ShouldRun, bool ShouldContinueRunning) Evaluate(V1PodSpec templateSpec, V1Node node)
    {
        if (!string.IsNullOrEmpty(templateSpec.NodeName) && templateSpec.NodeName != node.Metadata.Name) return (false, false);
        var labels = node.Metadata.Labels ?? new Dictionary<string, string>();
        if (templateSpec.NodeSelector is { Count: > 0 } selector && selector.Any(kv => !labels.TryGetValue(kv.Key, out var v) || v != kv.Value))
            return (false, false);
        if (!SchedulingDecision.MatchesRequiredNodeAffinity(templateSpec.Affinity?.NodeAffinity, labels, node.Metadata.Name)) return (false, false);
        var tolerations = SpecWithTolerations(templateSpec).Tolerations;
        var untolerated = (node.Spec?.Taints ?? []).Where(t => t.Effect is "NoSchedule" or "NoExecute" && !tolerations.Any(tol => TaintToleration.Tolerates(tol, t))).ToList();
        if (untolerated.Count == 0) return (true, true);
        return (false, !untolerated.Any(t => t.Effect == "NoExecute"));
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
