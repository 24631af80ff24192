namespace KubeLab.Tests;

/// <summary>CpuLoad (ConsumeCPU through the service proxy) and AutoscalerSeries against the simulator on a fast clock.</summary>
public sealed class AutoscalingHelpersTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>
{
    private const string Manifests = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: consumer
                image: registry.k8s.io/e2e-test-images/resource-consumer:1.13
                ports: [{containerPort: 8080}]
                resources:
                  requests: {cpu: 200m}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
          ports: [{port: 8080, targetPort: 8080}]
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: web
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 1
          maxReplicas: 4
          metrics:
          - type: Resource
            resource:
              name: cpu
              target: {type: Utilization, averageUtilization: 50}
        """;

    [Fact]
    public async Task LoadThroughTheProxy_ScalesUp_AndTheSeriesShowsIt()
    {
        await using var lab = await Lab.StartAsync("autoscaling", sim.Options);
        Assert.True(await lab.Clock.SetSpeedAsync(20));
        await lab.ApplyAsync(Manifests);
        await using var series = AutoscalerSeries.Start(lab, "web");
        await series.WaitUntilAsync(s => s.ReadyPods == 1 && s.PodsWithMetrics == 1, TimeSpan.FromMinutes(2), "a ready pod with metrics");

        var load = await CpuLoad.ConsumeAsync(lab, "web", millicores: 300, durationSeconds: 120);
        Assert.Equal(3, load.Requests);
        Assert.Equal("ConsumeCPU\n100 millicores\n120 durationSec\n", load.Responses[0]);
        Assert.Equal(load.SentAt.AddSeconds(120), load.EndsAt);

        var hot = await series.WaitUntilAsync(s => s.Utilization > 100, TimeSpan.FromMinutes(2), "utilisation above 100 %");
        Assert.Equal(50, hot.TargetUtilization);
        Assert.True(hot.Formula >= 3, $"formula {hot.Formula} from {hot}");
        // 300m on one pod is 151 % of 200m → 4. A sync whose 15 s metrics window caught only part of the load may first go to 2 or 3;
        // the next sync sees the load still on one pod ((300m + idle) / 2 × 200m ≈ 76 % → ceil(2 × 1.52) = 4), so 3–4 follows.
        var firstUp = await series.WaitUntilAsync(s => s.SpecReplicas > 1, TimeSpan.FromMinutes(2), "a scale-up");
        Assert.InRange(firstUp.SpecReplicas, 2, 4);
        var scaled = await series.WaitUntilAsync(s => s.SpecReplicas >= 3, TimeSpan.FromMinutes(2), "a scale-up to 3 or 4 replicas");
        Assert.InRange(scaled.SpecReplicas, 3, 4);

        var samples = await series.StopAsync();
        Assert.True(samples.Zip(samples.Skip(1)).All(p => p.First.Seconds < p.Second.Seconds));
        Assert.Equal(3, series.ReplicasPlot().TraceCount);
        Assert.Equal(3, series.UtilizationPlot().TraceCount);
        Assert.Contains("simulated clock", series.ReplicasPlot().SpecJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadToAMissingService_SaysWhatToCheck()
    {
        await using var lab = await Lab.StartAsync("autoscaling-missing", sim.Options);
        var e = await Assert.ThrowsAsync<CpuLoadException>(() => CpuLoad.ConsumeAsync(lab, "nope", 100, 10));
        Assert.Contains("answered 404", e.Message, StringComparison.Ordinal);
        Assert.Contains("answered 404: services \"nope\" not found", e.Message, StringComparison.Ordinal);
        Assert.Contains("Is there a Service \"nope\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadSentBeforeThePodIsReady_WaitsOutTheProxys503()
    {
        await using var lab = await Lab.StartAsync("autoscaling-early", sim.Options);
        // Applied and loaded at once: the proxy answers 503 until the consumer pod is Ready behind the Service.
        await lab.ApplyAsync(Manifests.Split("---")[0] + "---" + Manifests.Split("---")[1]);
        var load = await CpuLoad.ConsumeAsync(lab, "web", millicores: 200, durationSeconds: 30);
        Assert.Equal(2, load.Requests);
        Assert.Equal("ConsumeCPU\n100 millicores\n30 durationSec\n", load.Responses[1]);
    }

    [Fact]
    public async Task LoadToAServiceWithoutEndpoints_GivesUpWithAClearMessage()
    {
        await using var lab = await Lab.StartAsync("autoscaling-empty", sim.Options);
        await lab.ApplyAsync(Manifests.Split("---")[1]);   // the Service alone: no pod matches
        var e = await Assert.ThrowsAsync<CpuLoadException>(() => CpuLoad.ConsumeAsync(lab, "web", 100, 10, waitForEndpoints: TimeSpan.FromSeconds(2)));
        Assert.Contains("answered 503 for 2 s", e.Message, StringComparison.Ordinal);
        Assert.Contains("still has no ready endpoint on port 8080", e.Message, StringComparison.Ordinal);
    }
}
