using System.Security.Cryptography;

namespace KubeLab.Simulator.Util;

/// <summary>
/// Random object uids (version-4 UUIDs, as apimachinery's uuid.NewUUID gives) and hex ids (container ids, token jti) drawn from a
/// per-thread buffer of cryptographic randomness. Guid.NewGuid and RandomNumberGenerator.GetBytes make a system call each, which
/// was ~2.5 % of the worker threads' CPU at 10,000 pods (issue 7); google/uuid's optional random pool does the same buffering.
/// </summary>
internal static class RandomIds
{
    private const int PoolSize = 4096;
    [ThreadStatic] private static byte[]? pool;
    [ThreadStatic] private static int used;

    /// <summary>A random version-4, variant-1 UUID in its usual 36-character form.</summary>
    public static string NewUid()
    {
        Span<byte> bytes = stackalloc byte[16];
        Take(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4 (RFC 9562 §5.4)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // variant 10xx
        return new Guid(bytes, bigEndian: true).ToString();
    }

    /// <summary><paramref name="bytes"/> random bytes as lower-case hex (a container id is 32 bytes, as containerd's).</summary>
    public static string Hex(int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        Take(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    private static void Take(Span<byte> into)
    {
        if (into.Length > PoolSize) { RandomNumberGenerator.Fill(into); return; }
        if (pool is null || used + into.Length > PoolSize)
        {
            pool ??= new byte[PoolSize];
            RandomNumberGenerator.Fill(pool);
            used = 0;
        }
        pool.AsSpan(used, into.Length).CopyTo(into);
        used += into.Length;
    }
}
