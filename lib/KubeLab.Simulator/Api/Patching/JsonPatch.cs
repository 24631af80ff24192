using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Patching;

/// <summary>JSON Patch (RFC 6902) over System.Text.Json nodes: add, remove, replace, move, copy, test.</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        var root = document.DeepClone();
        foreach (var opNode in operations)
        {
            if (opNode is not JsonObject op) throw new FormatException("json patch operation must be an object");
            var kind = (op["op"] as JsonValue)?.GetValue<string>() ?? throw new FormatException("json patch operation is missing \"op\"");
            var path = (op["path"] as JsonValue)?.GetValue<string>() ?? throw new FormatException($"json patch {kind} operation is missing \"path\"");
            switch (kind)
            {
                case "add": root = Add(root, path, Value(op)); break;
                case "remove": root = Remove(root, path, out _); break;
                case "replace": root = Remove(root, path, out _); root = Add(root, path, Value(op)); break;
                case "move":
                    root = Remove(root, From(op), out var moved);
                    root = Add(root, path, moved);
                    break;
                case "copy": root = Add(root, path, Get(root, From(op))?.DeepClone()); break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path), op["value"])) throw new FormatException($"testing value {path} failed");
                    break;
                default: throw new FormatException($"Unexpected kind: {kind}");
            }
        }
        return root;
    }

    private static JsonNode? Value(JsonObject op)
        => op.ContainsKey("value") ? op["value"]?.DeepClone() : throw new FormatException("json patch operation is missing \"value\"");

    private static string From(JsonObject op) => (op["from"] as JsonValue)?.GetValue<string>() ?? throw new FormatException("json patch operation is missing \"from\"");

    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw new FormatException($"JSON pointer must start with '/': {pointer}");
        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToList();
    }

    private static JsonNode? Get(JsonNode root, string pointer)
    {
        JsonNode? cur = root;
        foreach (var t in Tokens(pointer))
        {
            cur = cur switch
            {
                JsonObject o when o.ContainsKey(t) => o[t],
                JsonArray a when int.TryParse(t, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new FormatException($"doc is missing path: \"{pointer}\": missing value"),
            };
        }
        return cur;
    }

    private static JsonNode Add(JsonNode root, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0) return value ?? throw new FormatException("cannot replace the document with null");
        var parent = tokens.Count == 1 ? root : Get(root, "/" + string.Join("/", tokens.SkipLast(1).Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a:
                if (last == "-") a.Add(value);
                else if (int.TryParse(last, out var i) && i >= 0 && i <= a.Count) a.Insert(i, value);
                else throw new FormatException($"add operation does not apply: doc is missing path: \"{pointer}\": missing value");
                break;
            default: throw new FormatException($"add operation does not apply: doc is missing path: \"{pointer}\": missing value");
        }
        return root;
    }

    private static JsonNode Remove(JsonNode root, string pointer, out JsonNode? removed)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0) throw new FormatException("cannot remove the whole document");
        var parent = tokens.Count == 1 ? root : Get(root, "/" + string.Join("/", tokens.SkipLast(1).Select(Escape)));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                removed = o[last];
                o.Remove(last);
                removed = removed?.DeepClone();
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                removed = a[i]?.DeepClone();
                a.RemoveAt(i);
                break;
            default: throw new FormatException($"doc is missing path: \"{pointer}\": missing value");
        }
        return root;
    }

    private static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");
}
