using k8s.Models;
using KubeLab.Simulator.Controllers.Autoscaling;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// Stabilisation windows and scaling policies (horizontal.go; defaults from the autoscaling/v2 API: scaleUp 0 s window and
/// max(100 %, 4 pods) per 15 s; scaleDown 300 s window and 100 % per 15 s; without spec.behavior the legacy 5-minute downscale
/// window and max(2 × current, 4)).
/// </summary>
public sealed class HorizontalPodAutoscalerBehaviorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly V2HorizontalPodAutoscalerBehavior Defaults = new();

    [Theory]
    [InlineData(1, 10, 4)]   // max(2 × 1, 4) = 4
    [InlineData(3, 20, 6)]   // max(2 × 3, 4) = 6
    [InlineData(5, 20, 10)]
    public void WithoutBehavior_ScaleUpIsLimitedToDoubleOrFour(int current, int desired, int expected)
    {
        var (replicas, _, limited) = new HorizontalPodAutoscalerBehavior().Normalize(null, current, desired, 1, 50, T0);
        Assert.Equal(expected, replicas);
        Assert.Equal(("True", "ScaleUpLimit"), (limited.Status, limited.Reason));
    }

    [Fact]
    public void DefaultBehavior_ScaleUpAllowsMaxOf100PercentAnd4PodsPer15s()
    {
        var b = new HorizontalPodAutoscalerBehavior();
        // From 1: max(ceil(1 × 2) = 2, 1 + 4 = 5) = 5.
        var (first, _, limited) = b.Normalize(Defaults, 1, 20, 1, 50, T0);
        Assert.Equal(5, first);
        Assert.Equal("ScaleUpLimit", limited.Reason);
        b.RecordScale(1, first, T0);

        // 5 s later the period still holds the +4: the period started at 1, so the limit is still 5.
        Assert.Equal(5, b.Normalize(Defaults, 5, 20, 1, 50, T0.AddSeconds(5)).Replicas);
        // One period (15 s) later: from 5, max(10, 9) = 10.
        var (second, _, _) = b.Normalize(Defaults, 5, 20, 1, 50, T0.AddSeconds(15));
        Assert.Equal(10, second);
    }

    [Fact]
    public void MaxReplicasCapsTheResult_WithReasonTooManyReplicas()
    {
        var (replicas, _, limited) = new HorizontalPodAutoscalerBehavior().Normalize(Defaults, 4, 9, 1, 6, T0);
        Assert.Equal(6, replicas);
        Assert.Equal(("True", "TooManyReplicas", "the desired replica count is more than the maximum replica count"), (limited.Status, limited.Reason, limited.Message));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ScaleDownWaitsFor300sOfLowerRecommendations(bool withBehavior)
    {
        var behavior = withBehavior ? Defaults : null;
        var b = new HorizontalPodAutoscalerBehavior();
        Assert.Equal(4, b.Normalize(behavior, 4, 4, 1, 10, T0).Replicas);
        // Load gone: every sync recommends 1, but the recommendation of 4 at T0 is still inside the window.
        for (var s = 15; s < 300; s += 15)
        {
            var (replicas, able, _) = b.Normalize(behavior, 4, 1, 1, 10, T0.AddSeconds(s));
            Assert.Equal(4, replicas);
            Assert.Equal("ScaleDownStabilized", able.Reason);
        }
        // The 4 leaves the window after 300 s; 100 % per 15 s allows going straight to 1.
        var (after, ableAfter, _) = b.Normalize(behavior, 4, 1, 1, 10, T0.AddSeconds(301));
        Assert.Equal(1, after);
        Assert.Equal("ReadyForNewScale", ableAfter.Reason);
    }

    [Fact]
    public void ScaleDownPolicyInPods_LimitsTheStep()
    {
        var behavior = new V2HorizontalPodAutoscalerBehavior
        {
            ScaleDown = new V2HPAScalingRules { StabilizationWindowSeconds = 0, Policies = [new V2HPAScalingPolicy { Type = "Pods", Value = 1, PeriodSeconds = 60 }] },
        };
        var b = new HorizontalPodAutoscalerBehavior();
        var (replicas, _, limited) = b.Normalize(behavior, 4, 1, 1, 10, T0);
        Assert.Equal(3, replicas);
        Assert.Equal(("True", "ScaleDownLimit"), (limited.Status, limited.Reason));
        b.RecordScale(4, 3, T0);
        Assert.Equal(3, b.Normalize(behavior, 3, 1, 1, 10, T0.AddSeconds(30)).Replicas); // one pod per 60 s
        Assert.Equal(2, b.Normalize(behavior, 3, 1, 1, 10, T0.AddSeconds(61)).Replicas);
    }

    [Fact]
    public void MinReplicasIsAFloor_WithReasonTooFewReplicas()
    {
        var (replicas, _, limited) = new HorizontalPodAutoscalerBehavior().Normalize(null, 3, 1, 2, 10, T0);
        Assert.Equal(2, replicas);
        Assert.Equal(("True", "TooFewReplicas"), (limited.Status, limited.Reason));
    }

    [Fact]
    public void ApiDefaultsForAGivenBehavior()
    {
        var d = HorizontalPodAutoscalerBehavior.WithDefaults(new V2HorizontalPodAutoscalerBehavior());
        Assert.Equal(0, d.ScaleUp.StabilizationWindowSeconds);
        Assert.Equal("Max", d.ScaleUp.SelectPolicy);
        Assert.Equal([("Percent", 100, 15), ("Pods", 4, 15)], d.ScaleUp.Policies.Select(p => (p.Type, p.Value, p.PeriodSeconds)));
        Assert.Null(d.ScaleDown.StabilizationWindowSeconds); // the controller's --horizontal-pod-autoscaler-downscale-stabilization (300 s)
        Assert.Equal([("Percent", 100, 15)], d.ScaleDown.Policies.Select(p => (p.Type, p.Value, p.PeriodSeconds)));
    }
}
