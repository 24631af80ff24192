using System.Text.Json;

namespace KubeLab.Simulator.Util;

/// <summary>
/// One pool of short strings for everything the simulator keeps parsed: stored trees and the in-process components' typed
/// caches hold the same namespace, image, label and reason texts thousands of times (at 10,000 pods, copies of repeated
/// strings were ~130 MB of the heap). The table is bounded (<see cref="StringTable"/>), so unique strings (names, uids,
/// timestamps) cannot grow it.
/// </summary>
public static class SharedStrings
{
    /// <summary>Longer strings (messages, certificates, tokens) are rarely repeated: not worth hashing.</summary>
    public const int MaxPooledBytes = 128;

    private static readonly StringTable Table = new(1 << 17);
    private static readonly Utf8StringCache Recent = new(1 << 14);

    /// <summary>
    /// The current string token (or property name), from the table when it is short; an unescaped one is looked up by its
    /// bytes first (<see cref="Utf8StringCache"/>).
    /// </summary>
    public static string Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || reader.HasValueSequence
            || reader.ValueSpan.Length > MaxPooledBytes)
            return reader.GetString()!;
        if (reader.ValueIsEscaped) return FromTable(ref reader);
        // The raw bytes are the text: looked up as they are. Only a decoded (so valid UTF-8) token is stored.
        var utf8 = reader.ValueSpan;
        return Recent.Find(utf8, out var slot) ?? Recent.Store(slot, utf8, FromTable(ref reader));
    }

    private static string FromTable(ref Utf8JsonReader reader)
    {
        // Unescaping never lengthens: a string has at most as many UTF-16 characters as its token has bytes.
        Span<char> chars = stackalloc char[MaxPooledBytes];
        return Table.Get(chars[..reader.CopyString(chars)]);
    }

    /// <summary>The shared instance of these characters.</summary>
    public static string Get(ReadOnlySpan<char> chars) => Table.Get(chars);
}
