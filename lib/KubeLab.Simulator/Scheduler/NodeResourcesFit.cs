using k8s.Models;

namespace KubeLab.Simulator.Scheduler;

/// <summary>A pod's or a node's cpu (cores) and memory (bytes) requests.</summary>
public readonly record struct ResourceRequest(decimal Cpu, decimal Memory)
{
    public static ResourceRequest operator +(ResourceRequest a, ResourceRequest b) => new(a.Cpu + b.Cpu, a.Memory + b.Memory);
}

/// <summary>
/// NodeResourcesFit's cpu and memory check (pkg/scheduler/framework/plugins/noderesources/fit.go fitsRequest, 1.32): a pod
/// fits when what it requests is no more than the node's allocatable minus what the pods already there request; otherwise
/// "Insufficient cpu" / "Insufficient memory". A pod requesting neither is never refused for them. Requests are computed as
/// component-helpers' PodRequests: app containers summed, the largest init container, sidecars alongside, plus overhead.
/// </summary>
public static class NodeResourcesFit
{
    public const string InsufficientCpu = "Insufficient cpu";
    public const string InsufficientMemory = "Insufficient memory";

    public static ResourceRequest Requests(V1Pod pod)
    {
        static ResourceRequest Of(V1Container c) => new(Get(c.Resources?.Requests, "cpu"), Get(c.Resources?.Requests, "memory"));
        var sum = new ResourceRequest(0, 0);
        foreach (var c in pod.Spec?.Containers ?? []) sum += Of(c);
        var sidecars = new ResourceRequest(0, 0);
        var initMax = new ResourceRequest(0, 0);
        foreach (var c in pod.Spec?.InitContainers ?? [])
        {
            var own = Of(c);
            if (c.RestartPolicy == "Always") { sum += own; sidecars += own; own = sidecars; }
            else own += sidecars;
            initMax = new ResourceRequest(Math.Max(initMax.Cpu, own.Cpu), Math.Max(initMax.Memory, own.Memory));
        }
        sum = new ResourceRequest(Math.Max(sum.Cpu, initMax.Cpu), Math.Max(sum.Memory, initMax.Memory));
        return sum + new ResourceRequest(Get(pod.Spec?.Overhead, "cpu"), Get(pod.Spec?.Overhead, "memory"));
    }

    private static decimal Get(IDictionary<string, ResourceQuantity>? list, string name) =>
        list is not null && list.TryGetValue(name, out var q) && q is not null ? q.ToDecimal() : 0;

    /// <summary>The reasons the node cannot hold the pod's requests on top of <paramref name="requested"/>, in fit.go's order.</summary>
    public static IEnumerable<string> Insufficient(ResourceRequest pod, V1Node node, ResourceRequest requested)
    {
        var allocatable = node.Status?.Allocatable;
        if (pod.Cpu > 0 && pod.Cpu > Get(allocatable, "cpu") - requested.Cpu) yield return InsufficientCpu;
        if (pod.Memory > 0 && pod.Memory > Get(allocatable, "memory") - requested.Memory) yield return InsufficientMemory;
    }
}
