using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Api.Server;

namespace KubeLab.Simulator.Api.Conversion;

/// <summary>
/// autoscaling/v1 HorizontalPodAutoscalers share storage with autoscaling/v2 (the stored form), converted as kube-apiserver
/// does (pkg/apis/autoscaling/v1/conversion.go, annotations.go, v1.32):
/// <list type="bullet">
/// <item>spec.targetCPUUtilizationPercentage ↔ a Resource cpu metric with target type Utilization; a v1 object without one
/// gets the implicit 80 % (DefaultCPUUtilization) on the way in;</item>
/// <item>status.currentCPUUtilizationPercentage ↔ the cpu metric's current averageUtilization;</item>
/// <item>what v1 cannot express travels in annotations: the other metrics (autoscaling.alpha.kubernetes.io/metrics, in the
/// v1 MetricSpec shape), every current metric (…/current-metrics), the conditions (…/conditions) and spec.behavior
/// (…/behavior, the internal Go type marshalled without json tags: <c>{"ScaleUp":{"StabilizationWindowSeconds":0,…}}</c>).
/// On the way in they are read back (unparsable ones are ignored) and always dropped from the stored object.</item>
/// </list>
/// </summary>
public static class HorizontalPodAutoscalerV1Conversion
{
    public const string MetricSpecsAnnotation = "autoscaling.alpha.kubernetes.io/metrics";
    public const string MetricStatusesAnnotation = "autoscaling.alpha.kubernetes.io/current-metrics";
    public const string ConditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions";
    public const string BehaviorSpecsAnnotation = "autoscaling.alpha.kubernetes.io/behavior";
    public const int DefaultCpuUtilization = 80;

    private static readonly string[] RoundTripAnnotations = [MetricSpecsAnnotation, MetricStatusesAnnotation, ConditionsAnnotation, BehaviorSpecsAnnotation];

    /// <summary>Stored (autoscaling/v2) → autoscaling/v1.</summary>
    public static JsonObject ToV1(JsonObject stored)
    {
        var meta = stored.Meta().CloneObject();
        var annotations = DropRoundTrip(meta["annotations"] as JsonObject);
        var spec = stored["spec"] as JsonObject ?? new JsonObject();
        var status = stored["status"] as JsonObject;

        var v1Spec = new JsonObject { ["scaleTargetRef"] = spec["scaleTargetRef"]?.DeepClone() };
        if (spec["minReplicas"] is { } min) v1Spec["minReplicas"] = min.DeepClone();
        v1Spec["maxReplicas"] = spec["maxReplicas"]?.DeepClone() ?? 0;
        var metrics = Objects(spec["metrics"]).ToList();
        // Only the first cpu Resource metric maps to the v1 field, and only when it targets a utilization.
        if (metrics.FirstOrDefault(m => IsCpuResource(m)) is { } cpu && cpu.Path("resource.target.averageUtilization") is { } target)
            v1Spec["targetCPUUtilizationPercentage"] = target.DeepClone();

        var others = metrics.Where(m => !(IsCpuResource(m) && m.Path("resource.target.averageUtilization") is not null)).Select(MetricSpecToV1).ToList();
        if (others.Count > 0) annotations[MetricSpecsAnnotation] = GoJson.Serialize(new JsonArray(others.ToArray<JsonNode?>()));
        var currentMetrics = Objects(status?["currentMetrics"]).ToList();
        if (currentMetrics.Count > 0)
            annotations[MetricStatusesAnnotation] = GoJson.Serialize(new JsonArray(currentMetrics.Select(MetricStatusToV1).ToArray<JsonNode?>()));
        if (spec["behavior"] is JsonObject behavior) annotations[BehaviorSpecsAnnotation] = GoJson.Serialize(BehaviorToInternal(behavior));
        var conditions = Objects(status?["conditions"]).ToList();
        if (conditions.Count > 0) annotations[ConditionsAnnotation] = GoJson.Serialize(new JsonArray(conditions.Select(ConditionToV1).ToArray<JsonNode?>()));
        if (annotations.Count > 0) meta["annotations"] = annotations; else meta.Remove("annotations");

        var result = new JsonObject
        {
            ["kind"] = "HorizontalPodAutoscaler", ["apiVersion"] = "autoscaling/v1", ["metadata"] = meta, ["spec"] = v1Spec,
        };
        // HorizontalPodAutoscalerStatus is not a pointer in v1: it is always written.
        {
            status ??= new JsonObject();
            var v1Status = new JsonObject();
            if (status["observedGeneration"] is { } g) v1Status["observedGeneration"] = g.DeepClone();
            if (status["lastScaleTime"] is { } t) v1Status["lastScaleTime"] = t.DeepClone();
            // currentReplicas and desiredReplicas carry no omitempty in v1.
            v1Status["currentReplicas"] = status["currentReplicas"]?.DeepClone() ?? 0;
            v1Status["desiredReplicas"] = status["desiredReplicas"]?.DeepClone() ?? 0;
            if (currentMetrics.FirstOrDefault(m => m.Str("type") == "Resource" && m.Path("resource.name")?.ToString() == "cpu")?.Path("resource.current.averageUtilization") is { } u)
                v1Status["currentCPUUtilizationPercentage"] = u.DeepClone();
            result["status"] = v1Status;
        }
        return result;
    }

