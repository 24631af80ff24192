using k8s;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Tests.EndToEnd;

namespace KubeLab.Simulator.Tests.CloudProvider.Gateway;

/// <summary>What the Gateway API end-to-end tests share: a Gateway of class cloud-provider-kind and reading Gateway API objects.</summary>
internal static class GatewayTestObjects
{
    public const string Group = "gateway.networking.k8s.io";

    /// <summary>Gateway <c>gw</c> with one HTTP listener on 80 whose routes may come from <paramref name="from"/> (Same, All, Selector).</summary>
    public static string Gateway(string from = "Same", string className = "cloud-provider-kind") => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw
        spec:
          gatewayClassName: {className}
          listeners:
          - name: http
            protocol: HTTP
            port: 80
            allowedRoutes:
              namespaces:
                from: {from}
        ---

        """;

    public static async Task<JsonObject> GetAsync(this EndToEndCluster f, string plural, string ns, string name) =>
        JsonSerializer.SerializeToNode(await f.Client.CustomObjects.GetNamespacedCustomObjectAsync(Group, "v1", ns, plural, name))!.AsObject();

    public static async Task<JsonObject> WaitForGatewayObjectAsync(this EndToEndCluster f, string plural, string ns, string name, Func<JsonObject, bool> done, string what)
    {
        JsonObject? last = null;
        await EndToEndCluster.EventuallyAsync(async () => done(last = await f.GetAsync(plural, ns, name)), () => $"{plural} {ns}/{name} never {what}: {last}");
        return last!;
    }

    /// <summary>A field (status, reason…) of the condition of <paramref name="type"/> in a conditions array.</summary>
    public static string? Condition(JsonNode? conditions, string type, string field = "status") =>
        (conditions as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type)?[field]?.GetValue<string>();
}
