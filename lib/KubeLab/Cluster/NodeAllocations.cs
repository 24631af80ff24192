using System.Globalization;
using k8s.Models;
using KubeLab.Charts;

namespace KubeLab;

/// <summary>
/// One node's allocatable cpu and memory next to what the pods bound there request (what <c>kubectl describe node</c> shows under
/// "Allocated resources"). Cpu in millicores, memory in MiB. On kind the nodes report the host's CPUs and memory, so read them,
/// never assume them.
/// </summary>
public sealed record NodeAllocation(string Node, bool Schedulable, bool ControlPlane, long AllocatableMilliCpu, long RequestedMilliCpu,
    long AllocatableMemoryMiB, long RequestedMemoryMiB, int Pods)
{
    /// <summary>Millicores a new pod could still request here (NodeResourcesFit: allocatable − requested).</summary>
    public long FreeMilliCpu => AllocatableMilliCpu - RequestedMilliCpu;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Node}: cpu {RequestedMilliCpu}m of {AllocatableMilliCpu}m requested, memory {RequestedMemoryMiB}Mi of {AllocatableMemoryMiB}Mi, {Pods} pods{(Schedulable ? "" : " (cordoned)")}");
}

/// <summary>Every node's <see cref="NodeAllocation"/>, read at one moment; <see cref="ToPlot"/> draws allocatable vs requested cpu.</summary>
public sealed class NodeAllocations
{
    public IReadOnlyList<NodeAllocation> Nodes { get; }

    public NodeAllocations(IReadOnlyList<NodeAllocation> nodes) => Nodes = nodes;

    public NodeAllocation? this[string node] => Nodes.FirstOrDefault(n => n.Node == node);

    /// <summary>The nodes an ordinary pod can land on: schedulable and not the (tainted) control plane.</summary>
    public IReadOnlyList<NodeAllocation> Workers => Nodes.Where(n => n.Schedulable && !n.ControlPlane).ToList();

    /// <summary>Built from nodes and pods as the scheduler counts them: pods bound to the node and not finished.</summary>
    public static NodeAllocations From(IEnumerable<V1Node> nodes, IEnumerable<V1Pod> pods)
    {
        var byNode = pods.Where(p => !string.IsNullOrEmpty(p.Spec?.NodeName) && p.Status?.Phase is not ("Succeeded" or "Failed"))
            .GroupBy(p => p.Spec.NodeName).ToDictionary(g => g.Key, g => g.ToList());
        return new NodeAllocations(nodes.OrderBy(n => n.Metadata.Name, StringComparer.Ordinal).Select(n =>
        {
            var here = byNode.GetValueOrDefault(n.Metadata.Name) ?? [];
            return new NodeAllocation(n.Metadata.Name, n.Spec?.Unschedulable != true,
                n.Metadata.Labels?.ContainsKey("node-role.kubernetes.io/control-plane") == true,
                Milli(n.Status?.Allocatable, "cpu"), here.Sum(p => PodResources.Requests(p, "cpu", milli: true)),
                Mebi(n.Status?.Allocatable, "memory"), here.Sum(p => PodResources.Requests(p, "memory", milli: false)) / (1024 * 1024),
                here.Count);
        }).ToList());
    }

    private static long Milli(IDictionary<string, ResourceQuantity>? list, string name) =>
        list is not null && list.TryGetValue(name, out var q) ? (long)Math.Round(q.ToDecimal() * 1000) : 0;

    private static long Mebi(IDictionary<string, ResourceQuantity>? list, string name) =>
        list is not null && list.TryGetValue(name, out var q) ? (long)(q.ToDecimal() / (1024 * 1024)) : 0;

    /// <summary>Grouped bars per node: allocatable cpu and the cpu the pods there request (millicores).</summary>
    public Plot ToPlot(string? title = null)
    {
        var labels = Nodes.Select(n => (object)(n.Schedulable ? n.Node : n.Node + " (cordoned)")).ToList();
        var spec = new ChartSpec(title ?? "Node cpu: allocatable vs requested by pods") { XTitle = "node", YTitle = "cpu (millicores)", BarMode = "group", YFromZero = true,
            Note = string.Join("; ", Nodes.Select(n => n.ToString())) };
        spec.Add("bar", "allocatable", labels, Nodes.Select(n => (object)(double)n.AllocatableMilliCpu), color: "#7f7f7f");
        spec.Add("bar", "requested", labels, Nodes.Select(n => (object)(double)n.RequestedMilliCpu), color: "#1f77b4");
        return new Plot(spec.ToJson());
    }

    public override string ToString() => string.Join("\n", Nodes.Select(n => n.ToString()));
}

/// <summary>A pod's requests as the scheduler adds them up: app containers summed, the largest init container if bigger.</summary>
internal static class PodResources
{
    public static long Requests(V1Pod pod, string resource, bool milli)
    {
        decimal Of(V1Container c) => c.Resources?.Requests is { } r && r.TryGetValue(resource, out var q) ? q.ToDecimal() : 0;
        var sum = (pod.Spec?.Containers ?? []).Sum(Of);
        var init = (pod.Spec?.InitContainers ?? []).Select(Of).DefaultIfEmpty(0).Max();
        var total = Math.Max(sum, init);
        return (long)Math.Round(milli ? total * 1000 : total);
    }
}
