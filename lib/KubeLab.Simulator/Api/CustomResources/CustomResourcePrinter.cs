using System.Globalization;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Printing;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Api.CustomResources;

/// <summary>
/// The table of a custom resource (apiextensions-apiserver registry/customresource/tableconvertor): a Name column, then the
/// version's additionalPrinterColumns, or a single Age column when it declares none. <c>date</c> cells print as an age.
/// </summary>
public static class CustomResourcePrinter
{
    private static readonly TableColumn DefaultAge = new("Age", "date", "", 0, TableColumn.Age.Description);

    public static KindPrinter For(JsonArray? declared)
    {
        var columns = new List<(TableColumn Column, string JsonPath)>();
        foreach (var c in declared?.OfType<JsonObject>() ?? [])
            columns.Add((new TableColumn(c.Str("name") ?? "", c.Str("type") ?? "string", c.Str("format") ?? "", (int)(c["priority"].Long() ?? 0),
                c.Str("description") ?? ""), c.Str("jsonPath") ?? ""));
        if (columns.Count == 0) columns.Add((DefaultAge, ".metadata.creationTimestamp"));
        var all = new List<TableColumn> { TableColumn.NameColumn };
        all.AddRange(columns.Select(c => c.Column));
        return new KindPrinter(all, (obj, now) =>
        {
            var cells = new List<JsonNode?> { obj.Name() };
            foreach (var (column, path) in columns) cells.Add(Cell(column.Type, JsonPathLite.First(obj, path), now));
            return cells;
        });
    }

    private static JsonNode? Cell(string type, JsonNode? value, DateTimeOffset now)
    {
        if (value is null) return null;
        if (type == "date")
            return DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? HumanDuration.Format(now - at) : "<invalid>";
        return value is JsonValue v && v.TryGetValue<string>(out var s) ? s : type == "string" && value is not JsonValue ? value.ToJsonString() : value.DeepClone();
    }
}

/// <summary>
/// The subset of client-go's JSONPath printer columns use: <c>.a.b</c>, <c>{.a.b}</c>, <c>.list[0]</c>, <c>.list[*]</c> and the
/// filter <c>.conditions[?(@.type=="Ready")].status</c>. Returns the first match.
/// </summary>
public static class JsonPathLite
{
    public static JsonNode? First(JsonNode? root, string path)
    {
        path = path.Trim();
        if (path.StartsWith('{') && path.EndsWith('}')) path = path[1..^1];
        IEnumerable<JsonNode?> current = [root];
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] is not ('.' or '[')) end++;
                var name = path[(i + 1)..end];
                if (name.Length > 0) current = current.Select(n => (n as JsonObject)?[name]).Where(n => n is not null).ToList();
                i = end;
            }
            else if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                if (close < 0) return null;
                var inner = path[(i + 1)..close];
                current = current.SelectMany(n => Index(n as JsonArray, inner)).ToList();
                i = close + 1;
            }
            else return null;
        }
        return current.FirstOrDefault();
    }

    private static IEnumerable<JsonNode?> Index(JsonArray? list, string inner)
    {
        if (list is null) return [];
        if (inner == "*") return list;
        if (int.TryParse(inner, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            if (index < 0) index += list.Count;
            return index >= 0 && index < list.Count ? [list[index]] : [];
        }
        // ?(@.field=="value")
        var m = System.Text.RegularExpressions.Regex.Match(inner, "^\\?\\(@\\.([\\w.-]+)\\s*==\\s*[\"']([^\"']*)[\"']\\)$");
        if (!m.Success) return [];
        return list.Where(e => First(e, "." + m.Groups[1].Value)?.ToString() == m.Groups[2].Value);
    }
}