    /// <summary>autoscaling/v1 body → the stored (autoscaling/v2) form.</summary>
    public static JsonObject ToStored(JsonObject v1)
    {
        CheckKind(v1);
        var meta = v1["metadata"] is JsonObject m ? m.CloneObject() : new JsonObject();
        var annotations = meta["annotations"] as JsonObject;
        var spec = v1["spec"] as JsonObject;
        var status = v1["status"] as JsonObject;

        JsonObject? v2Spec = null;
        if (spec is not null)
        {
            v2Spec = new JsonObject { ["scaleTargetRef"] = spec["scaleTargetRef"]?.DeepClone() };
            if (spec["minReplicas"] is { } min) v2Spec["minReplicas"] = min.DeepClone();
            if (spec["maxReplicas"] is { } max) v2Spec["maxReplicas"] = max.DeepClone();
            var metrics = new JsonArray();
            JsonObject? cpu = spec["targetCPUUtilizationPercentage"] is { } target ? CpuUtilizationSpec(target.DeepClone()) : null;
            if (Annotation(annotations, MetricSpecsAnnotation) is JsonArray others)
                foreach (var o in others.OfType<JsonObject>()) metrics.Add(MetricSpecFromV1(o));
            // the v1 field's metric goes after the annotation's ones
            if (cpu is not null) metrics.Add(cpu);
            if (Annotation(annotations, BehaviorSpecsAnnotation) is JsonObject internalBehavior && BehaviorFromInternal(internalBehavior) is { } behavior)
                v2Spec["behavior"] = behavior;
            // autoscaling/v1 had an implicit default applied in the controller; conversion makes it explicit.
            if (metrics.Count == 0) metrics.Add(CpuUtilizationSpec(DefaultCpuUtilization));
            v2Spec["metrics"] = metrics;
        }

        JsonObject? v2Status = null;
        if (status is not null)
        {
            v2Status = new JsonObject();
            if (status["observedGeneration"] is { } g) v2Status["observedGeneration"] = g.DeepClone();
            if (status["lastScaleTime"] is { } t) v2Status["lastScaleTime"] = t.DeepClone();
            if (status["currentReplicas"] is { } c) v2Status["currentReplicas"] = c.DeepClone();
            if (status["desiredReplicas"] is { } d) v2Status["desiredReplicas"] = d.DeepClone();
            if (status["currentCPUUtilizationPercentage"] is { } u)
                v2Status["currentMetrics"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Resource", ["resource"] = new JsonObject { ["name"] = "cpu", ["current"] = new JsonObject { ["averageUtilization"] = u.DeepClone() } },
                });
            // the annotation has more information than the v1 field
            if (Annotation(annotations, MetricStatusesAnnotation) is JsonArray current)
                v2Status["currentMetrics"] = new JsonArray(current.OfType<JsonObject>().Select(MetricStatusFromV1).ToArray<JsonNode?>());
            if (Annotation(annotations, ConditionsAnnotation) is JsonArray conditions)
                v2Status["conditions"] = new JsonArray(conditions.OfType<JsonObject>().Select(ConditionFromV1).ToArray<JsonNode?>());
        }

