using System.Globalization;
using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Environment;

/// <summary>
/// The downward API's <c>resourceFieldRef</c> (pkg/api/v1/resource ExtractContainerResourceValue): the container's value
/// divided by <c>divisor</c> (default 1) and rounded up — cpu in millicores first, so 250m with divisor 1 gives "1".
/// A limit the container does not set is the node's allocatable (MergeContainerResourceLimits); an unset request is 0.
/// </summary>
public static class ResourceFieldValue
{
    public static string Of(V1Container container, string resource, ResourceQuantity? divisor, IDictionary<string, ResourceQuantity>? nodeAllocatable)
    {
        var limits = container.Resources?.Limits;
        var requests = container.Resources?.Requests;
        ResourceQuantity? Limit(string name) =>
            limits?.TryGetValue(name, out var q) == true ? q : nodeAllocatable?.TryGetValue(name, out var a) == true ? a : null;
        ResourceQuantity? Request(string name) => requests?.TryGetValue(name, out var q) == true ? q : null;
        return resource switch
        {
            "limits.cpu" => Cpu(Limit("cpu"), divisor),
            "requests.cpu" => Cpu(Request("cpu"), divisor),
            "limits.memory" => Bytes(Limit("memory"), divisor),
            "requests.memory" => Bytes(Request("memory"), divisor),
            "limits.ephemeral-storage" => Bytes(Limit("ephemeral-storage"), divisor),
            "requests.ephemeral-storage" => Bytes(Request("ephemeral-storage"), divisor),
            _ => throw new InvalidOperationException($"unsupported container resource : {resource}"),
        };
    }

    private static string Cpu(ResourceQuantity? value, ResourceQuantity? divisor)
    {
        var milli = Math.Ceiling((value?.ToDecimal() ?? 0) * 1000);
        var divisorMilli = Math.Ceiling((divisor?.ToDecimal() ?? 1) * 1000);
        if (divisorMilli == 0) divisorMilli = 1000;
        return ((long)Math.Ceiling(milli / divisorMilli)).ToString(CultureInfo.InvariantCulture);
    }

    private static string Bytes(ResourceQuantity? value, ResourceQuantity? divisor)
    {
        var bytes = Math.Ceiling(value?.ToDecimal() ?? 0);
        var d = divisor?.ToDecimal() ?? 1;
        if (d == 0) d = 1;
        return ((long)Math.Ceiling(bytes / d)).ToString(CultureInfo.InvariantCulture);
    }
}
