using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.FieldManager;

/// <summary>
/// The fields an apply configuration sets – what its field manager owns after the apply. Every value given is a member:
/// scalars, atomic lists and atomic maps as leaves, elements of associative lists as <c>k:{...}</c> (owned as a whole and
/// field by field), values of set lists as <c>v:...</c>. Maps and structs are not members themselves, only their fields.
/// </summary>
internal static class AppliedFieldSet
{
    // They identify the object, so the real server leaves them out of fieldsV1.
    private static readonly HashSet<string> IdentityMetadata = ["name", "namespace"];

    // Bookkeeping the registry sets on every write; nobody can own (and so remove) it.
    private static readonly HashSet<string> ServerMetadata =
        ["uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"];

    // Owned and replaced as one value: LabelSelector is +structType=atomic; pod nodeSelector and Service selector are +mapType=atomic.
    private static readonly HashSet<string> AtomicObjects = ["selector", "labelSelector", "namespaceSelector", "podSelector", "nodeSelector"];

    /// <summary>
    /// The field set of <paramref name="config"/>. An apply to the main resource of a kind with a status subresource does not own
    /// status (the registry resets it, like the real server's reset fields); an apply to the status subresource owns only status.
    /// </summary>
    public static FieldSet Of(JsonObject config, bool hasStatusSubresource, string? subresource)
    {
        var set = new FieldSet();
        foreach (var (key, value) in config)
        {
            if (key is "apiVersion" or "kind" || value is null || key.StartsWith('$')) continue;
            if (subresource == "status" ? key != "status" : hasStatusSubresource && key == "status") continue;
            if (key == "metadata" && value is JsonObject meta)
            {
                foreach (var (mk, mv) in meta)
                    if (mv is not null && !IdentityMetadata.Contains(mk) && !ServerMetadata.Contains(mk) && !mk.StartsWith('$'))
                        Add(set.Child("f:metadata").Child("f:" + mk), mk, mv);
                continue;
            }
            Add(set.Child("f:" + key), key, value);
        }
        return set;
    }

    private static void Add(FieldSet node, string field, JsonNode value)
    {
        switch (value)
        {
            case JsonObject o:
                var members = o.Where(kv => kv.Value is not null && !kv.Key.StartsWith('$')).ToList();
                if (members.Count == 0 || AtomicObjects.Contains(field)) { node.IsMember = true; return; }
                foreach (var (k, v) in members) Add(node.Child("f:" + k), k, v!);
                return;
            case JsonArray a:
                AddList(node, field, a);
                return;
            default:
                node.IsMember = true;
                return;
        }
    }

    private static void AddList(FieldSet node, string field, JsonArray list)
    {
        if (list.Count > 0 && ListKeys.IsSet(field) && list.All(e => e is JsonValue))
        {
            foreach (var v in list) node.Child(ListKeys.ValuePath(v)).IsMember = true;
            return;
        }
        var keys = list.Count > 0 ? ListKeys.For(field, list) : null;
        var paths = keys is null ? [] : list.Select(e => ListKeys.ElementPath(e, keys)).ToList();
        // An element without its key, or two with the same key, cannot be addressed: the list is then owned whole.
        if (keys is null || paths.Any(p => p is null) || paths.Distinct().Count() != paths.Count)
        {
            node.IsMember = true;
            return;
        }
        for (var i = 0; i < list.Count; i++)
        {
            var element = node.Child(paths[i]!);
            element.IsMember = true;
            foreach (var (k, v) in (JsonObject)list[i]!)
                if (v is not null && !k.StartsWith('$')) Add(element.Child("f:" + k), k, v);
        }
    }
}
