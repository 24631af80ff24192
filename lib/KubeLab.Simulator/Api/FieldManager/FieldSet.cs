using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.FieldManager;

/// <summary>
/// A set of field paths in the shape of <c>metadata.managedFields[].fieldsV1</c> (structured-merge-diff's FieldsV1):
/// a tree keyed by path elements – <c>f:&lt;name&gt;</c> (object member), <c>k:{"name":"c"}</c> (element of an associative
/// list), <c>v:"x"</c> (value of a set list). A node is itself in the set when it is a leaf (<c>{}</c>) or carries a
/// <c>"."</c> entry (a list element owned as a whole next to its owned members); other nodes only lead to members.
/// </summary>
internal sealed class FieldSet
{
    private readonly SortedDictionary<string, FieldSet> children = new(StringComparer.Ordinal);

    /// <summary>Whether the path leading to this node is itself in the set.</summary>
    public bool IsMember { get; set; }

    public bool IsEmpty => !IsMember && children.Count == 0;

    /// <summary>The child node for a path element, created when missing.</summary>
    public FieldSet Child(string element)
    {
        if (!children.TryGetValue(element, out var child)) children[element] = child = new FieldSet();
        return child;
    }

    /// <summary>The node at a path, or null when the set has nothing there.</summary>
    public FieldSet? Find(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
            if (!node.children.TryGetValue(element, out node)) return null;
        return node;
    }

    public bool Contains(IReadOnlyList<string> path) => Find(path)?.IsMember == true;

    /// <summary>The path is in the set or leads to something in it.</summary>
    public bool Covers(IReadOnlyList<string> path) => Find(path) is { } n && !n.IsEmpty;

    /// <summary>A member with nothing below it owns the whole value there (a scalar, an atomic list or map).</summary>
    public bool IsLeafMember(IReadOnlyList<string> path) => Find(path) is { IsMember: true, children.Count: 0 };

    /// <summary>Every member path, parents before their children.</summary>
    public IEnumerable<IReadOnlyList<string>> Members() => MembersUnder([]);

    private IEnumerable<IReadOnlyList<string>> MembersUnder(List<string> prefix)
    {
        if (IsMember && prefix.Count > 0) yield return prefix.ToArray();
        foreach (var (element, child) in children)
        {
            prefix.Add(element);
            foreach (var p in child.MembersUnder(prefix)) yield return p;
            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    /// <summary>Takes a path out of the set (its children stay); nodes left leading nowhere are pruned.</summary>
    public void Remove(IReadOnlyList<string> path)
    {
        if (path.Count == 0) { IsMember = false; return; }
        if (!children.TryGetValue(path[0], out var child)) return;
        child.Remove(path.Skip(1).ToArray());
        if (child.IsEmpty) children.Remove(path[0]);
    }

    /// <summary>Adds every member of another set.</summary>
    public void UnionWith(FieldSet other)
    {
        IsMember |= other.IsMember;
        foreach (var (element, child) in other.children) Child(element).UnionWith(child);
    }

    /// <summary>The fieldsV1 JSON: <c>{}</c> for a leaf, a <c>"."</c> entry for a member with children.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (IsMember && children.Count > 0) json["."] = new JsonObject();
        foreach (var (element, child) in children) json[element] = child.ToJson();
        return json;
    }

    /// <summary>Reads fieldsV1; anything that is not in that shape counts as owning nothing.</summary>
    public static FieldSet Parse(JsonNode? fieldsV1)
    {
        var set = new FieldSet();
        if (fieldsV1 is JsonObject o) Read(set, o);
        set.IsMember = false;
        return set;
    }

    private static void Read(FieldSet node, JsonObject json)
    {
        if (json.Count == 0) { node.IsMember = true; return; }
        foreach (var (key, value) in json)
        {
            if (key == ".") { node.IsMember = true; continue; }
            if (value is not JsonObject childJson) continue;
            var child = node.Child(key);
            Read(child, childJson);
            if (child.IsEmpty) node.children.Remove(key);
        }
    }

    public override string ToString() => ToJson().ToJsonString();
}
