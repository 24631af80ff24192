using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Admission;

/// <summary>
/// The LimitRanger admission plugin (plugin/pkg/admission/limitranger/admission.go, 1.32) for pods and the LimitRange
/// defaults (pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem). Mutating: each container without a limit or request
/// gets the Container item's <c>default</c> / <c>defaultRequest</c>, noted in the <c>kubernetes.io/limit-ranger</c> annotation.
/// Validating: min, max and maxLimitRequestRatio per Container, and per Pod (sums), refused with upstream's texts.
/// PersistentVolumeClaim items are not modelled.
/// </summary>
public static class LimitRanger
{
    public const string Annotation = "kubernetes.io/limit-ranger";

    /// <summary>SetDefaults_LimitRangeItem: Container items get default = max and defaultRequest = default, else min.</summary>
    public static void DefaultLimitRange(JsonObject limitRange)
    {
        foreach (var item in (limitRange.Path("spec.limits") as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            if (item.Str("type") != "Container") continue;
            var defaults = item["default"] as JsonObject ?? new JsonObject();
            var defaultRequest = item["defaultRequest"] as JsonObject ?? new JsonObject();
            foreach (var (k, v) in item["max"] as JsonObject ?? []) if (!defaults.ContainsKey(k)) defaults[k] = v?.DeepClone();
            foreach (var (k, v) in defaults) if (!defaultRequest.ContainsKey(k)) defaultRequest[k] = v?.DeepClone();
            foreach (var (k, v) in item["min"] as JsonObject ?? []) if (!defaultRequest.ContainsKey(k)) defaultRequest[k] = v?.DeepClone();
            if (defaults.Count > 0) item["default"] = defaults;
            if (defaultRequest.Count > 0) item["defaultRequest"] = defaultRequest;
        }
    }

    private static IEnumerable<JsonObject> ContainerItems(IEnumerable<JsonObject> limitRanges, string type) =>
        limitRanges.SelectMany(lr => (lr.Path("spec.limits") as JsonArray)?.OfType<JsonObject>() ?? []).Where(i => i.Str("type") == type);

    /// <summary>The LimitRanges of the pod's namespace, as the plugin's lister reads them.</summary>
    public static List<JsonObject> InNamespace(ObjectStore store, string ns) =>
        store.List(ResourceRegistry.ForKind("LimitRange"), ns).Items.ToList();

    /// <summary>Admit (mutating): defaultContainerResourceRequirements + mergePodResourceRequirements.</summary>
    public static void Default(JsonObject pod, IReadOnlyList<JsonObject> limitRanges)
    {
        var annotations = new List<string>();
        foreach (var lr in limitRanges)
        {
            var defaults = new JsonObject();
            var defaultRequests = new JsonObject();
            foreach (var item in ContainerItems([lr], "Container"))
            {
                foreach (var (k, v) in item["default"] as JsonObject ?? []) defaults[k] = v?.DeepClone();
                foreach (var (k, v) in item["defaultRequest"] as JsonObject ?? []) defaultRequests[k] = v?.DeepClone();
            }
            if (defaults.Count + defaultRequests.Count == 0) continue;
            foreach (var (field, label) in new[] { ("containers", "container"), ("initContainers", "init container") })
                foreach (var c in (pod.Path("spec." + field) as JsonArray)?.OfType<JsonObject>() ?? [])
                    if (Merge(c, defaults, defaultRequests, label) is { } note) annotations.Add(note);
        }
        if (annotations.Count == 0) return;
        var meta = pod.Meta();
        if (meta["annotations"] is not JsonObject a) meta["annotations"] = a = new JsonObject();
        a[Annotation] = "LimitRanger plugin set: " + string.Join("; ", annotations);
    }

    private static string? Merge(JsonObject container, JsonObject defaults, JsonObject defaultRequests, string label)
    {
        if (container["resources"] is not JsonObject resources) container["resources"] = resources = new JsonObject();
        if (resources["limits"] is not JsonObject limits) limits = new JsonObject();
        if (resources["requests"] is not JsonObject requests) requests = new JsonObject();
        var setLimits = new List<string>();
        var setRequests = new List<string>();
        foreach (var (k, v) in defaults)
            if (!limits.ContainsKey(k)) { limits[k] = v?.DeepClone(); setLimits.Add(k); }
        foreach (var (k, v) in defaultRequests)
            if (!requests.ContainsKey(k)) { requests[k] = v?.DeepClone(); setRequests.Add(k); }
        if (limits.Count > 0) resources["limits"] = limits;
        if (requests.Count > 0) resources["requests"] = requests;
        var name = container.Str("name");
        var parts = new List<string>();
        if (setRequests.Count > 0) parts.Add($"{string.Join(", ", setRequests.Order(StringComparer.Ordinal))} request for {label} {name}");
        if (setLimits.Count > 0) parts.Add($"{string.Join(", ", setLimits.Order(StringComparer.Ordinal))} limit for {label} {name}");
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    /// <summary>Validate: PodValidateLimitFunc. Returns the refusal (one error, or "[a, b]" for several) or null.</summary>
    public static string? Validate(JsonObject pod, IReadOnlyList<JsonObject> limitRanges)
    {
        var errors = new List<string>();
        foreach (var item in ContainerItems(limitRanges, "Container"))
            foreach (var field in new[] { "containers", "initContainers" })
                foreach (var c in (pod.Path("spec." + field) as JsonArray)?.OfType<JsonObject>() ?? [])
                    Check(item, "Container", ResourceLists.Parse(c.Path("resources.requests")), ResourceLists.Parse(c.Path("resources.limits")),
                        Canonical(c.Path("resources.requests")), Canonical(c.Path("resources.limits")), errors);
        foreach (var item in ContainerItems(limitRanges, "Pod"))
        {
            var requests = ResourceLists.PodRequests(pod);
            var limits = ResourceLists.PodLimits(pod);
            Check(item, "Pod", requests, limits, requests.ToDictionary(kv => kv.Key, kv => ResourceLists.Format(kv.Key, kv.Value)),
                limits.ToDictionary(kv => kv.Key, kv => ResourceLists.Format(kv.Key, kv.Value)), errors);
        }
        return errors.Count switch { 0 => null, 1 => errors[0], _ => "[" + string.Join(", ", errors) + "]" };
    }

    private static Dictionary<string, string> Canonical(JsonNode? list) =>
        ObjectMeta.StringMap(list).ToDictionary(kv => kv.Key, kv => ResourceLists.TryValue(kv.Value, out _) ? ResourceLists.Canonical(kv.Value) : kv.Value);

    private static void Check(JsonObject item, string limitType, Dictionary<string, decimal> req, Dictionary<string, decimal> lim,
        Dictionary<string, string> reqText, Dictionary<string, string> limText, List<string> errors)
    {
        foreach (var (k, v) in ObjectMeta.StringMap(item["min"]))
        {
            var enforced = ResourceLists.Value(v);
            var canon = ResourceLists.Canonical(v);
            if (!req.TryGetValue(k, out var r)) errors.Add($"minimum {k} usage per {limitType} is {canon}.  No request is specified");
            else if (r < enforced) errors.Add($"minimum {k} usage per {limitType} is {canon}, but request is {reqText[k]}");
            else if (lim.TryGetValue(k, out var l) && l < enforced) errors.Add($"minimum {k} usage per {limitType} is {canon}, but limit is {limText[k]}");
        }
        foreach (var (k, v) in ObjectMeta.StringMap(item["max"]))
        {
            var enforced = ResourceLists.Value(v);
            var canon = ResourceLists.Canonical(v);
            if (!lim.TryGetValue(k, out var l)) errors.Add($"maximum {k} usage per {limitType} is {canon}.  No limit is specified");
            else if (l > enforced) errors.Add($"maximum {k} usage per {limitType} is {canon}, but limit is {limText[k]}");
            else if (req.TryGetValue(k, out var r) && r > enforced) errors.Add($"maximum {k} usage per {limitType} is {canon}, but request is {reqText[k]}");
        }
        foreach (var (k, v) in ObjectMeta.StringMap(item["maxLimitRequestRatio"]))
        {
            var enforced = ResourceLists.Value(v);
            var canon = ResourceLists.Canonical(v);
            if (!req.TryGetValue(k, out var r) || r == 0) errors.Add($"{k} max limit to request ratio per {limitType} is {canon}, but no request is specified or request is 0");
            else if (!lim.TryGetValue(k, out var l) || l == 0) errors.Add($"{k} max limit to request ratio per {limitType} is {canon}, but no limit is specified or limit is 0");
            else if (l / r > enforced) errors.Add($"{k} max limit to request ratio per {limitType} is {canon}, but provided ratio is {(double)(l / r):F6}");
        }
    }
}
