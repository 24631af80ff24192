using System.Net;

namespace KubeLab.Simulator.Api.Registry.Service;

/// <summary>
/// kind's Service CIDR 10.96.0.0/16 as pkg/registry/core/service/ipallocator's bitmap allocator sees it: offsets 0..65533 are
/// 10.96.0.1..10.96.255.254 (network and broadcast addresses excluded). KEP-3070 reserves the lower band of
/// min(max(16, size/16), 256) = 256 addresses (10.96.0.1–10.96.1.0) for static IPs: dynamic allocation picks at random from the
/// upper band first and falls back to the lower one only when the upper is full.
/// </summary>
public static class ClusterIpRange
{
    public const string Cidr = "10.96.0.0/16";
    private const uint Network = (10u << 24) | (96u << 16);
    public const int Size = 65534;
    public static int StaticBandSize => Math.Min(Math.Max(16, Size / 16), 256);

    public static string At(int offset) => Format(Network + 1 + (uint)offset);

    /// <summary>The offset of an IPv4 address in the range, or null when it is outside (including network/broadcast).</summary>
    public static int? OffsetOf(string ip)
    {
        if (!TryParseV4(ip, out var v)) return null;
        var offset = (long)v - (Network + 1);
        return offset is >= 0 and < Size ? (int)offset : null;
    }

    public static bool TryParseV4(string ip, out uint value)
    {
        value = 0;
        if (!IPAddress.TryParse(ip, out var a) || a.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || ip.Count(c => c == '.') != 3) return false;
        var b = a.GetAddressBytes();
        value = ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        return true;
    }

    /// <summary>A random free address: upper band first (ipallocator AllocateNext with the KEP-3070 offset), then the static band.</summary>
    public static string? AllocateNext(ISet<string> used, Random random)
    {
        var band = StaticBandSize;
        return Pick(band, Size, used, random) ?? Pick(0, band, used, random);
    }

    private static string? Pick(int from, int to, ISet<string> used, Random random)
    {
        var count = to - from;
        if (count <= 0) return null;
        // Random start, then a linear scan (the bitmap allocator's randomScanStrategyWithOffset does the same).
        var start = random.Next(count);
        for (var i = 0; i < count; i++)
        {
            var ip = At(from + (start + i) % count);
            if (!used.Contains(ip)) return ip;
        }
        return null;
    }

    private static string Format(uint v) => $"{v >> 24}.{(v >> 16) & 0xff}.{(v >> 8) & 0xff}.{v & 0xff}";
}
