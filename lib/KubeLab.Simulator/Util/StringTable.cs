namespace KubeLab.Simulator.Util;

/// <summary>
/// A bounded intern table: the one instance of each string seen, looked up by characters without allocating; a
/// <see cref="BoundedCache{TKey, TValue}"/>, so when full it starts again empty (hot strings come straight back; a dropped
/// string stays valid wherever it is held). Hand-written rather than CommunityToolkit's StringPool: at 10,000 pods that pool's
/// bucket scans were a fifth of the simulator's CPU, a ConcurrentDictionary lookup is a few per cent of that.
/// </summary>
public sealed class StringTable
{
    private readonly BoundedCache<string, string> table;

    public StringTable(int capacity) => table = new BoundedCache<string, string>(capacity, StringComparer.Ordinal);

    public string Get(ReadOnlySpan<char> chars)
    {
        if (table.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out var known)) return known;
        var s = chars.ToString();
        return table.GetOrAdd(s, s);
    }
}
