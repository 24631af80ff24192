using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>Per-kind defaults (pkg/apis/*/v1/defaults.go) that kubectl output and controllers rely on.</summary>
public class DefaultingTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static V1PodTemplateSpec Template(string app, string? restartPolicy = null) => new()
    {
        Metadata = new() { Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new() { RestartPolicy = restartPolicy, Containers = [new() { Name = "c", Image = "busybox:1.36" }] },
    };

    [Fact]
    public async Task Deployment_gets_rolling_update_defaults()
    {
        var ns = await f.NewNamespaceAsync();
        var d = await f.Client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new() { Name = "d" },
            Spec = new() { Selector = new() { MatchLabels = new Dictionary<string, string> { ["app"] = "d" } }, Template = Template("d") },
        }, ns);
        Assert.Equal(1, d.Spec.Replicas);
        Assert.Equal("RollingUpdate", d.Spec.Strategy.Type);
        Assert.Equal("25%", d.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        Assert.Equal("25%", d.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.Equal(10, d.Spec.RevisionHistoryLimit);
        Assert.Equal(600, d.Spec.ProgressDeadlineSeconds);
        Assert.Equal("Always", d.Spec.Template.Spec.RestartPolicy);
    }

    [Fact]
    public async Task Job_gets_a_generated_selector_and_pod_labels_from_its_uid()
    {
        var ns = await f.NewNamespaceAsync();
        var job = await f.Client.BatchV1.CreateNamespacedJobAsync(new V1Job
        {
            Metadata = new() { Name = "once" },
            Spec = new() { Template = Template("once", "Never") },
        }, ns);
        Assert.Equal(1, job.Spec.Completions);
        Assert.Equal(1, job.Spec.Parallelism);
        Assert.Equal(6, job.Spec.BackoffLimit);
        Assert.Equal(job.Metadata.Uid, job.Spec.Selector.MatchLabels["batch.kubernetes.io/controller-uid"]);
        Assert.Equal("once", job.Spec.Template.Metadata.Labels["batch.kubernetes.io/job-name"]);
        Assert.Equal("once", job.Spec.Template.Metadata.Labels["job-name"]);
    }

    [Fact]
    public async Task Job_with_restartPolicy_Always_is_invalid()
    {
        var ns = await f.NewNamespaceAsync();
        var e = await Objects.Fails(() => f.Client.BatchV1.CreateNamespacedJobAsync(new V1Job
        {
            Metadata = new() { Name = "bad" },
            Spec = new() { Template = Template("bad") },
        }, ns));
        Assert.Equal(422, (int)e.Response.StatusCode);
        Assert.Contains("spec.template.spec.restartPolicy: Unsupported value: \"Always\"", e.StatusBody()["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Service_gets_a_cluster_ip_and_port_defaults()
    {
        var ns = await f.NewNamespaceAsync();
        var svc = await f.Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new() { Name = "web" },
            Spec = new() { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new() { Port = 80 }] },
        }, ns);
        Assert.Equal("ClusterIP", svc.Spec.Type);
        Assert.Matches(@"^10\.96\.\d+\.\d+$", svc.Spec.ClusterIP);
        Assert.NotEqual("10.96.0.1", svc.Spec.ClusterIP);
        Assert.Equal("TCP", svc.Spec.Ports[0].Protocol);
        Assert.Equal("80", svc.Spec.Ports[0].TargetPort.Value);
    }

    [Fact]
    public async Task CronJob_defaults_history_limits_and_concurrency()
    {
        var ns = await f.NewNamespaceAsync();
        var cj = await f.Client.BatchV1.CreateNamespacedCronJobAsync(new V1CronJob
        {
            Metadata = new() { Name = "tick" },
            Spec = new() { Schedule = "*/5 * * * *", JobTemplate = new() { Spec = new() { Template = Template("tick", "OnFailure") } } },
        }, ns);
        Assert.Equal("Allow", cj.Spec.ConcurrencyPolicy);
        Assert.Equal(3, cj.Spec.SuccessfulJobsHistoryLimit);
        Assert.Equal(1, cj.Spec.FailedJobsHistoryLimit);
        Assert.False(cj.Spec.Suspend);
    }
}
