using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Lifecycle;

/// <summary>
/// The status conditions the namespace controller keeps on a Terminating namespace while it empties it
/// (pkg/controller/namespace/deletion/status_condition_utils.go, namespaced_resources_deleter.go, 1.32): discovery and
/// parsing succeeded, content deletion failed or not, what content remains ("pods. has 2 resource instances") and which
/// finalizers hold it.
/// </summary>
public static class NamespaceConditions
{
    public static JsonArray For(IEnumerable<(ResourceType Type, JsonObject Object)> contents, JsonArray? previous, string now)
    {
        var list = contents.ToList();
        var remaining = list.GroupBy(x => $"{x.Type.Plural}.{x.Type.Group}").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} has {g.Count()} resource instances").ToList();
        var finalizers = list.SelectMany(x => x.Object.Finalizers()).GroupBy(f => f).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} in {g.Count()} resource instances").ToList();
        JsonObject Condition(string type, bool status, string reason, string message)
        {
            var old = (previous?.OfType<JsonObject>() ?? []).FirstOrDefault(c => c.Str("type") == type);
            var value = status ? "True" : "False";
            return new JsonObject
            {
                ["type"] = type, ["status"] = value,
                ["lastTransitionTime"] = old?.Str("status") == value ? old.Str("lastTransitionTime") : now,
                ["reason"] = reason, ["message"] = message,
            };
        }
        return
        [
            Condition("NamespaceDeletionDiscoveryFailure", false, "ResourcesDiscovered", "All resources successfully discovered"),
            Condition("NamespaceDeletionGroupVersionParsingFailure", false, "ParsedGroupVersions", "All legacy kube types successfully parsed"),
            Condition("NamespaceDeletionContentFailure", false, "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
            remaining.Count > 0
                ? Condition("NamespaceContentRemaining", true, "SomeResourcesRemain", "Some resources are remaining: " + string.Join(", ", remaining))
                : Condition("NamespaceContentRemaining", false, "ContentRemoved", "All content successfully removed"),
            finalizers.Count > 0
                ? Condition("NamespaceFinalizersRemaining", true, "SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: " + string.Join(", ", finalizers))
                : Condition("NamespaceFinalizersRemaining", false, "ContentHasNoFinalizers", "All content-preserving finalizers finished"),
        ];
    }
}
