using KubeLab.Simulator.Metrics;

namespace KubeLab.Simulator.Tests;

/// <summary>The usage model and metrics-server's arithmetic, without a cluster.</summary>
public sealed class MetricsUsageModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void IdleContainer_UsesAFewMillicores()
        => Assert.Equal(ContainerUsage.IdleMillicores, ContainerUsage.AverageMillicores([], null, T0, T0.AddSeconds(15)));

    [Fact]
    public void ConsumeCpuRequests_AddUp_AndEndAfterTheirDuration()
    {
        var ledger = new ResourceConsumption();
        ledger.ConsumeCpu("uid", 100, TimeSpan.FromSeconds(60), T0);
        ledger.ConsumeCpu("uid", 150, TimeSpan.FromSeconds(30), T0);
        var bursts = ledger.CpuBursts("uid");
        Assert.Equal(252, ContainerUsage.AverageMillicores(bursts, null, T0, T0.AddSeconds(15)), 6);
        Assert.Equal(102, ContainerUsage.AverageMillicores(bursts, null, T0.AddSeconds(30), T0.AddSeconds(45)), 6);
        Assert.Equal(2, ContainerUsage.AverageMillicores(bursts, null, T0.AddSeconds(60), T0.AddSeconds(75)), 6);
        Assert.Empty(ledger.CpuBursts("other-pod"));
    }

    [Fact]
    public void LoadStartingMidWindow_ShowsUpPartly_LikeARateOverTwoSamples()
    {
        var ledger = new ResourceConsumption();
        ledger.ConsumeCpu("uid", 300, TimeSpan.FromMinutes(5), T0.AddSeconds(10));
        // 5 of the 15 s carry the load: 2 + 300 × 5/15 = 102.
        Assert.Equal(102, ContainerUsage.AverageMillicores(ledger.CpuBursts("uid"), null, T0, T0.AddSeconds(15)), 6);
    }

    [Fact]
    public void CpuLimit_ThrottlesUsage_ButRequestsDoNot()
    {
        var ledger = new ResourceConsumption();
        ledger.ConsumeCpu("uid", 800, TimeSpan.FromMinutes(1), T0);
        Assert.Equal(500, ContainerUsage.AverageMillicores(ledger.CpuBursts("uid"), 500, T0, T0.AddSeconds(15)), 6);
    }

    [Fact]
    public void OneAndAHalfCpuUnderAOneCpuLimit_IsThrottledToTheLimit()
    {
        var ledger = new ResourceConsumption();
        // 15 consumer processes of 100m (as CpuLoad sends them) = 1.5 CPU asked, limits.cpu 1: the CFS quota caps it.
        for (var i = 0; i < 15; i++) ledger.ConsumeCpu("uid", 100, TimeSpan.FromMinutes(1), T0);
        Assert.Equal(1000, ContainerUsage.AverageMillicores(ledger.CpuBursts("uid"), 1000, T0, T0.AddSeconds(15)), 6);
        Assert.Equal(1502, ContainerUsage.AverageMillicores(ledger.CpuBursts("uid"), null, T0, T0.AddSeconds(15)), 6);
    }

    [Fact]
    public void OneConsumeCpuRequest_BurnsAtMostOneCore()
    {
        var ledger = new ResourceConsumption();
        ledger.ConsumeCpu("uid", 1500, TimeSpan.FromMinutes(1), T0);
        Assert.Equal(1002, ContainerUsage.AverageMillicores(ledger.CpuBursts("uid"), null, T0, T0.AddSeconds(15)), 6);
    }

    [Fact]
    public void ConsumeMem_AddsMebibytes()
    {
        var ledger = new ResourceConsumption();
        ledger.ConsumeMemory("uid", 100, TimeSpan.FromSeconds(30), T0);
        Assert.Equal(ContainerUsage.IdleMemoryBytes + 100L * 1024 * 1024, ContainerUsage.MemoryBytesAt(ledger.MemoryBursts("uid"), null, T0.AddSeconds(1)));
        Assert.Equal(ContainerUsage.IdleMemoryBytes, ContainerUsage.MemoryBytesAt(ledger.MemoryBursts("uid"), null, T0.AddSeconds(30)));
    }

    [Theory]
    [InlineData(250, "250m")]
    [InlineData(2, "2m")]
    [InlineData(1000, "1")]
    [InlineData(1.234567, "1234567n")]
    [InlineData(0.5, "500u")]
    [InlineData(0, "0")]
    public void CpuIsWrittenAsACanonicalQuantity(double millicores, string expected) => Assert.Equal(expected, Quantities.Cpu(millicores));

    [Theory]
    [InlineData(8L * 1024 * 1024, "8Mi")]
    [InlineData(19368L * 1024, "19368Ki")]
    [InlineData(1000, "1000")]
    public void MemoryIsWrittenWithBinarySuffixes(long bytes, string expected) => Assert.Equal(expected, Quantities.Memory(bytes));

    [Fact]
    public void ScrapesHappenEvery15Seconds()
    {
        Assert.Equal(T0, MetricsScraper.LastScrape(T0.AddSeconds(14.9)));
        Assert.Equal(T0.AddSeconds(15), MetricsScraper.LastScrape(T0.AddSeconds(15)));
    }

    [Fact]
    public void ResourceConsumerHandler_AnswersLikeTheImage()
    {
        var ledger = new ResourceConsumption();
        var ok = ResourceConsumerServer.Handle("POST", "/ConsumeCPU", Form(("millicores", "250"), ("durationSec", "30")), "uid", ledger, T0);
        Assert.Equal(new ContainerResponse(200, "ConsumeCPU\n250 millicores\n30 durationSec\n"), ok);
        Assert.Single(ledger.CpuBursts("uid"));
        Assert.Equal(new ContainerResponse(400, "Bad request. Not a POST request\n"), ResourceConsumerServer.Handle("GET", "/ConsumeCPU", Form(), "uid", ledger, T0));
        Assert.Equal(new ContainerResponse(400, "not given function argument\n"), ResourceConsumerServer.Handle("POST", "/ConsumeCPU", Form(("millicores", "1")), "uid", ledger, T0));
        Assert.Equal(new ContainerResponse(400, "incorrect function argument\n"), ResourceConsumerServer.Handle("POST", "/ConsumeCPU", Form(("millicores", "x"), ("durationSec", "1")), "uid", ledger, T0));
        Assert.Equal(new ContainerResponse(404, "unknown function: /Nope\n"), ResourceConsumerServer.Handle("POST", "/Nope", Form(), "uid", ledger, T0));
    }

    private static Dictionary<string, Microsoft.Extensions.Primitives.StringValues> Form(params (string K, string V)[] values) =>
        values.ToDictionary(v => v.K, v => new Microsoft.Extensions.Primitives.StringValues(v.V));
}
