using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// The OpenAPI v3 document of a custom group version, built from the CRDs' schemas as apiextensions-apiserver's openapi
/// builder does (pkg/controller/openapi/builder/builder.go): the component <c>com.example.v1.Widget</c> is the version's
/// schema with apiVersion, kind and a metadata reference to ObjectMeta, tagged with x-kubernetes-group-version-kind, plus the
/// item path's PATCH operation (its <c>fieldValidation</c> parameter tells kubectl to leave field validation to the server).
/// <c>kubectl explain widgets.spec</c> reads it.
/// </summary>
public static class CustomResourceOpenApi
{
    public static JsonObject? GroupVersion(string pathKey, IReadOnlyList<ResourceType> served)
    {
        var types = served.Where(t => OpenApi.PathKey(t.GroupVersion) == pathKey).ToList();
        if (types.Count == 0) return null;
        var paths = new JsonObject();
        var schemas = new JsonObject();
        var objectMeta = OpenApiSchemas.Add(typeof(k8s.Models.V1ObjectMeta), schemas);
        var listMeta = OpenApiSchemas.Add(typeof(k8s.Models.V1ListMeta), schemas);
        foreach (var t in types)
        {
            OpenApi.AddPatchPath(paths, t);
            var name = ComponentName(t);
            var schema = t.Custom?.Schema?.DeepClone() as JsonObject ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
            if (schema["properties"] is not JsonObject properties) schema["properties"] = properties = new JsonObject();
            properties["apiVersion"] = new JsonObject
            {
                ["type"] = "string",
                ["description"] = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
            };
            properties["kind"] = new JsonObject
            {
                ["type"] = "string",
                ["description"] = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
            };
            properties["metadata"] = new JsonObject
            {
                ["description"] = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
                ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/schemas/" + objectMeta }),
            };
            schema["x-kubernetes-group-version-kind"] = Gvk(t, t.Kind);
            schemas[name] = schema;
            schemas[name + "List"] = new JsonObject
            {
                ["description"] = $"{t.Custom?.ListKind ?? t.Kind + "List"} is a list of {t.Kind}",
                ["type"] = "object",
                ["required"] = new JsonArray("items"),
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = properties["apiVersion"]!.DeepClone(),
                    ["kind"] = properties["kind"]!.DeepClone(),
                    ["items"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = "#/components/schemas/" + name } },
                    ["metadata"] = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/schemas/" + listMeta }) },
                },
                ["x-kubernetes-group-version-kind"] = Gvk(t, t.Custom?.ListKind ?? t.Kind + "List"),
            };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes CRD Swagger", ["version"] = "v0.1.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    /// <summary>The group reversed, then version and kind: <c>widgets.example.com/v1</c> → <c>com.example.v1.Widget</c>.</summary>
    public static string ComponentName(ResourceType t) => string.Join(".", t.Group.Split('.').Reverse()) + "." + t.Version + "." + t.Kind;

    private static JsonArray Gvk(ResourceType t, string kind) => new(new JsonObject { ["group"] = t.Group, ["kind"] = kind, ["version"] = t.Version });
}
