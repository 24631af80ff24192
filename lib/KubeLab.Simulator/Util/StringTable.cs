using System.Collections.Concurrent;

namespace KubeLab.Simulator.Util;

/// <summary>
/// A bounded intern table: the one instance of each string seen, looked up by characters without allocating; when it holds
/// <c>capacity</c> strings it starts again empty (hot strings come straight back; a dropped string stays valid wherever it is
/// held). Hand-written rather than CommunityToolkit's StringPool: at 10,000 pods that pool's bucket scans were a fifth of the
/// simulator's CPU, a ConcurrentDictionary lookup is a few per cent of that.
/// </summary>
public sealed class StringTable
{
    private readonly int capacity;
    private readonly ConcurrentDictionary<string, string> table = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> byChars;
    private int count;

    public StringTable(int capacity)
    {
        this.capacity = capacity;
        byChars = table.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Get(ReadOnlySpan<char> chars)
    {
        if (byChars.TryGetValue(chars, out var known)) return known;
        var s = chars.ToString();
        if (Interlocked.Increment(ref count) > capacity)
        {
            // Counted here: ConcurrentDictionary.Count takes every lock of the table.
            table.Clear();
            Interlocked.Exchange(ref count, 1);
        }
        return table.GetOrAdd(s, s);
    }
}
