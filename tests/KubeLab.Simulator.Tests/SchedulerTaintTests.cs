using k8s.Models;
using KubeLab.Simulator.Scheduler;

namespace KubeLab.Simulator.Tests;

/// <summary>Toleration matching rules from core/v1 Toleration.ToleratesTaint.</summary>
public class SchedulerTaintTests
{
    private static readonly V1Taint Gpu = new() { Key = "gpu", Value = "true", Effect = "NoSchedule" };

    [Theory]
    [InlineData("gpu", "Equal", "true", "NoSchedule", true)]
    [InlineData("gpu", null, "true", "NoSchedule", true)]       // Equal is the default operator
    [InlineData("gpu", "Equal", "false", "NoSchedule", false)]  // value must match
    [InlineData("gpu", "Exists", null, "NoSchedule", true)]     // Exists ignores the value
    [InlineData("gpu", "Exists", null, "", true)]               // empty effect matches all effects
    [InlineData("gpu", "Exists", null, "NoExecute", false)]     // other effect
    [InlineData("", "Exists", null, "", true)]                  // empty key + Exists tolerates everything
    [InlineData("", "Equal", "true", "", false)]                // empty key needs Exists
    [InlineData("cpu", "Exists", null, "NoSchedule", false)]    // other key
    public void Toleration_matches_taint(string key, string? op, string? value, string effect, bool expected)
    {
        var toleration = new V1Toleration { Key = key, OperatorProperty = op, Value = value, Effect = effect };
        Assert.Equal(expected, TaintToleration.Tolerates(toleration, Gpu));
    }

    [Fact]
    public void PreferNoSchedule_taints_never_block()
    {
        var taints = new[] { new V1Taint { Key = "soft", Effect = "PreferNoSchedule" } };
        Assert.Null(TaintToleration.FirstUntolerated(taints, null));
    }

    [Fact]
    public void NoExecute_taints_block_without_toleration()
    {
        var taint = new V1Taint { Key = "node.kubernetes.io/not-ready", Effect = "NoExecute" };
        Assert.Same(taint, TaintToleration.FirstUntolerated([taint], []));
    }
}
