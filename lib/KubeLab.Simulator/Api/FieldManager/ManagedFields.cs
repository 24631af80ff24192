using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.FieldManager;

/// <summary>
/// metadata.managedFields bookkeeping: one entry per manager, operation and subresource. Apply entries carry the fields the
/// manager applied (fieldsV1); Update entries record who wrote, with an empty field set (their fields are not tracked).
/// </summary>
public static class ManagedFields
{
    public static void Record(JsonObject obj, string manager, string operation, string time)
        => Put(obj, manager, operation, null, new JsonObject(), time);

    internal static void RecordApply(JsonObject obj, string manager, string? subresource, FieldSet fields, string time)
        => Put(obj, manager, "Apply", subresource, fields.ToJson(), time);

    private static void Put(JsonObject obj, string manager, string operation, string? subresource, JsonObject fieldsV1, string time)
    {
        var meta = obj.Meta();
        var list = meta["managedFields"] as JsonArray ?? new JsonArray();
        foreach (var e in list.OfType<JsonObject>().ToList())
            if (Is(e, manager, operation, subresource)) list.Remove(e);
        var entry = new JsonObject
        {
            ["manager"] = manager, ["operation"] = operation, ["apiVersion"] = obj.Str("apiVersion"),
            ["time"] = time, ["fieldsType"] = "FieldsV1", ["fieldsV1"] = fieldsV1,
        };
        if (subresource is not null) entry["subresource"] = subresource;
        list.Add(entry);
        meta["managedFields"] = list;
    }

    internal static bool Is(JsonObject entry, string manager, string operation, string? subresource)
        => entry.Str("manager") == manager && entry.Str("operation") == operation && (entry.Str("subresource") ?? "") == (subresource ?? "");

    internal static IEnumerable<JsonObject> ApplyEntries(JsonObject obj)
        => (obj.Meta()["managedFields"] as JsonArray)?.OfType<JsonObject>().Where(e => e.Str("operation") == "Apply") ?? [];

    /// <summary>What a manager owns from its earlier applies (empty when it never applied).</summary>
    internal static FieldSet AppliedBy(JsonObject obj, string manager, string? subresource)
        => ApplyEntries(obj).FirstOrDefault(e => Is(e, manager, "Apply", subresource)) is { } e ? FieldSet.Parse(e["fieldsV1"]) : new FieldSet();

    /// <summary>Everything owned through the Apply entries of other managers (or of the same manager on another subresource).</summary>
    internal static FieldSet AppliedByOthers(JsonObject obj, string manager, string? subresource)
    {
        var union = new FieldSet();
        foreach (var e in ApplyEntries(obj).Where(e => !Is(e, manager, "Apply", subresource))) union.UnionWith(FieldSet.Parse(e["fieldsV1"]));
        return union;
    }
}
