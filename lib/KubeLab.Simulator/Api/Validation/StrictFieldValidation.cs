using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Util;

namespace KubeLab.Simulator.Api.Validation;

/// <summary>
/// Server-side field validation (<c>?fieldValidation=Strict</c>, what kubectl 1.32 sends by default): unknown fields are
/// rejected with <c>strict decoding error: unknown field "spec.containers[0].imagee"</c>. The schema is taken from
/// KubernetesClient's model classes (their JSON property names mirror the API).
/// </summary>
public static class StrictFieldValidation
{
    private static readonly Dictionary<string, Type> ModelTypes = new()
    {
        ["v1/Namespace"] = typeof(V1Namespace), ["v1/Node"] = typeof(V1Node), ["v1/Pod"] = typeof(V1Pod), ["v1/Event"] = typeof(Corev1Event),
        ["v1/Service"] = typeof(V1Service), ["v1/ConfigMap"] = typeof(V1ConfigMap), ["v1/Secret"] = typeof(V1Secret),
        ["v1/ServiceAccount"] = typeof(V1ServiceAccount), ["v1/Endpoints"] = typeof(V1Endpoints),
        ["v1/PersistentVolumeClaim"] = typeof(V1PersistentVolumeClaim), ["v1/PersistentVolume"] = typeof(V1PersistentVolume),
        ["v1/ReplicationController"] = typeof(V1ReplicationController), ["apps/v1/ReplicaSet"] = typeof(V1ReplicaSet),
        ["apps/v1/Deployment"] = typeof(V1Deployment), ["apps/v1/DaemonSet"] = typeof(V1DaemonSet), ["apps/v1/StatefulSet"] = typeof(V1StatefulSet),
        ["batch/v1/Job"] = typeof(V1Job), ["batch/v1/CronJob"] = typeof(V1CronJob),
        ["autoscaling/v2/HorizontalPodAutoscaler"] = typeof(V2HorizontalPodAutoscaler),
        ["autoscaling/v1/HorizontalPodAutoscaler"] = typeof(V1HorizontalPodAutoscaler), ["events.k8s.io/v1/Event"] = typeof(Eventsv1Event),
        ["apps/v1/ControllerRevision"] = typeof(V1ControllerRevision), ["storage.k8s.io/v1/StorageClass"] = typeof(V1StorageClass),
        ["discovery.k8s.io/v1/EndpointSlice"] = typeof(V1EndpointSlice),
        ["networking.k8s.io/v1/Ingress"] = typeof(V1Ingress), ["networking.k8s.io/v1/IngressClass"] = typeof(V1IngressClass),
        ["apiextensions.k8s.io/v1/CustomResourceDefinition"] = typeof(V1CustomResourceDefinition),
        ["rbac.authorization.k8s.io/v1/Role"] = typeof(V1Role), ["rbac.authorization.k8s.io/v1/ClusterRole"] = typeof(V1ClusterRole),
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = typeof(V1RoleBinding), ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = typeof(V1ClusterRoleBinding),
        ["authorization.k8s.io/v1/SubjectAccessReview"] = typeof(V1SubjectAccessReview), ["authorization.k8s.io/v1/LocalSubjectAccessReview"] = typeof(V1LocalSubjectAccessReview),
        ["authorization.k8s.io/v1/SelfSubjectAccessReview"] = typeof(V1SelfSubjectAccessReview), ["authorization.k8s.io/v1/SelfSubjectRulesReview"] = typeof(V1SelfSubjectRulesReview),
        ["v1/ResourceQuota"] = typeof(V1ResourceQuota), ["v1/LimitRange"] = typeof(V1LimitRange),
        ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
    };

    /// <summary>What Prune and Walk need of a (possibly nullable) model type, worked out once: reflection per JSON node
    /// (Nullable.GetUnderlyingType, GetGenericArguments) was ~2 % of the worker threads' CPU at 10,000 pods (issue 7).</summary>
    private sealed record Shape(bool IsDictionary, Type? MapValue, Type? Element, Dictionary<string, Type> Properties, bool IsTime);

    private static readonly ConcurrentDictionary<Type, Shape> Shapes = new();

    private static Shape ShapeOf(Type type) => Shapes.TryGetValue(type, out var shape) ? shape : Shapes.GetOrAdd(type, BuildShape);

