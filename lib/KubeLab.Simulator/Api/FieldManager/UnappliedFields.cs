using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.FieldManager;

/// <summary>
/// The first half of server-side apply: before the configuration is merged onto the live object, every field the manager
/// applied last time but leaves out now is removed – unless another applier still owns it (or something inside it).
/// "If the field isn't owned by any other field managers, it is either deleted from the live object or reset to its default
/// value, if it has one. The same rule applies to associative list or map items." (Server-Side Apply, Field management);
/// the default comes back because the registry defaults the result of every write.
/// </summary>
internal static class UnappliedFields
{
    /// <summary>A copy of <paramref name="live"/> ready for <paramref name="config"/> to be merged onto it.</summary>
    public static JsonObject Prepare(JsonObject live, JsonObject config, FieldSet applying, string manager, string? subresource)
    {
        var result = (JsonObject)live.DeepClone();
        var previous = ManagedFields.AppliedBy(live, manager, subresource);
        var others = ManagedFields.AppliedByOthers(live, manager, subresource);
        foreach (var path in previous.Members())
        {
            // Ownership is by exact path: owning something below a path keeps it, owning the list or map above it does not.
            if (applying.Covers(path) || others.Covers(path) || IsKeyField(path)) continue;
            LivePaths.Remove(result, path, keep: others.Covers);
        }
        // An atomic map (a selector) is owned as one value: the applied one replaces the live one instead of merging into it.
        foreach (var path in applying.Members())
            if (applying.IsLeafMember(path) && LivePaths.TryGet(config, path, out var value) && value is JsonObject { Count: > 0 } map)
                LivePaths.Replace(result, path, map.DeepClone());
        return result;
    }

    /// <summary>A list element's key fields go with the element, never on their own.</summary>
    private static bool IsKeyField(IReadOnlyList<string> path)
        => path.Count >= 2 && path[^1].StartsWith("f:", StringComparison.Ordinal) && ListKeys.NamesKeyField(path[^2], path[^1][2..]);
}
