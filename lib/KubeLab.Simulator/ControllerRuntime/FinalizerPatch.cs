using System.Text.Json.Nodes;
using k8s.Models;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// The merge patch a controller sends to set an object's finalizers: the whole list (a merge patch replaces lists) guarded by
/// the resourceVersion it read, so a finalizer another controller added meanwhile is not lost – the 409 makes it re-read
/// (what upstream controllers get from their Update with the cached object).
/// </summary>
public static class FinalizerPatch
{
    public static V1Patch Set(V1ObjectMeta meta, IEnumerable<string> finalizers) => new(new JsonObject
    {
        ["metadata"] = new JsonObject
        {
            ["resourceVersion"] = meta.ResourceVersion,
            ["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
        },
    }.ToJsonString(), V1Patch.PatchType.MergePatch);

    /// <summary>The patch that removes <paramref name="finalizer"/> and keeps the others.</summary>
    public static V1Patch Without(V1ObjectMeta meta, string finalizer) => Set(meta, (meta.Finalizers ?? []).Where(f => f != finalizer));
}
