using System.Text;
using System.Text.Json;
using CommunityToolkit.HighPerformance.Buffers;

namespace KubeLab.Simulator.Util;

/// <summary>
/// One pool of short strings for everything the simulator keeps parsed: stored trees and the in-process components' typed
/// caches hold the same namespace, image, label and reason texts thousands of times (at 10,000 pods, copies of repeated
/// strings were ~130 MB of the heap). CommunityToolkit's StringPool has a fixed size and replaces its least recently used
/// entries, so hot strings stay shared and unique ones (names, uids, timestamps) cannot grow it.
/// </summary>
public static class SharedStrings
{
    /// <summary>Longer strings (messages, certificates, tokens) are rarely repeated: not worth hashing.</summary>
    public const int MaxPooledBytes = 128;

    private static readonly StringPool Pool = new(1 << 16);

    /// <summary>The current string token, from the pool when it is short and plain (no escapes, one contiguous span).</summary>
    public static string Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || reader.HasValueSequence || reader.ValueIsEscaped
            || reader.ValueSpan.Length > MaxPooledBytes)
            return reader.GetString()!;
        return Pool.GetOrAdd(reader.ValueSpan, Encoding.UTF8);
    }

    /// <summary>The pooled instance of these characters.</summary>
    public static string Get(ReadOnlySpan<char> chars) => Pool.GetOrAdd(chars);
}
