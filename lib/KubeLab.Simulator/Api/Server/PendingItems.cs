using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// The items of the arrays <see cref="JsonTreeReader"/> is reading, innermost last (one stack per thread, reused): an array
/// built from a span gets a list of exactly its length instead of one grown by doubling.
/// </summary>
internal sealed class PendingItems
{
    [ThreadStatic] private static PendingItems? forThread;

    public static PendingItems ForThread => forThread ??= new PendingItems();

    private JsonNode?[] items = new JsonNode?[64];

    /// <summary>Items pushed and not yet taken by <see cref="PopArray"/>.</summary>
    public int Count { get; private set; }

    public void Push(JsonNode? item)
    {
        if (Count == items.Length) Array.Resize(ref items, items.Length * 2);
        items[Count++] = item;
    }

    /// <summary>The array of the items pushed since <paramref name="start"/>.</summary>
    public JsonArray PopArray(int start)
    {
        var array = new JsonArray(default(JsonNodeOptions), items.AsSpan(start, Count - start));
        Array.Clear(items, start, Count - start);
        Count = start;
        return array;
    }

    public void Clear()
    {
        Array.Clear(items, 0, Count);
        Count = 0;
    }
}
