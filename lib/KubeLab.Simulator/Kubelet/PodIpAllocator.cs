using System.Net;

namespace KubeLab.Simulator.Kubelet;

/// <summary>
/// Hands out pod IPs from a node's podCIDR (kind gives node N the range 10.244.N.0/24), the way the host-local
/// IPAM plugin does: skip the network address and the gateway (.1), never the broadcast address, continue after the
/// last address handed out (round-robin) and skip addresses still in use. Released addresses can be reused later.
/// </summary>
public sealed class PodIpAllocator
{
    private readonly object gate = new();
    private readonly uint first;
    private readonly uint last;
    private readonly HashSet<uint> used = new();
    private uint next;

    public PodIpAllocator(string cidr)
    {
        var slash = cidr.IndexOf('/');
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(cidr[(slash + 1)..], out var prefix) || prefix is < 8 or > 30)
            throw new FormatException($"invalid podCIDR \"{cidr}\": expected an IPv4 CIDR such as 10.244.1.0/24");
        var bytes = address.GetAddressBytes();
        var network = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]) & (uint.MaxValue << (32 - prefix));
        first = network + 2;                                 // .0 is the network, .1 the bridge gateway
        last = network + (uint)((1L << (32 - prefix)) - 2);   // the last address is broadcast
        next = first;
        Cidr = cidr;
    }

    public string Cidr { get; }

    public int InUse { get { lock (gate) return used.Count; } }

    public string Allocate()
    {
        lock (gate)
        {
            var size = last - first + 1;
            for (var i = 0u; i < size; i++)
            {
                var candidate = first + (next - first + i) % size;
                if (used.Add(candidate))
                {
                    next = candidate == last ? first : candidate + 1;
                    return Format(candidate);
                }
            }
        }
        throw new InvalidOperationException($"no IP addresses available in range set: {Cidr}");
    }

    public void Release(string? ip)
    {
        if (ip is null || !IPAddress.TryParse(ip, out var address)) return;
        var b = address.GetAddressBytes();
        lock (gate) used.Remove((uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]));
    }

    private static string Format(uint v) => $"{v >> 24}.{(v >> 16) & 0xFF}.{(v >> 8) & 0xFF}.{v & 0xFF}";
}
