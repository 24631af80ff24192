using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.Printing;

/// <summary>Server-side printing: converts objects into a meta.k8s.io/v1 Table, the way kubectl get asks for them.</summary>
public static class TablePrinter
{
    public static JsonObject ToTable(ResourceType type, IEnumerable<JsonObject> items, string resourceVersion, string includeObject, DateTimeOffset now, bool withColumns = true)
    {
        var printer = type.Custom?.Printer ?? KindPrinters.For(type.Kind);
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var cells = new JsonArray(printer.Row(item, now).Select(c => c?.DeepClone()).ToArray());
            var row = new JsonObject { ["cells"] = cells };
            if (includeObject == "Object") row["object"] = item.DeepClone();
            else if (includeObject != "None")
                row["object"] = new JsonObject { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = item.Meta().DeepClone() };
            rows.Add(row);
        }
        var table = new JsonObject
        {
            ["kind"] = "Table", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
        };
        table["columnDefinitions"] = withColumns ? new JsonArray(printer.Columns.Select(c => (JsonNode?)c.ToJson()).ToArray()) : new JsonArray();
        table["rows"] = rows;
        return table;
    }

    public static string Age(JsonObject obj, DateTimeOffset now)
    {
        var created = ObjectMeta.ParseTime(obj.Meta().Str("creationTimestamp"));
        return created is null ? "<unknown>" : HumanDuration.Format(now - created.Value);
    }
}
