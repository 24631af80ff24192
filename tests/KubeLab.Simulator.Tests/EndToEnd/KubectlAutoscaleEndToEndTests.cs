using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>
/// autoscaling/v1 next to autoscaling/v2: the real kubectl 1.32 <c>autoscale</c> posts a v1 HPA; the object is stored once and
/// read in both versions (discovery, CRUD, list, watch, printing, deletion), the controller acts on it.
/// </summary>
public sealed class KubectlAutoscaleEndToEndTests(FastClockCluster fx) : IClassFixture<FastClockCluster>
{
    [Fact]
    public async Task KubectlAutoscale_CreatesAV1Hpa_ReadableAsV2_AndTheControllerRunsIt()
    {
        var ns = await fx.NewNamespaceAsync("autoscale");
        await fx.DeployConsumerAsync(ns, "web", 2);
        await fx.ReadyPodsAsync(ns, "web", 2);

        var created = await fx.KubectlOkAsync("autoscale", "deployment", "web", "--min=2", "--max=6", "--cpu-percent=60", "-n", ns);
        Assert.Equal("horizontalpodautoscaler.autoscaling/web autoscaled", created.Stdout.Trim());

        // One object, two versions.
        var v2 = await fx.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("web", ns);
        var cpu = v2.Spec.Metrics.Single();
        Assert.Equal(("Resource", "cpu", "Utilization", 60), (cpu.Type, cpu.Resource.Name, cpu.Resource.Target.Type, cpu.Resource.Target.AverageUtilization!.Value));
        Assert.Equal((2, 6), (v2.Spec.MinReplicas!.Value, v2.Spec.MaxReplicas));
        Assert.Null(v2.Spec.Behavior);
        var v1 = await fx.Client.AutoscalingV1.ReadNamespacedHorizontalPodAutoscalerAsync("web", ns);
        Assert.Equal(60, v1.Spec.TargetCPUUtilizationPercentage);
        Assert.Equal(v2.Metadata.Uid, v1.Metadata.Uid);

        // The controller works on it: after its first sync both versions show the current utilisation (idle: 2m of 200m).
        v1 = await ObservedState.Until(() => fx.Client.AutoscalingV1.ReadNamespacedHorizontalPodAutoscalerAsync("web", ns),
            h => h.Status?.CurrentCPUUtilizationPercentage is not null, "a current CPU utilisation in v1", 30, h => KubernetesJson.Serialize(h));
        Assert.Equal(1, v1.Status.CurrentCPUUtilizationPercentage);
        Assert.Contains("\"type\":\"ScalingActive\"", v1.Metadata.Annotations["autoscaling.alpha.kubernetes.io/conditions"], StringComparison.Ordinal);
        Assert.StartsWith("[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"currentAverageUtilization\":1,", v1.Metadata.Annotations["autoscaling.alpha.kubernetes.io/current-metrics"], StringComparison.Ordinal);
        v2 = await fx.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("web", ns);
        Assert.Null(v2.Metadata.Annotations);

        // kubectl get hpa prints from the preferred version (v2), kubectl get horizontalpodautoscalers.v1.autoscaling from v1: the same row.
        foreach (var resource in new[] { "hpa", "horizontalpodautoscalers.v1.autoscaling" })
        {
            var table = (await fx.KubectlOkAsync("get", resource, "-n", ns)).Lines;
            Assert.Matches(@"^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$", table[0]);
            Assert.Matches(@"^web\s+Deployment/web\s+cpu: 1%/60%\s+2\s+6\s+2\s+\S+$", table[1]);
        }
        var described = (await fx.KubectlOkAsync("describe", "hpa", "web", "-n", ns)).Stdout;
        Assert.Matches(@"resource cpu on pods  \(as a percentage of request\):\s+1% \(2m\) / 60%", described);
        Assert.Contains("ScalingActive", described, StringComparison.Ordinal);
        var json = JsonNode.Parse((await fx.KubectlOkAsync("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-n", ns, "-o", "json")).Stdout)!;
        Assert.Equal("autoscaling/v1", json["apiVersion"]!.ToString());

        // List and watch in v1.
        var list = await fx.GetRawAsync($"/apis/autoscaling/v1/namespaces/{ns}/horizontalpodautoscalers");
        Assert.Equal(("HorizontalPodAutoscalerList", "autoscaling/v1"), (list["kind"]!.ToString(), list["apiVersion"]!.ToString()));
        Assert.Equal(60, list["items"]![0]!["spec"]!["targetCPUUtilizationPercentage"]!.GetValue<int>());
        using (var watch = await fx.Http.GetAsync($"/apis/autoscaling/v1/namespaces/{ns}/horizontalpodautoscalers?watch=true&timeoutSeconds=1"))
        {
            var first = JsonNode.Parse((await watch.Content.ReadAsStringAsync()).Split('\n')[0])!;
            Assert.Equal("ADDED", first["type"]!.ToString());
            Assert.Equal("autoscaling/v1", first["object"]!["apiVersion"]!.ToString());
            Assert.Equal(60, first["object"]!["spec"]!["targetCPUUtilizationPercentage"]!.GetValue<int>());
        }

        // Deleted through v1, gone in v2.
        await fx.KubectlOkAsync("delete", "horizontalpodautoscalers.v1.autoscaling", "web", "-n", ns);
        var gone = await Objects.Fails(() => fx.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("web", ns));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.Response.StatusCode);
    }

    [Fact]
    public async Task AV2OnlyHpa_SurvivesARoundTripThroughV1()
    {
        var ns = await fx.NewNamespaceAsync("v1trip");
        var hpa = new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "trip" },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "missing" },
                MinReplicas = 1, MaxReplicas = 4,
                Metrics =
                [
                    new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "memory", Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity("100Mi") } } },
                    new V2MetricSpec { Type = "Resource", Resource = new V2ResourceMetricSource { Name = "cpu", Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = 70 } } },
                ],
                Behavior = new V2HorizontalPodAutoscalerBehavior { ScaleDown = new V2HPAScalingRules { StabilizationWindowSeconds = 60 } },
            },
        };
        var before = await fx.Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(hpa, ns);

        // A read-modify-write through v1 (what an old client or kubectl edit on v1 does) keeps what v1 cannot express.
        var v1 = await fx.Client.AutoscalingV1.ReadNamespacedHorizontalPodAutoscalerAsync("trip", ns);
        Assert.Equal(70, v1.Spec.TargetCPUUtilizationPercentage);
        Assert.Equal("""[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}}]""", v1.Metadata.Annotations["autoscaling.alpha.kubernetes.io/metrics"]);
        Assert.Contains("\"StabilizationWindowSeconds\":60", v1.Metadata.Annotations["autoscaling.alpha.kubernetes.io/behavior"], StringComparison.Ordinal);
        v1.Spec.MaxReplicas = 5;
        await fx.Client.AutoscalingV1.ReplaceNamespacedHorizontalPodAutoscalerAsync(v1, "trip", ns);

        var after = await fx.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("trip", ns);
        Assert.Equal(5, after.Spec.MaxReplicas);
        Assert.Equal(["memory", "cpu"], after.Spec.Metrics.Select(m => m.Resource.Name));
        Assert.Equal(KubernetesJson.Serialize(before.Spec.Behavior), KubernetesJson.Serialize(after.Spec.Behavior));
        Assert.Null(after.Metadata.Annotations);

        // Discovery: both versions, v2 preferred.
        var group = await fx.GetRawAsync("/apis/autoscaling");
        Assert.Equal(["autoscaling/v2", "autoscaling/v1"], group["versions"]!.AsArray().Select(v => v!["groupVersion"]!.ToString()));
        Assert.Equal("v2", group["preferredVersion"]!["version"]!.ToString());
        Assert.Contains((await fx.GetRawAsync("/apis/autoscaling/v1"))["resources"]!.AsArray(), r => r!["name"]!.ToString() == "horizontalpodautoscalers/status");
    }

    [Fact]
    public async Task V1Manifests_ApplyClientSideAndServerSide_ThroughTheConversion()
    {
        var ns = await fx.NewNamespaceAsync("v1apply");
        string Manifest(int target, int max) => $"""
            apiVersion: autoscaling/v1
            kind: HorizontalPodAutoscaler
            metadata:
              name: old
            spec:
              scaleTargetRef:
                apiVersion: apps/v1
                kind: Deployment
                name: old
              minReplicas: 1
              maxReplicas: {max}
              targetCPUUtilizationPercentage: {target}
            """;
        // Client-side apply: create, then a strategic merge patch computed on the v1 form.
        await fx.KubectlWithInputAsync(Manifest(50, 3), "apply", "-n", ns, "-f", "-");
        var patched = await fx.KubectlWithInputAsync(Manifest(70, 4), "apply", "-n", ns, "-f", "-");
        Assert.True(patched.ExitCode == 0, patched.ToString());
        var v2 = await fx.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("old", ns);
        Assert.Equal((70, 4), (v2.Spec.Metrics.Single().Resource.Target.AverageUtilization!.Value, v2.Spec.MaxReplicas));
        Assert.DoesNotContain("autoscaling.alpha.kubernetes.io/metrics", v2.Metadata.Annotations?.Keys ?? [], StringComparer.Ordinal);

        // Server-side apply of the v1 form onto the stored v2 object.
        var ssa = await fx.KubectlWithInputAsync(Manifest(80, 5), "apply", "--server-side", "--force-conflicts", "-n", ns, "-f", "-");
        Assert.True(ssa.ExitCode == 0, ssa.ToString());
        v2 = await fx.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("old", ns);
        Assert.Equal((80, 5), (v2.Spec.Metrics.Single().Resource.Target.AverageUtilization!.Value, v2.Spec.MaxReplicas));

        // A merge patch on the v1 endpoint.
        await fx.KubectlOkAsync("patch", "horizontalpodautoscalers.v1.autoscaling", "old", "-n", ns, "--type=merge", "-p", """{"spec":{"targetCPUUtilizationPercentage":65}}""");
        v2 = await fx.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("old", ns);
        Assert.Equal(65, v2.Spec.Metrics.Single().Resource.Target.AverageUtilization);
    }
}
