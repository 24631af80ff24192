using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.FieldManager;

/// <summary>
/// "Whenever a field's value does change, ownership moves from its current manager to the manager making the change"
/// (Server-Side Apply, Field management). Applied on every write: a path whose value differs between the stored and the
/// new object leaves the Apply entries of everyone but the applier doing the write, so a later apply that no longer
/// mentions it does not remove what another writer (kubectl scale, an HPA, kubectl edit) put there. Values that did not
/// change keep their owners; an Apply entry left owning nothing is dropped.
/// </summary>
internal static class FieldOwnershipTransfer
{
    /// <param name="applier">The manager applying in this write (its own entry is already up to date), or null.</param>
    public static void Release(JsonObject before, JsonObject after, string? applier, string? applierSubresource)
    {
        if (after.Meta()["managedFields"] is not JsonArray entries) return;
        foreach (var entry in entries.OfType<JsonObject>().Where(e => e.Str("operation") == "Apply").ToList())
        {
            if (applier is not null && ManagedFields.Is(entry, applier, "Apply", applierSubresource)) continue;
            var owned = FieldSet.Parse(entry["fieldsV1"]);
            var changed = owned.Members().Where(p => !SameValue(before, after, p)).ToList();
            if (changed.Count == 0) continue;
            foreach (var path in changed) owned.Remove(path);
            if (owned.IsEmpty) entries.Remove(entry);
            else entry["fieldsV1"] = owned.ToJson();
        }
    }

    /// <summary>Same presence and same value; for a list element that is its whole content.</summary>
    private static bool SameValue(JsonObject before, JsonObject after, IReadOnlyList<string> path)
    {
        var inBefore = LivePaths.TryGet(before, path, out var b);
        var inAfter = LivePaths.TryGet(after, path, out var a);
        return inBefore == inAfter && (!inBefore || JsonNode.DeepEquals(b, a));
    }
}
