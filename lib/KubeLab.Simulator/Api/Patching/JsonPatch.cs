// Microsoft.AspNetCore.JsonPatch.SystemTextJson 10.0.15 was tried in place of this file and dropped: its JsonPatchDocument.ApplyTo on a
// JsonObject throws "The value at 'a' cannot be null or empty to perform the test operation." for a `test` of null or "" (RFC 6902 compares
// those like any other value; empty label values are common in Kubernetes), it silently skips an unknown "op", and a failed patch leaves
// the earlier operations applied.
using System.Globalization;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Patching;

/// <summary>
/// JSON Patch (RFC 6902) over System.Text.Json nodes: add, remove, replace, move, copy, test. Error texts follow evanphx/json-patch,
/// the library the Kubernetes API server applies JSON patches with.
/// </summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonArray operations)
    {
        // Work on a copy: RFC 6902 §5 makes the patch atomic, so a failing operation must leave the stored object untouched.
        var root = document.DeepClone();
        foreach (var opNode in operations)
        {
            if (opNode is not JsonObject op) throw new FormatException("json patch operation must be an object");
            var kind = Text(op, "op") ?? throw new FormatException("json patch operation is missing a string \"op\"");
            var path = Text(op, "path") ?? throw new FormatException($"json patch {kind} operation is missing a string \"path\"");
            switch (kind)
            {
                case "add": root = Add(root, path, Value(op), kind); break;
                case "remove": Remove(root, path, kind); break;
                case "replace": root = Replace(root, path, Value(op), kind); break;
                case "move": root = Add(root, path, Remove(root, From(op), kind), kind); break;
                case "copy": root = Add(root, path, Get(root, From(op), kind)?.DeepClone(), kind); break;
                case "test":
                    // A missing "value" means null, as in evanphx/json-patch; numbers compare by value and objects ignore member order.
                    if (!TryGet(root, path, out var current) || !JsonNode.DeepEquals(current, op["value"]))
                        throw new FormatException($"testing value {path} failed");
                    break;
                default: throw new FormatException($"Unexpected kind: {kind}");
            }
        }
        return root;
    }

    private static string? Text(JsonObject op, string name) => op[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static JsonNode? Value(JsonObject op)
        => op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw new FormatException($"json patch {Text(op, "op")} operation is missing \"value\"");

    private static string From(JsonObject op) => Text(op, "from") ?? throw new FormatException($"json patch {Text(op, "op")} operation is missing a string \"from\"");

    private static FormatException Missing(string kind, string pointer)
        => new($"{kind} operation does not apply: doc is missing path: \"{pointer}\": missing value");

    /// <summary>RFC 6901 reference tokens: "~1" is decoded before "~0", so "~01" means the key "~1".</summary>
    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw new FormatException($"JSON pointer must be empty or start with '/': \"{pointer}\"");
        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToList();
    }

    /// <summary>An array index token is plain decimal digits; "-" (past the end) only means something to add.</summary>
    private static int? Index(string token)
        => token.Length > 0 && token.All(char.IsAsciiDigit) && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;

    private static bool TryChild(JsonNode? node, string token, out JsonNode? child)
    {
        child = null;
        switch (node)
        {
            case JsonObject o: return o.TryGetPropertyValue(token, out child);
            case JsonArray a when Index(token) is int i && i < a.Count: child = a[i]; return true;
            default: return false;
        }
    }

    private static bool TryGet(JsonNode root, string pointer, out JsonNode? found)
    {
        found = root;
        foreach (var t in Tokens(pointer))
            if (!TryChild(found, t, out found)) return false;
        return true;
    }

    private static JsonNode? Get(JsonNode root, string pointer, string kind)
        => TryGet(root, pointer, out var found) ? found : throw Missing(kind, pointer);

    /// <summary>The container the last token lives in; missing intermediate members are not created (RFC 6902 §4.1).</summary>
    private static (JsonNode? Parent, string Last) Parent(JsonNode root, string pointer, List<string> tokens, string kind)
    {
        JsonNode? parent = root;
        foreach (var t in tokens.SkipLast(1))
            if (!TryChild(parent, t, out parent)) throw Missing(kind, pointer);
        return (parent, tokens[^1]);
    }

    private static JsonNode Add(JsonNode root, string pointer, JsonNode? value, string kind)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0) return value ?? throw new FormatException("cannot replace the whole document with null");
        var (parent, last) = Parent(root, pointer, tokens, kind);
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when Index(last) is int i && i <= a.Count: a.Insert(i, value); break;
            default: throw Missing(kind, pointer);
        }
        return root;
    }

    private static JsonNode Replace(JsonNode root, string pointer, JsonNode? value, string kind)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0) return value ?? throw new FormatException("cannot replace the whole document with null");
        var (parent, last) = Parent(root, pointer, tokens, kind);
        // In place, so the member keeps its position in the object (what a reader of `kubectl get -o yaml` expects).
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last): o[last] = value; break;
            case JsonArray a when Index(last) is int i && i < a.Count: a[i] = value; break;
            default: throw Missing(kind, pointer);
        }
        return root;
    }

    /// <summary>Removes the target and returns it, detached, so move can re-insert it.</summary>
    private static JsonNode? Remove(JsonNode root, string pointer, string kind)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0) throw new FormatException($"{kind} operation cannot remove the whole document");
        var (parent, last) = Parent(root, pointer, tokens, kind);
        JsonNode? removed;
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out removed): o.Remove(last); break;
            case JsonArray a when Index(last) is int i && i < a.Count: removed = a[i]; a.RemoveAt(i); break;
            default: throw Missing(kind, pointer);
        }
        return removed;
    }
}
