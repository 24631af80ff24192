using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// A minimal OpenAPI v3 surface. kubectl 1.32 reads /openapi/v3 to learn whether the server validates fields itself
/// (a PATCH operation tagged with the kind's x-kubernetes-group-version-kind that lists a <c>fieldValidation</c> parameter);
/// when it does, kubectl sends <c>fieldValidation=Strict</c> and skips client-side schema validation.
/// Component schemas (<see cref="OpenApiSchemas"/>) let <c>kubectl explain</c> work and tell kubectl how lists merge.
/// </summary>
public static class OpenApi
{
    internal static string PathKey(string groupVersion) => groupVersion.Contains('/') ? "apis/" + groupVersion : "api/" + groupVersion;

    /// <summary>The index of group versions; <paramref name="custom"/> adds the served custom resources (hashed with their CRDs' versions).</summary>
    public static JsonObject Root(IReadOnlyList<ResourceType>? custom = null)
    {
        var paths = new JsonObject();
        foreach (var gv in ResourceRegistry.GroupVersions)
            paths[PathKey(gv)] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{PathKey(gv)}?hash={Hash(gv)}" };
        foreach (var group in (custom ?? []).GroupBy(t => t.GroupVersion))
        {
            if (paths.ContainsKey(PathKey(group.Key))) continue;
            var versions = string.Join(",", group.Select(t => t.Custom?.SpecHash));
            paths[PathKey(group.Key)] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{PathKey(group.Key)}?hash={Hash(group.Key + "#" + versions)}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    internal static string Hash(string gv) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(gv + Discovery.GitVersion)))[..32];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonObject?> Cache = new();

    /// <summary>The document for one group version (built once; every caller gets its own copy).</summary>
    public static JsonObject? GroupVersion(string pathKey)
        => Cache.GetOrAdd(pathKey, Build)?.DeepClone() as JsonObject;

    private static JsonObject? Build(string pathKey)
    {
        var gv = pathKey.StartsWith("apis/", StringComparison.Ordinal) ? pathKey[5..] : pathKey.StartsWith("api/", StringComparison.Ordinal) ? pathKey[4..] : null;
        var types = ResourceRegistry.Types.Where(t => t.GroupVersion == gv).ToList();
        if (types.Count == 0) return null;
        var paths = new JsonObject();
        foreach (var t in types) AddPatchPath(paths, t);
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = Discovery.GitVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = OpenApiSchemas.For(types) },
        };
    }

    /// <summary>The item path with its PATCH operation: kubectl reads the <c>fieldValidation</c> parameter and the kind from it.</summary>
    internal static void AddPatchPath(JsonObject paths, ResourceType t)
    {
        var prefix = "/" + PathKey(t.GroupVersion) + (t.Namespaced ? "/namespaces/{namespace}/" : "/") + t.Plural + "/{name}";
        JsonArray Params(params string[] names) => new(names.Select(n => (JsonNode?)new JsonObject
        {
            ["name"] = n, ["in"] = n is "name" or "namespace" ? "path" : "query", ["schema"] = new JsonObject { ["type"] = "string" },
        }).ToArray());
        var gvk = new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind };
        paths[prefix] = new JsonObject
        {
            ["parameters"] = Params(t.Namespaced ? ["name", "namespace", "pretty"] : ["name", "pretty"]),
            ["patch"] = new JsonObject
            {
                ["operationId"] = $"patch{t.Kind}",
                ["parameters"] = Params("dryRun", "fieldManager", "fieldValidation", "force"),
                ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                ["x-kubernetes-action"] = "patch",
                ["x-kubernetes-group-version-kind"] = gvk,
            },
        };
    }
}