        var remaining = DropRoundTrip(annotations);
        if (remaining.Count > 0) meta["annotations"] = remaining; else meta.Remove("annotations");
        var result = new JsonObject { ["kind"] = "HorizontalPodAutoscaler", ["apiVersion"] = "autoscaling/v2", ["metadata"] = meta };
        if (v2Spec is not null) result["spec"] = v2Spec;
        if (v2Status is not null) result["status"] = v2Status;
        return result;
    }

    private static void CheckKind(JsonObject obj)
    {
        var kind = obj.Str("kind");
        var apiVersion = obj.Str("apiVersion");
        if (kind is not null && kind != "HorizontalPodAutoscaler")
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version (autoscaling/v1) or kind {kind} does not match HorizontalPodAutoscaler");
        if (apiVersion is not null && apiVersion != "autoscaling/v1")
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version (autoscaling/v1)");
    }

    private static bool IsCpuResource(JsonObject metric) => metric.Str("type") == "Resource" && metric.Path("resource.name")?.ToString() == "cpu";

    private static JsonObject CpuUtilizationSpec(JsonNode target) => new()
    {
        ["type"] = "Resource",
        ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = target } },
    };

    private static IEnumerable<JsonObject> Objects(JsonNode? array) => (array as JsonArray)?.OfType<JsonObject>() ?? [];

    private static JsonObject DropRoundTrip(JsonObject? annotations)
    {
        var result = annotations?.CloneObject() ?? new JsonObject();
        foreach (var key in RoundTripAnnotations) result.Remove(key);
        return result;
    }

    /// <summary>An annotation's JSON, or null when it is absent or does not parse (conversion ignores those).</summary>
    private static JsonNode? Annotation(JsonObject? annotations, string key)
    {
        if (annotations?[key] is not JsonValue v || !v.TryGetValue<string>(out var text)) return null;
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static void Copy(JsonObject from, string fromKey, JsonObject to, string toKey)
    {
        if (from[fromKey] is { } v) to[toKey] = v.DeepClone();
    }

    // ---- metric specs: v2 (MetricTarget, MetricIdentifier) ↔ v1 (the v2beta1-like shape of autoscaling/v1 MetricSpec)

    private static JsonObject MetricSpecToV1(JsonObject m)
    {
        var type = m.Str("type") ?? "";
        var result = new JsonObject { ["type"] = type };
        switch (type)
        {
            case "Object" when m["object"] is JsonObject o:
            {
                var v = new JsonObject { ["target"] = o["describedObject"]?.DeepClone(), ["metricName"] = o.Path("metric.name")?.DeepClone() };
                v["targetValue"] = o.Path("target.value")?.DeepClone() ?? "0";
                if (o.Path("metric.selector") is { } sel) v["selector"] = sel.DeepClone();
                if (o.Path("target.averageValue") is { } av) v["averageValue"] = av.DeepClone();
                result["object"] = v;
                break;
            }
            case "Pods" when m["pods"] is JsonObject p:
            {
                var v = new JsonObject { ["metricName"] = p.Path("metric.name")?.DeepClone(), ["targetAverageValue"] = p.Path("target.averageValue")?.DeepClone() ?? "0" };
                if (p.Path("metric.selector") is { } sel) v["selector"] = sel.DeepClone();
                result["pods"] = v;
                break;
            }
            case "Resource" when m["resource"] is JsonObject r:
                result["resource"] = ResourceTargetToV1(r);
                break;
            case "ContainerResource" when m["containerResource"] is JsonObject c:
            {
                var v = ResourceTargetToV1(c);
                v["container"] = c["container"]?.DeepClone();
                result["containerResource"] = v;
                break;
            }
            case "External" when m["external"] is JsonObject e:
            {
                var v = new JsonObject { ["metricName"] = e.Path("metric.name")?.DeepClone() };
                if (e.Path("metric.selector") is { } sel) v["metricSelector"] = sel.DeepClone();
                if (e.Path("target.value") is { } tv) v["targetValue"] = tv.DeepClone();
                if (e.Path("target.averageValue") is { } av) v["targetAverageValue"] = av.DeepClone();
                result["external"] = v;
                break;
            }
        }
        return result;
    }

    private static JsonObject ResourceTargetToV1(JsonObject r)
    {
        var v = new JsonObject { ["name"] = r["name"]?.DeepClone() };
        if (r.Path("target.averageUtilization") is { } u) v["targetAverageUtilization"] = u.DeepClone();
        if (r.Path("target.averageValue") is { } av) v["targetAverageValue"] = av.DeepClone();
        return v;
    }

    private static JsonObject MetricSpecFromV1(JsonObject m)
    {
        var type = m.Str("type") ?? "";
        var result = new JsonObject { ["type"] = type };
        switch (type)
        {
            case "Object" when m["object"] is JsonObject o:
            {
                var target = new JsonObject { ["type"] = o["averageValue"] is null ? "Value" : "AverageValue", ["value"] = o["targetValue"]?.DeepClone() ?? "0" };
                Copy(o, "averageValue", target, "averageValue");
                result["object"] = new JsonObject { ["describedObject"] = o["target"]?.DeepClone(), ["metric"] = Identifier(o, "metricName", "selector"), ["target"] = target };
                break;
            }
            case "Pods" when m["pods"] is JsonObject p:
                result["pods"] = new JsonObject
                {
                    ["metric"] = Identifier(p, "metricName", "selector"),
                    ["target"] = new JsonObject { ["type"] = "AverageValue", ["averageValue"] = p["targetAverageValue"]?.DeepClone() ?? "0" },
                };
                break;
            case "Resource" when m["resource"] is JsonObject r:
                result["resource"] = new JsonObject { ["name"] = r["name"]?.DeepClone(), ["target"] = ResourceTargetFromV1(r) };
                break;
            case "ContainerResource" when m["containerResource"] is JsonObject c:
                result["containerResource"] = new JsonObject { ["name"] = c["name"]?.DeepClone(), ["target"] = ResourceTargetFromV1(c), ["container"] = c["container"]?.DeepClone() };
                break;
            case "External" when m["external"] is JsonObject e:
            {
                var target = new JsonObject { ["type"] = e["targetValue"] is null ? "AverageValue" : "Value" };
                Copy(e, "targetValue", target, "value");
                Copy(e, "targetAverageValue", target, "averageValue");
                result["external"] = new JsonObject { ["metric"] = Identifier(e, "metricName", "metricSelector"), ["target"] = target };
                break;
            }
        }
        return result;
    }

    private static JsonObject ResourceTargetFromV1(JsonObject r)
    {
        var target = new JsonObject { ["type"] = r["targetAverageUtilization"] is null ? "AverageValue" : "Utilization" };
        Copy(r, "targetAverageValue", target, "averageValue");
        Copy(r, "targetAverageUtilization", target, "averageUtilization");
        return target;
    }

    private static JsonObject Identifier(JsonObject source, string nameKey, string selectorKey)
    {
        var id = new JsonObject { ["name"] = source[nameKey]?.DeepClone() };
        Copy(source, selectorKey, id, "selector");
        return id;
    }

    // ---- metric statuses

    private static JsonObject MetricStatusToV1(JsonObject m)
    {
        var type = m.Str("type") ?? "";
        var result = new JsonObject { ["type"] = type };
        switch (type)
        {
            case "Object" when m["object"] is JsonObject o:
            {
                var v = new JsonObject { ["target"] = o["describedObject"]?.DeepClone(), ["metricName"] = o.Path("metric.name")?.DeepClone(), ["currentValue"] = o.Path("current.value")?.DeepClone() ?? "0" };
                if (o.Path("metric.selector") is { } sel) v["selector"] = sel.DeepClone();
                if (o.Path("current.averageValue") is { } av) v["averageValue"] = av.DeepClone();
                result["object"] = v;
                break;
            }
            case "Pods" when m["pods"] is JsonObject p:
            {
                var v = new JsonObject { ["metricName"] = p.Path("metric.name")?.DeepClone(), ["currentAverageValue"] = p.Path("current.averageValue")?.DeepClone() ?? "0" };
                if (p.Path("metric.selector") is { } sel) v["selector"] = sel.DeepClone();
                result["pods"] = v;
                break;
            }
            case "Resource" when m["resource"] is JsonObject r:
                result["resource"] = ResourceCurrentToV1(r);
                break;
            case "ContainerResource" when m["containerResource"] is JsonObject c:
            {
                var v = ResourceCurrentToV1(c);
                v["container"] = c["container"]?.DeepClone();
                result["containerResource"] = v;
                break;
            }
            case "External" when m["external"] is JsonObject e:
            {
                var v = new JsonObject { ["metricName"] = e.Path("metric.name")?.DeepClone() };
                if (e.Path("metric.selector") is { } sel) v["metricSelector"] = sel.DeepClone();
                v["currentValue"] = e.Path("current.value")?.DeepClone() ?? "0";
                if (e.Path("current.averageValue") is { } av) v["currentAverageValue"] = av.DeepClone();
                result["external"] = v;
                break;
            }
        }
        return result;
    }

    private static JsonObject ResourceCurrentToV1(JsonObject r)
    {
        var v = new JsonObject { ["name"] = r["name"]?.DeepClone() };
        if (r.Path("current.averageUtilization") is { } u) v["currentAverageUtilization"] = u.DeepClone();
        v["currentAverageValue"] = r.Path("current.averageValue")?.DeepClone() ?? "0";
        return v;
    }

    private static JsonObject MetricStatusFromV1(JsonObject m)
    {
        var type = m.Str("type") ?? "";
        var result = new JsonObject { ["type"] = type };
        switch (type)
        {
            case "Object" when m["object"] is JsonObject o:
            {
                var current = new JsonObject { ["value"] = o["currentValue"]?.DeepClone() ?? "0" };
                Copy(o, "averageValue", current, "averageValue");
                result["object"] = new JsonObject { ["metric"] = Identifier(o, "metricName", "selector"), ["current"] = current, ["describedObject"] = o["target"]?.DeepClone() };
                break;
            }
            case "Pods" when m["pods"] is JsonObject p:
                result["pods"] = new JsonObject { ["metric"] = Identifier(p, "metricName", "selector"), ["current"] = new JsonObject { ["averageValue"] = p["currentAverageValue"]?.DeepClone() ?? "0" } };
                break;
            case "Resource" when m["resource"] is JsonObject r:
                result["resource"] = new JsonObject { ["name"] = r["name"]?.DeepClone(), ["current"] = ResourceCurrentFromV1(r) };
                break;
            case "ContainerResource" when m["containerResource"] is JsonObject c:
                result["containerResource"] = new JsonObject { ["name"] = c["name"]?.DeepClone(), ["current"] = ResourceCurrentFromV1(c), ["container"] = c["container"]?.DeepClone() };
                break;
            case "External" when m["external"] is JsonObject e:
            {
                var current = new JsonObject { ["value"] = e["currentValue"]?.DeepClone() ?? "0" };
                Copy(e, "currentAverageValue", current, "averageValue");
                result["external"] = new JsonObject { ["metric"] = Identifier(e, "metricName", "metricSelector"), ["current"] = current };
                break;
            }
        }
        return result;
    }

    private static JsonObject ResourceCurrentFromV1(JsonObject r)
    {
        var current = new JsonObject { ["averageValue"] = r["currentAverageValue"]?.DeepClone() ?? "0" };
        Copy(r, "currentAverageUtilization", current, "averageUtilization");
        return current;
    }

    // ---- conditions (same fields in both versions) and behavior (the internal type, Go field names)

    private static JsonObject ConditionToV1(JsonObject c)
    {
        var v = new JsonObject { ["type"] = c["type"]?.DeepClone(), ["status"] = c["status"]?.DeepClone(), ["lastTransitionTime"] = c["lastTransitionTime"]?.DeepClone() };
        Copy(c, "reason", v, "reason");
        Copy(c, "message", v, "message");
        return v;
    }

    private static JsonObject ConditionFromV1(JsonObject c) => ConditionToV1(c);

    private static JsonObject BehaviorToInternal(JsonObject behavior)
    {
        static JsonNode? Rules(JsonNode? rules) => rules is not JsonObject r ? null : new JsonObject
        {
            ["StabilizationWindowSeconds"] = r["stabilizationWindowSeconds"]?.DeepClone(),
            ["SelectPolicy"] = r["selectPolicy"]?.DeepClone(),
            ["Policies"] = r["policies"] is JsonArray ps
                ? new JsonArray(ps.OfType<JsonObject>().Select(p => (JsonNode?)new JsonObject
                    { ["Type"] = p["type"]?.DeepClone(), ["Value"] = p["value"]?.DeepClone() ?? 0, ["PeriodSeconds"] = p["periodSeconds"]?.DeepClone() ?? 0 }).ToArray())
                : null,
        };
        return new JsonObject { ["ScaleUp"] = Rules(behavior["scaleUp"]), ["ScaleDown"] = Rules(behavior["scaleDown"]) };
    }

    /// <summary>Go's decoder matches field names case-insensitively; an annotation that sets neither direction is ignored.</summary>
    private static JsonObject? BehaviorFromInternal(JsonObject internalBehavior)
    {
        static JsonNode? Field(JsonObject o, string name) => o.FirstOrDefault(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        static JsonObject? Rules(JsonNode? node)
        {
            if (node is not JsonObject r) return null;
            var rules = new JsonObject();
            if (Field(r, "StabilizationWindowSeconds") is { } w) rules["stabilizationWindowSeconds"] = w.DeepClone();
            if (Field(r, "SelectPolicy") is { } s) rules["selectPolicy"] = s.DeepClone();
            if (Field(r, "Policies") is JsonArray ps)
                rules["policies"] = new JsonArray(ps.OfType<JsonObject>().Select(p => (JsonNode?)new JsonObject
                    { ["type"] = Field(p, "Type")?.DeepClone(), ["value"] = Field(p, "Value")?.DeepClone() ?? 0, ["periodSeconds"] = Field(p, "PeriodSeconds")?.DeepClone() ?? 0 }).ToArray());
            return rules;
        }
        var up = Rules(Field(internalBehavior, "ScaleUp"));
        var down = Rules(Field(internalBehavior, "ScaleDown"));
        if (up is null && down is null) return null;
        var behavior = new JsonObject();
        if (up is not null) behavior["scaleUp"] = up;
        if (down is not null) behavior["scaleDown"] = down;
        return behavior;
    }
}
