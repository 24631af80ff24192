using KubeLab.Simulator.Api.Registry.Service;

namespace KubeLab.Simulator.Tests.Api.Registry.Service;

/// <summary>The allocators' bands: KEP-3070 (cluster IPs) and KEP-3668 (node ports) leave the lower band to static requests.</summary>
public sealed class ServiceRangesTests
{
    [Fact]
    public void Static_bands_have_the_sizes_of_the_keps()
    {
        Assert.Equal(256, ClusterIpRange.StaticBandSize); // min(max(16, 65534/16), 256)
        Assert.Equal(86, NodePortRange.StaticBandSize);   // min(max(16, 2768/32), 128)
        Assert.Equal("10.96.0.1", ClusterIpRange.At(0));
        Assert.Null(ClusterIpRange.OffsetOf("10.96.0.0"));
        Assert.Null(ClusterIpRange.OffsetOf("10.96.255.255"));
        Assert.Null(ClusterIpRange.OffsetOf("10.97.0.1"));
    }

    [Fact]
    public void Dynamic_cluster_ips_come_from_the_upper_band_until_it_is_full()
    {
        var used = new HashSet<string>();
        for (var i = 0; i < 500; i++)
        {
            var ip = ClusterIpRange.AllocateNext(used, Random.Shared)!;
            Assert.True(ClusterIpRange.OffsetOf(ip) >= 256, ip);
            Assert.True(used.Add(ip));
        }
        // Upper band full: the lower band is used.
        var full = Enumerable.Range(256, ClusterIpRange.Size - 256).Select(ClusterIpRange.At).ToHashSet();
        Assert.True(ClusterIpRange.OffsetOf(ClusterIpRange.AllocateNext(full, Random.Shared)!) < 256);
    }

    [Fact]
    public void Dynamic_node_ports_come_from_30086_up_and_spread_over_the_band()
    {
        var used = new HashSet<int>();
        var picks = Enumerable.Range(0, 400).Select(_ => NodePortRange.AllocateNext(used, Random.Shared)!.Value).ToList();
        Assert.All(picks, p => Assert.InRange(p, 30086, 32767));
        // Random, not sequential: the picks reach both halves of the band.
        Assert.Contains(picks, p => p < 31400);
        Assert.Contains(picks, p => p > 31500);
        var upperFull = Enumerable.Range(30086, 32767 - 30086 + 1).ToHashSet();
        Assert.InRange(NodePortRange.AllocateNext(upperFull, Random.Shared)!.Value, 30000, 30085);
        Assert.Null(NodePortRange.AllocateNext(Enumerable.Range(30000, 2768).ToHashSet(), Random.Shared));
    }
}
