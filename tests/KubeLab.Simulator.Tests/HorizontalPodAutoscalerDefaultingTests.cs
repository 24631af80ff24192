using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>autoscaling/v2 defaulting (SetDefaults_HorizontalPodAutoscaler): minReplicas 1, cpu 80 %, behavior filled only when given.</summary>
public sealed class HorizontalPodAutoscalerDefaultingTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    private static V2HorizontalPodAutoscaler Hpa(string name, V2HorizontalPodAutoscalerBehavior? behavior) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = name },
            MaxReplicas = 3, Behavior = behavior,
        },
    };

    [Fact]
    public async Task WithoutBehavior_OnlyMinReplicasAndTheCpuMetricAreDefaulted()
    {
        var ns = await fx.NewNamespaceAsync("hpadef");
        var created = await fx.Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(Hpa("plain", null), ns);
        Assert.Equal(1, created.Spec.MinReplicas);
        Assert.Equal(80, created.Spec.Metrics.Single().Resource.Target.AverageUtilization);
        Assert.Null(created.Spec.Behavior);
    }

    [Fact]
    public async Task AGivenBehavior_IsCompletedWithTheDefaultRules()
    {
        var ns = await fx.NewNamespaceAsync("hpabeh");
        var created = await fx.Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(
            Hpa("tuned", new V2HorizontalPodAutoscalerBehavior { ScaleDown = new V2HPAScalingRules { StabilizationWindowSeconds = 60 } }), ns);
        var up = created.Spec.Behavior.ScaleUp;
        Assert.Equal(0, up.StabilizationWindowSeconds);
        Assert.Equal("Max", up.SelectPolicy);
        Assert.Equal([("Percent", 100, 15), ("Pods", 4, 15)], up.Policies.Select(p => (p.Type, p.Value, p.PeriodSeconds)));
        var down = created.Spec.Behavior.ScaleDown;
        Assert.Equal(60, down.StabilizationWindowSeconds);
        Assert.Equal("Max", down.SelectPolicy);
        Assert.Equal([("Percent", 100, 15)], down.Policies.Select(p => (p.Type, p.Value, p.PeriodSeconds)));
    }
}
