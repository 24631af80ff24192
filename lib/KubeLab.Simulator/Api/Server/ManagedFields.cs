using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Server;

/// <summary>Minimal metadata.managedFields bookkeeping: one entry per manager and operation (the field set itself is not tracked).</summary>
public static class ManagedFields
{
    public static void Record(JsonObject obj, string manager, string operation, string time)
    {
        var meta = obj.Meta();
        var list = meta["managedFields"] as JsonArray ?? new JsonArray();
        foreach (var e in list.OfType<JsonObject>().ToList())
            if (e.Str("manager") == manager && e.Str("operation") == operation) list.Remove(e);
        list.Add(new JsonObject
        {
            ["manager"] = manager, ["operation"] = operation, ["apiVersion"] = obj.Str("apiVersion"),
            ["time"] = time, ["fieldsType"] = "FieldsV1", ["fieldsV1"] = new JsonObject(),
        });
        meta["managedFields"] = list;
    }
}
