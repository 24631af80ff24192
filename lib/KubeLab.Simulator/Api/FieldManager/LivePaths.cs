using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.FieldManager;

/// <summary>Reads and removes the value a fieldsV1 path (<c>f:</c>, <c>k:</c>, <c>v:</c> elements) names in an object.</summary>
internal static class LivePaths
{
    /// <summary>Whether the path exists; <paramref name="value"/> is what is there (possibly an explicit null).</summary>
    public static bool TryGet(JsonNode? root, IReadOnlyList<string> path, out JsonNode? value)
    {
        value = root;
        foreach (var element in path)
            if (!TryStep(value, element, out value)) return false;
        return true;
    }

    /// <summary>
    /// Removes the member or list element at the path. Maps and lists left empty by that are removed too (Go's omitempty
    /// drops them from the object), walking up until <paramref name="keep"/> says a container is still owned.
    /// </summary>
    public static bool Remove(JsonObject root, IReadOnlyList<string> path, Func<IReadOnlyList<string>, bool> keep)
    {
        if (path.Count == 0) return false;
        var chain = new List<JsonNode?> { root };
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (!TryStep(chain[^1], path[i], out var next)) return false;
            chain.Add(next);
        }
        if (!RemoveChild(chain[^1], path[^1])) return false;
        for (var depth = path.Count - 1; depth >= 1; depth--)
        {
            var container = chain[depth];
            var empty = container is JsonObject { Count: 0 } or JsonArray { Count: 0 };
            // Only members of objects are dropped; an emptied list element still stands for itself.
            if (!empty || !path[depth - 1].StartsWith("f:", StringComparison.Ordinal) || keep(path.Take(depth).ToArray())) break;
            RemoveChild(chain[depth - 1], path[depth - 1]);
        }
        return true;
    }

    /// <summary>Puts a value in place of an object member that exists (keeping its position among the members).</summary>
    public static bool Replace(JsonObject root, IReadOnlyList<string> path, JsonNode value)
    {
        if (path.Count == 0 || !path[^1].StartsWith("f:", StringComparison.Ordinal)) return false;
        if (!TryGet(root, path.Take(path.Count - 1).ToArray(), out var parent) || parent is not JsonObject o || !o.ContainsKey(path[^1][2..])) return false;
        o[path[^1][2..]] = value;
        return true;
    }

    private static bool TryStep(JsonNode? node, string element, out JsonNode? next)
    {
        next = null;
        if (element.StartsWith("f:", StringComparison.Ordinal))
            return node is JsonObject o && o.TryGetPropertyValue(element[2..], out next);
        if (node is not JsonArray list) return false;
        foreach (var e in list)
            if (ListKeys.Matches(e, element)) { next = e; return true; }
        return false;
    }

    private static bool RemoveChild(JsonNode? parent, string element)
    {
        if (element.StartsWith("f:", StringComparison.Ordinal)) return parent is JsonObject o && o.Remove(element[2..]);
        if (parent is not JsonArray list) return false;
        for (var i = 0; i < list.Count; i++)
            if (ListKeys.Matches(list[i], element)) { list.RemoveAt(i); return true; }
        return false;
    }
}
