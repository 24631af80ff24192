using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;
using k8s.Models;

namespace KubeLab.Simulator.Api.Validation.Decoding;

/// <summary>What Go type a field decodes into (k8s.io/api's structs, as KubernetesClient's model classes mirror them).</summary>
public enum GoKind { Any, Int32, Int64, Float64, Bool, String, Bytes, Struct, Map, Slice, Quantity, IntOrString, Time }

/// <summary>
/// One Go type: its kind, its printed name (<c>int32</c>, <c>[]v1.Container</c>, <c>map[string]string</c>, <c>v1.PodSpec</c>),
/// and for structs their JSON fields. Derived once per model class by reflection over <c>JsonPropertyName</c> and property types.
/// </summary>
public sealed class GoShape
{
    private static readonly ConcurrentDictionary<Type, GoShape> Cache = new();

    public GoKind Kind { get; private init; }
    /// <summary>The Go type as reflect.Type.String() prints it.</summary>
    public string GoType { get; private init; } = "";
    /// <summary>The struct's unqualified name (<c>DeploymentSpec</c>), for "Go struct field X.path".</summary>
    public string StructName { get; private init; } = "";
    public GoShape? Element { get; private init; }
    private Dictionary<string, Type>? fieldTypes;

    public GoShape? Field(string jsonName)
        => fieldTypes is not null && fieldTypes.TryGetValue(jsonName, out var t) ? Of(t) : null;

    public bool HasField(string jsonName) => fieldTypes?.ContainsKey(jsonName) == true;

    public static GoShape Of(Type type)
    {
        // Looked up before unwrapping: Nullable.GetUnderlyingType allocates (GetGenericArguments) and ran for every JSON node.
        if (Cache.TryGetValue(type, out var cached)) return cached;
        var underlying = Nullable.GetUnderlyingType(type);
        // Struct fields are resolved lazily (Field), so recursive types such as JSONSchemaProps terminate.
        return Cache.GetOrAdd(type, underlying is null ? Build(type) : Of(underlying));
    }

    private static GoShape Build(Type type)
    {
        if (type == typeof(int) || type == typeof(short)) return new() { Kind = GoKind.Int32, GoType = "int32" };
        if (type == typeof(long)) return new() { Kind = GoKind.Int64, GoType = "int64" };
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return new() { Kind = GoKind.Float64, GoType = "float64" };
        if (type == typeof(bool)) return new() { Kind = GoKind.Bool, GoType = "bool" };
        if (type == typeof(string)) return new() { Kind = GoKind.String, GoType = "string" };
        if (type == typeof(byte[])) return new() { Kind = GoKind.Bytes, GoType = "[]uint8" };
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset)) return new() { Kind = GoKind.Time, GoType = "v1.Time" };
        if (type == typeof(ResourceQuantity)) return new() { Kind = GoKind.Quantity, GoType = "resource.Quantity" };
        if (type == typeof(IntOrString)) return new() { Kind = GoKind.IntOrString, GoType = "intstr.IntOrString" };
        if (IsDictionary(type) && Of(ElementType(type)!) is var value) return new() { Kind = GoKind.Map, GoType = "map[string]" + value.GoType, Element = value };
        if (ElementType(type) is { } element && Of(element) is var item) return new() { Kind = GoKind.Slice, GoType = "[]" + item.GoType, Element = item };
        if (type.Namespace == "k8s.Models" && type.IsClass)
        {
            var fields = new Dictionary<string, Type>();
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                if (p.GetCustomAttribute<JsonPropertyNameAttribute>() is { } json) fields[json.Name] = p.PropertyType;
            if (fields.Count == 0) return new() { Kind = GoKind.Any, GoType = "interface {}" };
            var (package, name) = GoName(type.Name);
            return new() { Kind = GoKind.Struct, GoType = $"{package}.{name}", StructName = name, fieldTypes = fields };
        }
        return new() { Kind = GoKind.Any, GoType = "interface {}" };
    }

    /// <summary>V1DeploymentSpec → (v1, DeploymentSpec); Corev1Event → (v1, Event); V2HorizontalPodAutoscaler → (v2, …).</summary>
    private static (string Package, string Name) GoName(string csharp)
    {
        var m = System.Text.RegularExpressions.Regex.Match(csharp, "^([A-Z][a-z]*)?(v\\d+(?:alpha\\d+|beta\\d+)?)(.+)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        return m.Success ? (m.Groups[2].Value.ToLowerInvariant(), m.Groups[3].Value) : ("v1", csharp);
    }

    private static bool IsDictionary(Type type)
        => type.IsGenericType && type.GetGenericTypeDefinition() is var g && (g == typeof(IDictionary<,>) || g == typeof(Dictionary<,>) || g == typeof(IReadOnlyDictionary<,>));

    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (IsDictionary(type)) return type.GetGenericArguments()[1];
        if (type.IsGenericType && type.GetGenericArguments().Length == 1 && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)) return type.GetGenericArguments()[0];
        return null;
    }
}
