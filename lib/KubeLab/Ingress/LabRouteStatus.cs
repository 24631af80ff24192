using k8s;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeLab;

/// <summary>Gateway API objects (custom resources, group gateway.networking.k8s.io/v1) read as JSON, and a route's parent status as a table.</summary>
public sealed partial class Lab
{
    public const string GatewayGroup = "gateway.networking.k8s.io";

    /// <summary>A namespaced Gateway API object (plural: gateways, httproutes, grpcroutes) in this chapter's namespace, as JSON.</summary>
    public async Task<JsonObject> GatewayObjectAsync(string plural, string name, CancellationToken ct = default)
    {
        var o = await Client.CustomObjects.GetNamespacedCustomObjectAsync(GatewayGroup, "v1", Namespace, plural, name, cancellationToken: ct).ConfigureAwait(false);
        return JsonSerializer.SerializeToNode(o)!.AsObject();
    }

    /// <summary>The names of the Gateway API objects of one kind in this namespace.</summary>
    public async Task<IReadOnlyList<string>> GatewayObjectNamesAsync(string plural, CancellationToken ct = default)
    {
        var o = await Client.CustomObjects.ListNamespacedCustomObjectAsync(GatewayGroup, "v1", Namespace, plural, cancellationToken: ct).ConfigureAwait(false);
        var list = JsonSerializer.SerializeToNode(o)!["items"]?.AsArray() ?? [];
        return list.Select(i => (string)i!["metadata"]!["name"]!).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// One row per (parent Gateway, condition) of a route's <c>status.parents</c>: Accepted, ResolvedRefs … with status, reason, message
    /// (sigs.k8s.io/gateway-api apis/v1 RouteParentStatus).
    /// </summary>
    public async Task<IReadOnlyList<RouteCondition>> RouteStatusAsync(string plural, string name, CancellationToken ct = default)
        => RouteCondition.From(await GatewayObjectAsync(plural, name, ct).ConfigureAwait(false));
}

/// <summary>A condition of one parent in a route's status.</summary>
public sealed record RouteCondition(string Route, string Parent, string Type, string Status, string Reason, string Message)
{
    internal static IReadOnlyList<RouteCondition> From(JsonObject route)
    {
        var name = (string?)route["metadata"]?["name"] ?? "";
        var rows = new List<RouteCondition>();
        foreach (var p in route["status"]?["parents"]?.AsArray() ?? [])
        {
            var parent = (string?)p?["parentRef"]?["name"] ?? "";
            foreach (var c in p?["conditions"]?.AsArray() ?? [])
                rows.Add(new RouteCondition(name, parent, (string?)c?["type"] ?? "", (string?)c?["status"] ?? "", (string?)c?["reason"] ?? "", (string?)c?["message"] ?? ""));
        }
        return rows;
    }
}
