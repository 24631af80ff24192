using System.Collections;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Api.Server;

/// <summary>
/// The members of the objects <see cref="JsonTreeReader"/> is reading, innermost last (one stack per thread, reused). An
/// object is built once its members are known, through JsonObject's collection constructor, which sizes the dictionary to
/// <see cref="ICollection{T}.Count"/>; this class is that collection and its own enumerator, so building allocates nothing
/// besides the object itself.
/// </summary>
internal sealed class PendingMembers : ICollection<KeyValuePair<string, JsonNode?>>, IEnumerator<KeyValuePair<string, JsonNode?>>
{
    [ThreadStatic] private static PendingMembers? forThread;

    public static PendingMembers ForThread => forThread ??= new PendingMembers();

    private KeyValuePair<string, JsonNode?>[] members = new KeyValuePair<string, JsonNode?>[64];
    private int from;
    private int to;
    private int position;

    /// <summary>Members pushed and not yet taken by <see cref="PopObject"/>.</summary>
    public int Count { get; private set; }

    public void Push(string name, JsonNode? value)
    {
        if (Count == members.Length) Array.Resize(ref members, members.Length * 2);
        members[Count++] = new(name, value);
    }

    /// <summary>The object of the members pushed since <paramref name="start"/>; null when a name repeats (JsonObject refuses that).</summary>
    public JsonObject? PopObject(int start)
    {
        (from, to) = (start, Count);
        try
        {
            return new JsonObject(this);
        }
        catch (ArgumentException)
        {
            return null;
        }
        finally
        {
            Array.Clear(members, start, Count - start);
            Count = start;
        }
    }

    public void Clear()
    {
        Array.Clear(members, 0, Count);
        Count = 0;
    }

    // The view JsonObject's constructor reads: members[from..to).
    int ICollection<KeyValuePair<string, JsonNode?>>.Count => to - from;
    bool ICollection<KeyValuePair<string, JsonNode?>>.IsReadOnly => true;
    IEnumerator<KeyValuePair<string, JsonNode?>> IEnumerable<KeyValuePair<string, JsonNode?>>.GetEnumerator() { position = from - 1; return this; }
    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<string, JsonNode?>>)this).GetEnumerator();
    KeyValuePair<string, JsonNode?> IEnumerator<KeyValuePair<string, JsonNode?>>.Current => members[position];
    object IEnumerator.Current => members[position];
    bool IEnumerator.MoveNext() => ++position < to;
    void IEnumerator.Reset() => position = from - 1;
    void IDisposable.Dispose() { }
    void ICollection<KeyValuePair<string, JsonNode?>>.CopyTo(KeyValuePair<string, JsonNode?>[] array, int index) => Array.Copy(members, from, array, index, to - from);
    bool ICollection<KeyValuePair<string, JsonNode?>>.Contains(KeyValuePair<string, JsonNode?> item) => throw new NotSupportedException();
    void ICollection<KeyValuePair<string, JsonNode?>>.Add(KeyValuePair<string, JsonNode?> item) => throw new NotSupportedException();
    bool ICollection<KeyValuePair<string, JsonNode?>>.Remove(KeyValuePair<string, JsonNode?> item) => throw new NotSupportedException();
}
