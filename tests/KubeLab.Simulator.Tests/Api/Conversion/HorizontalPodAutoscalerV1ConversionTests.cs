using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Api.Conversion;

namespace KubeLab.Simulator.Tests.Api.Conversion;

/// <summary>autoscaling/v1 ↔ v2 as pkg/apis/autoscaling/v1/conversion.go converts (round-trip annotations included).</summary>
public sealed class HorizontalPodAutoscalerV1ConversionTests
{
    private static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static JsonObject StoredWithEverything() => Parse("""
        {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"web","namespace":"n","annotations":{"team":"a"}},
         "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":2,"maxReplicas":6,
           "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60}}},
                      {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"100Mi"}}}],
           "behavior":{"scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max","policies":[{"type":"Pods","value":4,"periodSeconds":15}]},
                       "scaleDown":{"stabilizationWindowSeconds":300,"selectPolicy":"Max","policies":[{"type":"Percent","value":100,"periodSeconds":15}]}}},
         "status":{"currentReplicas":2,"desiredReplicas":3,
           "currentMetrics":[{"type":"Resource","resource":{"name":"cpu","current":{"averageValue":"150m","averageUtilization":75}}}],
           "conditions":[{"type":"AbleToScale","status":"True","lastTransitionTime":"2025-01-01T00:00:00Z","reason":"ReadyForNewScale","message":"ok"}]}}
        """);

    [Fact]
    public void V2ToV1_MapsCpuUtilization_AndCarriesTheRestInAnnotations()
    {
        var v1 = HorizontalPodAutoscalerV1Conversion.ToV1(StoredWithEverything());

        Assert.Equal("autoscaling/v1", v1.Str("apiVersion"));
        Assert.Equal(60, v1.Path("spec.targetCPUUtilizationPercentage")!.GetValue<int>());
        Assert.Null(v1.Path("spec.metrics"));
        Assert.Null(v1.Path("spec.behavior"));
        Assert.Equal(75, v1.Path("status.currentCPUUtilizationPercentage")!.GetValue<int>());
        Assert.Equal(3, v1.Path("status.desiredReplicas")!.GetValue<int>());
        var a = (JsonObject)v1.Path("metadata.annotations")!;
        Assert.Equal("a", a.Str("team"));
        Assert.Equal("""[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}}]""", a.Str(HorizontalPodAutoscalerV1Conversion.MetricSpecsAnnotation));
        Assert.Equal("""[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":75,"currentAverageValue":"150m"}}]""",
            a.Str(HorizontalPodAutoscalerV1Conversion.MetricStatusesAnnotation));
        // The internal Go type, marshalled without json tags.
        Assert.Equal("""{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15}]},"ScaleDown":{"StabilizationWindowSeconds":300,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}""",
            a.Str(HorizontalPodAutoscalerV1Conversion.BehaviorSpecsAnnotation));
        Assert.Contains("\"reason\":\"ReadyForNewScale\"", a.Str(HorizontalPodAutoscalerV1Conversion.ConditionsAnnotation));
    }

    [Fact]
    public void V1RoundTrip_RestoresEveryV2Field_AndDropsTheAnnotations()
    {
        var stored = StoredWithEverything();
        var back = HorizontalPodAutoscalerV1Conversion.ToStored(HorizontalPodAutoscalerV1Conversion.ToV1(stored));

        // The annotation's metrics come first, then the one from targetCPUUtilizationPercentage (as upstream orders them).
        var metrics = back.Path("spec.metrics")!.AsArray();
        Assert.Equal(["memory", "cpu"], metrics.Select(m => m!.Path("resource.name")!.ToString()));
        Assert.Equal("AverageValue", metrics[0]!.Path("resource.target.type")!.ToString());
        Assert.Equal("Utilization", metrics[1]!.Path("resource.target.type")!.ToString());
        Assert.True(JsonNode.DeepEquals(stored.Path("spec.behavior"), back.Path("spec.behavior")));
        Assert.True(JsonNode.DeepEquals(stored.Path("status.conditions"), back.Path("status.conditions")));
        Assert.True(JsonNode.DeepEquals(stored.Path("status.currentMetrics"), back.Path("status.currentMetrics")));
        Assert.Equal("""{"team":"a"}""", back.Path("metadata.annotations")!.ToJsonString());
    }

    [Fact]
    public void V1WithoutTarget_GetsTheImplicit80Percent_AndUnparsableAnnotationsAreIgnored()
    {
        var v1 = Parse("""
            {"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"w","annotations":{"autoscaling.alpha.kubernetes.io/metrics":"not json"}},
             "spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":3}}
            """);
        var stored = HorizontalPodAutoscalerV1Conversion.ToStored(v1);
        Assert.Equal(80, stored.Path("spec.metrics")!.AsArray().Single()!.Path("resource.target.averageUtilization")!.GetValue<int>());
        Assert.Null(stored.Path("metadata.annotations"));
    }

    [Fact]
    public void WrongApiVersionInTheBody_IsRefusedWithTheServersWording()
    {
        var e = Assert.Throws<KubeLab.Simulator.Api.Errors.ApiError>(() => HorizontalPodAutoscalerV1Conversion.ToStored(Parse("""{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"w"}}""")));
        Assert.Equal("the API version in the data (autoscaling/v2) does not match the expected API version (autoscaling/v1)", e.Message);
    }
}
