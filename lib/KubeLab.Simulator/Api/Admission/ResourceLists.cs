using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Admission;

/// <summary>
/// Resource lists as decimals (apimachinery resource.Quantity arithmetic) and a pod's effective requests and limits
/// (component-helpers/resource PodRequests / PodLimits, 1.32: the sum of app containers, the largest init container,
/// restartable init containers (sidecars) counted alongside, plus spec.overhead).
/// </summary>
public static class ResourceLists
{
    public static decimal Value(string quantity) => new ResourceQuantity(quantity).ToDecimal();

    public static bool TryValue(string? quantity, out decimal value)
    {
        value = 0;
        if (string.IsNullOrEmpty(quantity)) return false;
        try { value = Value(quantity); return true; }
        catch (FormatException) { return false; }
    }

    /// <summary>Quantity.String() of a written quantity: canonical, in the format it was written in.</summary>
    public static string Canonical(string quantity) => new ResourceQuantity(quantity).CanonicalizeString();

    /// <summary>Quantity.String(): the canonical form, binary suffixes for memory-like names, decimal ones otherwise.</summary>
    public static string Format(string resourceName, decimal value)
    {
        var binary = resourceName.EndsWith("memory", StringComparison.Ordinal) || resourceName.EndsWith("storage", StringComparison.Ordinal)
            || resourceName.StartsWith("hugepages", StringComparison.Ordinal);
        if (!binary || value == 0 || value != decimal.Truncate(value))
            return new ResourceQuantity(value, 0, ResourceQuantity.SuffixFormat.DecimalSI).CanonicalizeString();
        return new ResourceQuantity(value, 0, ResourceQuantity.SuffixFormat.BinarySI).CanonicalizeString();
    }

    public static Dictionary<string, decimal> Parse(JsonNode? list)
    {
        var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (k, v) in ObjectMeta.StringMap(list))
            if (TryValue(v, out var d)) result[k] = d;
        return result;
    }

    private static IEnumerable<JsonObject> Containers(JsonObject pod, string field) =>
        (pod.Path("spec." + field) as JsonArray)?.OfType<JsonObject>() ?? [];

    public static Dictionary<string, decimal> PodRequests(JsonObject pod) => PodTotal(pod, "requests");

    public static Dictionary<string, decimal> PodLimits(JsonObject pod) => PodTotal(pod, "limits");

    private static Dictionary<string, decimal> PodTotal(JsonObject pod, string kind)
    {
        var sum = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var c in Containers(pod, "containers")) Add(sum, Parse(c.Path("resources." + kind)));
        // Init containers run one after another; a sidecar keeps running next to the ones that follow it.
        var initMax = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var sidecars = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var c in Containers(pod, "initContainers"))
        {
            var own = Parse(c.Path("resources." + kind));
            if (c.Str("restartPolicy") == "Always")
            {
                Add(sum, own);
                Add(sidecars, own);
                own = new Dictionary<string, decimal>(sidecars, StringComparer.Ordinal);
            }
            else
            {
                var withSidecars = new Dictionary<string, decimal>(own, StringComparer.Ordinal);
                Add(withSidecars, sidecars);
                own = withSidecars;
            }
            foreach (var (k, v) in own) initMax[k] = Math.Max(initMax.GetValueOrDefault(k), v);
        }
        foreach (var (k, v) in initMax) sum[k] = Math.Max(sum.GetValueOrDefault(k), v);
        Add(sum, Parse(pod.Path("spec.overhead")));
        return sum;
    }

    public static void Add(Dictionary<string, decimal> into, IReadOnlyDictionary<string, decimal> more)
    {
        foreach (var (k, v) in more) into[k] = into.GetValueOrDefault(k) + v;
    }

    public static string Invariant(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}
