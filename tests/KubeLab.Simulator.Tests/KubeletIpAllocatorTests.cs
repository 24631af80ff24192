using KubeLab.Simulator.Kubelet;

namespace KubeLab.Simulator.Tests;

/// <summary>Pod IPs from the node's podCIDR, host-local style.</summary>
public class KubeletIpAllocatorTests
{
    [Fact]
    public void Addresses_start_after_the_gateway_and_are_unique()
    {
        var ips = new PodIpAllocator("10.244.1.0/24");
        var given = Enumerable.Range(0, 253).Select(_ => ips.Allocate()).ToList();
        Assert.Equal("10.244.1.2", given[0]);
        Assert.Equal("10.244.1.254", given[^1]);
        Assert.Equal(253, given.Distinct().Count());
        var error = Assert.Throws<InvalidOperationException>(() => ips.Allocate());
        Assert.Contains("10.244.1.0/24", error.Message);
    }

    [Fact]
    public void Released_addresses_are_reused_round_robin()
    {
        var ips = new PodIpAllocator("10.244.2.0/24");
        var a = ips.Allocate();
        var b = ips.Allocate();
        ips.Release(a);
        Assert.Equal("10.244.2.4", ips.Allocate()); // continues after the last one handed out
        Assert.Equal(2, ips.InUse);
        Assert.Equal("10.244.2.3", b);
    }

    [Theory]
    [InlineData("10.244.1.0")]
    [InlineData("fd00::/64")]
    [InlineData("nonsense/24")]
    public void Bad_cidr_is_rejected_with_a_clear_message(string cidr) =>
        Assert.Contains("podCIDR", Assert.Throws<FormatException>(() => new PodIpAllocator(cidr)).Message);
}
