using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.Controllers.Job;

/// <summary>
/// The selector the API server generates for a Job (1.32 pkg/registry/batch/job/strategy.go generateSelector and
/// pkg/apis/batch/validation validateGeneratedSelector): matchLabels selects batch.kubernetes.io/controller-uid only; the
/// template (and so every pod) also gets batch.kubernetes.io/job-name and the legacy controller-uid / job-name labels.
/// </summary>
public class JobGeneratedSelectorTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    private IKubernetes Client => fx.Client;

    private static V1Job Job(string name, Action<V1JobSpec>? change = null)
    {
        var job = new V1Job
        {
            ApiVersion = "batch/v1", Kind = "Job",
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1JobSpec
            {
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "report" } },
                    Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "work", Image = "busybox:1.36", Command = ["true"] }] },
                },
            },
        };
        change?.Invoke(job.Spec);
        return job;
    }

    [Fact]
    public async Task The_selector_matches_the_prefixed_controller_uid_and_the_template_carries_all_four_labels()
    {
        var ns = await fx.NewNamespaceAsync("job-sel");
        var job = await Client.BatchV1.CreateNamespacedJobAsync(Job("report"), ns);
        var uid = job.Metadata.Uid;

        Assert.Equal(new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = uid }, job.Spec.Selector.MatchLabels);
        Assert.Null(job.Spec.Selector.MatchExpressions);
        Assert.Equal(new Dictionary<string, string>
        {
            ["app"] = "report",
            ["batch.kubernetes.io/controller-uid"] = uid, ["batch.kubernetes.io/job-name"] = "report",
            ["controller-uid"] = uid, ["job-name"] = "report",
        }, job.Spec.Template.Metadata.Labels);
    }

    [Fact]
    public async Task A_selector_of_ones_own_without_manualSelector_is_rejected_as_not_auto_generated()
    {
        var ns = await fx.NewNamespaceAsync("job-sel");
        var e = await Objects.Fails(() => Client.BatchV1.CreateNamespacedJobAsync(
            Job("own", s => s.Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "report" } }), ns));
        Assert.Equal(422, (int)e.Response.StatusCode);
        var message = e.StatusBody()["message"]!.ToString();
        Assert.StartsWith("Job.batch \"own\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{", message);
        Assert.Contains("`selector` not auto-generated", message);
    }

    [Fact]
    public async Task A_template_label_job_name_with_another_value_is_rejected()
    {
        var ns = await fx.NewNamespaceAsync("job-sel");
        var e = await Objects.Fails(() => Client.BatchV1.CreateNamespacedJobAsync(
            Job("named", s => s.Template.Metadata.Labels["job-name"] = "other"), ns));
        Assert.Contains("spec.template.metadata.labels[job-name]: Invalid value: map[string]string{", e.StatusBody()["message"]!.ToString());
        Assert.Contains("must be 'named'", e.StatusBody()["message"]!.ToString());
    }

    [Fact]
    public async Task With_manualSelector_nothing_is_generated()
    {
        var ns = await fx.NewNamespaceAsync("job-sel");
        var job = await Client.BatchV1.CreateNamespacedJobAsync(Job("manual", s =>
        {
            s.ManualSelector = true;
            s.Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "report" } };
        }), ns);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "report" }, job.Spec.Selector.MatchLabels);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "report" }, job.Spec.Template.Metadata.Labels);
    }
}
