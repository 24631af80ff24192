using System.Reflection;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Api.Patching;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// Upstream controllers write their objects with Update / UpdateStatus (PUT), and their bootstrap roles
/// (controller_policy.go) grant exactly that: <c>update</c> on <c>deployments/status</c>, <c>replicasets/status</c>,
/// <c>persistentvolumeclaims</c>… but not <c>patch</c>. The simulator's controllers describe a change as a merge patch; this
/// applies it to the controller's cached copy and gives the object to PUT.
/// </summary>
public static class UpdateFromPatch
{
    /// <summary>
    /// The body of an UpdateStatus: the cached object with <paramref name="statusPatch"/> (<c>{"status":{…}}</c>) merged in and no
    /// resourceVersion – the status subresource takes only the status, and the controller's status is its own computation, so
    /// it need not be guarded against a concurrent spec change (upstream re-reads and retries on the 409 instead).
    /// </summary>
    public static T Status<T>(T cached, string statusPatch) where T : IKubernetesObject<V1ObjectMeta>
    {
        var merged = Merge(cached, statusPatch);
        (merged["metadata"] as JsonObject)?.Remove("resourceVersion");
        return KubernetesJson.Deserialize<T>(merged.ToJsonString());
    }

    /// <summary>
    /// The body of an Update: the cached object with <paramref name="patch"/> merged in, guarded by the cached resourceVersion (or
    /// the one the patch names): a stale copy gets the 409 and the controller's retry reads the newer one, as upstream.
    /// </summary>
    public static T Object<T>(T cached, string patch) where T : IKubernetesObject<V1ObjectMeta> =>
        KubernetesJson.Deserialize<T>(Merge(cached, patch).ToJsonString());

    private static JsonObject Merge<T>(T cached, string patch)
    {
        var current = JsonNode.Parse(KubernetesJson.Serialize(cached))!.AsObject();
        // Objects from a list carry no kind; the PUT body names it, as client-go's typed clients do.
        var entity = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>();
        if (entity is not null)
        {
            current["apiVersion"] = string.IsNullOrEmpty(entity.Group) ? entity.ApiVersion : $"{entity.Group}/{entity.ApiVersion}";
            current["kind"] = entity.Kind;
        }
        return MergePatch.Apply(current, JsonNode.Parse(patch))!.AsObject();
    }
}
