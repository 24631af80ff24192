using System.Runtime.InteropServices;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// The rows of one value of an informer index, kept side by side in one array so a visit walks contiguous memory (issue 7: a
/// ReplicaSet sync walks its 10,000 pod rows thousands of times in the 10,000-pod bench; a dictionary's entries cost a free-slot
/// check and an enumerator per row). A removal moves the last row into the freed slot, so rows have no particular order – as
/// in the dictionary this replaces. Not thread-safe: the informer's index lock guards it.
/// </summary>
internal sealed class IndexBucket<TRow>
{
    private readonly List<TRow> rows = [];
    private readonly List<string> keys = []; // keys[i] is the object key of rows[i]: a swap-remove must re-point the moved row's slot
    private readonly Dictionary<string, int> slots = new();

    public int Count => rows.Count;

    /// <summary>The rows in place; valid until the bucket next changes.</summary>
    public ReadOnlySpan<TRow> Rows => CollectionsMarshal.AsSpan(rows);

    /// <summary>Adds the object's row, or replaces it where it is.</summary>
    public void Set(string key, TRow row)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(slots, key, out var exists);
        if (exists)
        {
            rows[slot] = row;
            return;
        }
        slot = rows.Count;
        rows.Add(row);
        keys.Add(key);
    }

    public bool Remove(string key)
    {
        if (!slots.Remove(key, out var slot)) return false;
        var last = rows.Count - 1;
        if (slot != last)
        {
            rows[slot] = rows[last];
            keys[slot] = keys[last];
            slots[keys[slot]] = slot;
        }
        rows.RemoveAt(last); // clears the slot, so a removed row's object is not kept alive
        keys.RemoveAt(last);
        return true;
    }
}
