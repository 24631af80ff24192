using k8s.Models;
using KubeLab.Simulator.Controllers.Autoscaling;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// The HPA formula (pkg/controller/podautoscaler/replica_calculator.go, documented in "Horizontal Pod Autoscaling – Algorithm
/// details"): desired = ceil(current × currentUtilisation / target), no change within the 0.1 tolerance, not-yet-ready pods
/// and pods without metrics handled conservatively.
/// </summary>
public sealed class HorizontalPodAutoscalerReplicaCalculatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static V1Pod Pod(string name, string? cpuRequest = "200m", string phase = "Running", bool ready = true, TimeSpan? age = null)
    {
        var started = (Now - (age ?? TimeSpan.FromMinutes(10))).UtcDateTime;
        return new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container
                {
                    Name = "app", Image = "registry.k8s.io/e2e-test-images/resource-consumer:1.13",
                    Resources = cpuRequest is null ? null : new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuRequest) } },
                }],
            },
            Status = new V1PodStatus
            {
                Phase = phase, StartTime = started,
                Conditions = phase == "Pending" ? null : [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = started.AddSeconds(5) }],
            },
        };
    }

    private static Dictionary<string, PodCpuMetric> Usage(params (string Pod, long Milli)[] usage) =>
        usage.ToDictionary(u => u.Pod, u => new PodCpuMetric(u.Milli, Now, TimeSpan.FromSeconds(15)));

    [Theory]
    [InlineData(3, 170, 50, 6)]  // 85 % / 50 % = 1.7 → ceil(3 × 1.7) = ceil(5.1) = 6
    [InlineData(4, 112, 50, 5)]  // 56 % → ratio 1.12 > 1.1 → ceil(4.48) = 5
    [InlineData(4, 108, 50, 4)]  // 54 % → ratio 1.08, |1 − 1.08| ≤ 0.1 → unchanged
    [InlineData(4, 110, 50, 5)]  // 55 % → ratio 1.1: in float64 |1 − 1.1| = 0.10000000000000009 > 0.1, so Go (and we) scale
    [InlineData(4, 90, 50, 4)]   // 45 % → ratio 0.9 → unchanged (tolerance works both ways)
    [InlineData(4, 88, 50, 4)]   // 44 % → ratio 0.88 → ceil(3.52) = 4
    [InlineData(10, 60, 50, 6)]  // 30 % → ratio 0.6 → 6
    [InlineData(2, 400, 80, 5)]  // 200 % / 80 % = 2.5 → 5
    public void DesiredIsCeilOfCurrentTimesRatio_WithTolerance(int replicas, long usagePerPod, int target, int expected)
    {
        var pods = Enumerable.Range(0, replicas).Select(i => Pod($"p-{i}")).ToList();
        var metrics = Usage(pods.Select(p => (p.Metadata.Name, usagePerPod)).ToArray());

        var result = HorizontalPodAutoscalerReplicaCalculator.CpuReplicas(replicas, target, pods, metrics, Now);

        Assert.Equal(expected, result.Replicas);
        Assert.Equal((int)(usagePerPod * 100 / 200), result.Utilization);
        Assert.Equal(usagePerPod, result.AverageMilli);
    }

    [Fact]
    public void UtilisationIsTotalUsageOverTotalRequests_NotAnAverageOfPercentages()
    {
        // 300m of 200m and 100m of 600m: Σ 400m / Σ 800m = 50 % (the mean of 150 % and 16 % would be 83 %).
        var pods = new[] { Pod("a", "200m"), Pod("b", "600m") };
        var result = HorizontalPodAutoscalerReplicaCalculator.CpuReplicas(2, 50, pods, Usage(("a", 300), ("b", 100)), Now);
        Assert.Equal(50, result.Utilization);
        Assert.Equal(2, result.Replicas);
    }

    [Fact]
    public void PodWithoutCpuRequest_MakesUtilisationUndefined_WithTheRealMessage()
    {
        var pods = new[] { Pod("with"), Pod("without", cpuRequest: null) };
        var e = Assert.Throws<HorizontalPodAutoscalerMetricException>(() =>
            HorizontalPodAutoscalerReplicaCalculator.CpuReplicas(2, 50, pods, Usage(("with", 100), ("without", 100)), Now));
        Assert.Equal("missing request for cpu in container app of Pod without", e.Message);
    }

    [Fact]
    public void NoMetricsAtAll_IsAnError()
    {
        var e = Assert.Throws<HorizontalPodAutoscalerMetricException>(() =>
            HorizontalPodAutoscalerReplicaCalculator.CpuReplicas(1, 50, [Pod("a")], Usage(), Now));
        Assert.Equal("unable to get metrics for resource cpu: no metrics returned from resource metrics API", e.Message);
    }

    [Fact]
    public void NotYetReadyPod_CountsAsZeroOnScaleUp_AndCanCancelIt()
    {
        // Three ready pods at 60 % want ceil(3 × 1.2) = 4 …
        var ready = Enumerable.Range(0, 3).Select(i => Pod($"r-{i}")).ToList();
        var alone = HorizontalPodAutoscalerReplicaCalculator.CpuReplicas(3, 50, ready, Usage(("r-0", 120), ("r-1", 120), ("r-2", 120)), Now);
        Assert.Equal(4, alone.Replicas);

        // … but with a fourth pod still starting (not Ready) the usage is spread over four: 360m / 800m = 45 % → within tolerance → stay.
        var starting = Pod("s", ready: false, age: TimeSpan.FromSeconds(20));
        var withStarting = HorizontalPodAutoscalerReplicaCalculator.CpuReplicas(4, 50, [.. ready, starting],
            Usage(("r-0", 120), ("r-1", 120), ("r-2", 120), ("s", 900)), Now);
        Assert.Equal(4, withStarting.Replicas);
        Assert.Equal(60, withStarting.Utilization); // the reported utilisation ignores the unready pod's (start-up) burst
    }

    [Fact]
    public void PendingPod_IsUnready_AndIgnoredForTheReportedUtilisation()
    {
        var pods = new[] { Pod("a"), Pod("b"), Pod("pending", phase: "Pending") };
        var result = HorizontalPodAutoscalerReplicaCalculator.CpuReplicas(3, 50, pods, Usage(("a", 200), ("b", 200)), Now);
        // 100 % on the two ready pods; the pending one counted as 0: 400 / 600 = 66 % → ratio 1.33 → ceil(1.33 × 3) = 4.
        Assert.Equal(100, result.Utilization);
        Assert.Equal(4, result.Replicas);
    }

    [Fact]
    public void MissingMetricsOnScaleDown_AssumeFullRequest()
    {
        // Three pods at 20 % want ceil(3 × 0.4) = 2; a fourth pod without metrics counts as 100 %: (3 × 40 + 200) / 800 = 40 % → 0.8 → ceil(3.2) = 4.
        var pods = Enumerable.Range(0, 4).Select(i => Pod($"p-{i}")).ToList();
        var result = HorizontalPodAutoscalerReplicaCalculator.CpuReplicas(4, 50, pods, Usage(("p-0", 40), ("p-1", 40), ("p-2", 40)), Now);
        Assert.Equal(4, result.Replicas);
        Assert.Equal(20, result.Utilization);
    }

    [Fact]
    public void MissingMetricsOnScaleUp_AssumeZero()
    {
        // Two pods at 150 % and two without metrics (0 %): 600 / 800 = 75 % → ratio 1.5 → ceil(1.5 × 4) = 6.
        var pods = Enumerable.Range(0, 4).Select(i => Pod($"p-{i}")).ToList();
        var result = HorizontalPodAutoscalerReplicaCalculator.CpuReplicas(4, 50, pods, Usage(("p-0", 300), ("p-1", 300)), Now);
        Assert.Equal(6, result.Replicas);
    }

    [Fact]
    public void TerminatingAndFailedPods_AreIgnored()
    {
        var deleting = Pod("deleting");
        deleting.Metadata.DeletionTimestamp = Now.UtcDateTime;
        var pods = new[] { Pod("a"), deleting, Pod("failed", phase: "Failed") };
        var result = HorizontalPodAutoscalerReplicaCalculator.CpuReplicas(1, 50, pods, Usage(("a", 200), ("deleting", 0), ("failed", 0)), Now);
        Assert.Equal(2, result.Replicas); // 100 % / 50 % × 1 ready pod
    }
}
