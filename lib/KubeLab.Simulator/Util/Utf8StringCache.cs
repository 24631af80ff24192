using System.Numerics;

namespace KubeLab.Simulator.Util;

/// <summary>
/// A direct-mapped cache in front of <see cref="SharedStrings"/>' table, keyed by a token's raw UTF-8 bytes: a hit is a hash and
/// a byte comparison, with no transcoding and no dictionary (the table's lookup – Marvin hashing of the characters, cache misses
/// in a 131,072-entry dictionary – was 4–5 % of all CPU at 10,000 pods). A slot holds the last string stored there; entries are
/// immutable, so publishing one is atomic and needs no lock. Misses go to the table, which keeps strings shared across evictions.
/// </summary>
internal sealed class Utf8StringCache
{
    private sealed class Entry(byte[] utf8, string value)
    {
        public readonly byte[] Utf8 = utf8;
        public readonly string Value = value;
    }

    private readonly Entry?[] slots;
    private readonly int shift;

    /// <param name="slotCount">A power of two (tests use tiny ones to force collisions).</param>
    internal Utf8StringCache(int slotCount)
    {
        if (slotCount < 1 || !BitOperations.IsPow2(slotCount)) throw new ArgumentOutOfRangeException(nameof(slotCount));
        slots = new Entry?[slotCount];
        // The slot is the top bits of the hash; one slot takes none (a shift by 64 would be a shift by 0).
        shift = 64 - BitOperations.Log2((uint)slotCount);
    }

    /// <summary>The string cached for these bytes, or null and the slot to <see cref="Store"/> it in.</summary>
    public string? Find(ReadOnlySpan<byte> utf8, out int slot)
    {
        slot = Slot(utf8);
        var entry = Volatile.Read(ref slots[slot]);
        return entry is not null && utf8.SequenceEqual(entry.Utf8) ? entry.Value : null;
    }

    /// <summary>Caches <paramref name="value"/> (the decoding of <paramref name="utf8"/>) in the slot <see cref="Find"/> gave.</summary>
    public string Store(int slot, ReadOnlySpan<byte> utf8, string value)
    {
        Volatile.Write(ref slots[slot], new Entry(utf8.ToArray(), value));
        return value;
    }

    // XxHash3 (System.IO.Hashing): fast on short inputs, and its top bits (the slot) depend on every byte.
    private int Slot(ReadOnlySpan<byte> bytes) => shift == 64 ? 0 : (int)(System.IO.Hashing.XxHash3.HashToUInt64(bytes) >> shift);
}
