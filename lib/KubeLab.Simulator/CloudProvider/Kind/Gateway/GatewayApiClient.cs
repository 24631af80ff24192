using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.CloudProvider.Kind.GatewayApi;

namespace KubeLab.Simulator.CloudProvider.Kind.Gateway;

/// <summary>The Gateway API objects through the generic client (cloud-provider-kind uses the generated gateway-api clientset).</summary>
internal sealed class GatewayApiClient(IKubernetes client)
{
    public async Task<List<JsonObject>> ListAsync(string plural, string version, CancellationToken ct) =>
        (await ListWithVersionAsync(plural, version, ct).ConfigureAwait(false)).Items;

    /// <summary>The items and the list's resourceVersion (the store's current one: any write anywhere changes it).</summary>
    public async Task<(List<JsonObject> Items, string ResourceVersion)> ListWithVersionAsync(string plural, string version, CancellationToken ct)
    {
        var raw = await client.CustomObjects.ListClusterCustomObjectAsync(GatewayApiCrds.Group, version, plural, cancellationToken: ct).ConfigureAwait(false);
        var list = JsonSerializer.SerializeToNode(raw) as JsonObject;
        return ((list?["items"] as JsonArray ?? []).OfType<JsonObject>().ToList(), (string?)list?["metadata"]?["resourceVersion"] ?? "");
    }

    public Task CreateClusterAsync(string plural, JsonObject body, CancellationToken ct) =>
        client.CustomObjects.CreateClusterCustomObjectAsync(body, GatewayApiCrds.Group, "v1", plural, cancellationToken: ct);

    public Task CreateAsync(string plural, string ns, JsonObject body, CancellationToken ct) =>
        client.CustomObjects.CreateNamespacedCustomObjectAsync(body, GatewayApiCrds.Group, "v1", ns, plural, cancellationToken: ct);

    public Task PatchAsync(string plural, string ns, string name, JsonObject patch, CancellationToken ct) =>
        client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), GatewayApiCrds.Group, "v1", ns, plural, name, cancellationToken: ct);

    public Task DeleteAsync(string plural, string ns, string name, CancellationToken ct) =>
        client.CustomObjects.DeleteNamespacedCustomObjectAsync(GatewayApiCrds.Group, "v1", ns, plural, name, cancellationToken: ct);

    public Task PatchStatusAsync(string plural, string? ns, string name, JsonObject status, CancellationToken ct)
    {
        var patch = new V1Patch(new JsonObject { ["status"] = status }.ToJsonString(), V1Patch.PatchType.MergePatch);
        return ns is null
            ? client.CustomObjects.PatchClusterCustomObjectStatusAsync(patch, GatewayApiCrds.Group, "v1", plural, name, cancellationToken: ct)
            : client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, GatewayApiCrds.Group, "v1", ns, plural, name, cancellationToken: ct);
    }
}

/// <summary>metav1.Condition helpers (apimachinery meta.SetStatusCondition: lastTransitionTime kept while the status stays).</summary>
internal static class Conditions
{
    public static JsonObject Make(string type, bool status, string reason, string message, long generation) => new()
    {
        ["type"] = type, ["status"] = status ? "True" : "False", ["reason"] = reason, ["message"] = message, ["observedGeneration"] = generation,
    };

    /// <summary>The desired conditions with the old transition times where type and status did not change; null if nothing changed.</summary>
    public static JsonArray? Merge(JsonArray? current, IEnumerable<JsonObject> desired, DateTimeOffset now)
    {
        var result = new JsonArray();
        var changed = false;
        var list = desired.ToList();
        foreach (var d in list)
        {
            var old = current?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == (string?)d["type"]);
            var same = old is not null && (string?)old["status"] == (string?)d["status"];
            d["lastTransitionTime"] = same ? (string?)old!["lastTransitionTime"] : now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
            changed |= !same || (string?)old!["reason"] != (string?)d["reason"] || (string?)old["message"] != (string?)d["message"]
                || old["observedGeneration"]?.GetValue<long>() != d["observedGeneration"]?.GetValue<long>();
            result.Add(d);
        }
        changed |= (current?.Count ?? 0) != list.Count;
        return changed ? result : null;
    }
}