    private static Shape BuildShape(Type declared)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        var isDictionary = IsDictionary(type);
        return new Shape(isDictionary, isDictionary && type.GetGenericArguments() is [_, var value] ? value : null, ElementType(type),
            isDictionary ? [] : PropertiesOf(type), type == typeof(DateTime));
    }

    public static Type? ModelType(ResourceType t) => ModelTypes.GetValueOrDefault($"{t.GroupVersion}/{t.Kind}");

    /// <summary>Throws 400 BadRequest when <paramref name="obj"/> has fields the kind does not define (Strict mode).</summary>
    public static void Check(ResourceType t, JsonObject obj, string? mode)
    {
        if (mode is not "Strict" || !ModelTypes.TryGetValue($"{t.GroupVersion}/{t.Kind}", out var type)) return;
        var unknown = new List<string>();
        Walk(obj, type, "", unknown);
        if (unknown.Count == 0) return;
        var fields = string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""));
        throw ApiError.BadRequest($"{t.Kind} in version \"{t.Version}\" cannot be handled as a {t.Kind}: strict decoding error: {fields}");
    }

    /// <summary>
    /// What decoding into the Go struct leaves of a body that passed field validation (Warn and Ignore keep the request): unknown
    /// fields are dropped, and so is an explicit null – encoding/json decodes it to the zero value, which omitempty leaves out
    /// again – except for time fields (metav1.Time is a struct: its zero value is written back as null).
    /// </summary>
    public static void Prune(ResourceType t, JsonObject obj)
    {
        if (ModelTypes.TryGetValue($"{t.GroupVersion}/{t.Kind}", out var type)) Prune(obj, type, top: true);
    }

    private static void Prune(JsonNode? node, Type type, bool top = false)
    {
        var shape = ShapeOf(type);
        switch (node)
        {
            case JsonObject o:
            {
                if (shape.IsDictionary)
                {
                    if (shape.MapValue is { } valueType) foreach (var (_, value) in o.Members()) Prune(value, valueType);
                    return;
                }
                var props = shape.Properties;
                if (props.Count == 0) return;   // free-form (object, IntOrString, quantities...)
                List<string>? drop = null;
                foreach (var (key, value) in o.Members())
                {
                    // kind and apiVersion are read by the decoder itself (and every model has them).
                    if (top && key is "kind" or "apiVersion") continue;
                    if (!props.TryGetValue(key, out var propType)) (drop ??= []).Add(key);
                    else if (value is null) { if (!ShapeOf(propType).IsTime) (drop ??= []).Add(key); }
                    else Prune(value, propType);
                }
                if (drop is not null) foreach (var key in drop) o.Remove(key);
                break;
            }
            case JsonArray a when shape.Element is { } element:
                foreach (var item in a) Prune(item, element);
                break;
        }
    }

    private static void Walk(JsonNode? node, Type type, string path, List<string> unknown)
    {
        var shape = ShapeOf(type);
        switch (node)
        {
            case JsonObject o:
            {
                if (shape.IsDictionary) return;
                var props = shape.Properties;
                if (props.Count == 0) return;   // free-form (object, IntOrString, quantities...)
                foreach (var (key, value) in o.Members())
                {
                    var p = path.Length == 0 ? key : $"{path}.{key}";
                    if (props.TryGetValue(key, out var propType)) Walk(value, propType, p, unknown);
                    else unknown.Add(p);
                }
                break;
            }
            case JsonArray a when shape.Element is { } element:
                for (var i = 0; i < a.Count; i++) Walk(a[i], element, $"{path}[{i}]", unknown);
                break;
        }
    }

    private static Dictionary<string, Type> PropertiesOf(Type type)
    {
        if (type == typeof(object) || type.IsPrimitive || type == typeof(string) || type == typeof(IntOrString) || type == typeof(ResourceQuantity))
            return [];
        var result = new Dictionary<string, Type>();
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.GetCustomAttribute<JsonPropertyNameAttribute>() is { } name) result[name.Name] = p.PropertyType;
        return result;
    }

    private static bool IsDictionary(Type type)
        => type.IsGenericType && type.GetGenericTypeDefinition() is var g && (g == typeof(IDictionary<,>) || g == typeof(Dictionary<,>) || g == typeof(IReadOnlyDictionary<,>));

    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (type.IsGenericType && type.GetGenericArguments().Length == 1) return type.GetGenericArguments()[0];
        return null;
    }
}
