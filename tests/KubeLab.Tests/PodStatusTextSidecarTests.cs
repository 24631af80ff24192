using k8s.Models;

namespace KubeLab.Tests;

/// <summary>kubectl's READY / STATUS / RESTARTS for pods with native sidecars (init containers with restartPolicy Always).</summary>
public class PodStatusTextSidecarTests
{
    private static V1Pod Pod(string phase, bool initialized, V1ContainerStatus sidecar, V1ContainerStatus app) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p" },
        Spec = new V1PodSpec
        {
            InitContainers = [new V1Container { Name = "shipper", Image = "busybox", RestartPolicy = "Always" }],
            Containers = [new V1Container { Name = "app", Image = "busybox" }],
        },
        Status = new V1PodStatus
        {
            Phase = phase,
            Conditions = [new V1PodCondition { Type = "Initialized", Status = initialized ? "True" : "False" }],
            InitContainerStatuses = [sidecar],
            ContainerStatuses = [app],
        },
    };

    private static V1ContainerStatus Running(string name, bool started, bool ready, int restarts = 0) => new()
    {
        Name = name, Started = started, Ready = ready, RestartCount = restarts, State = new V1ContainerState { Running = new V1ContainerStateRunning() },
    };

    private static V1ContainerStatus Waiting(string name, string reason) => new()
    {
        Name = name, Ready = false, State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason } },
    };

    [Fact]
    public void A_started_sidecar_counts_in_READY_and_does_not_hold_initialisation_up()
    {
        var pod = Pod("Running", initialized: true, Running("shipper", started: true, ready: true, restarts: 2), Running("app", started: true, ready: true, restarts: 1));
        pod.Status.Conditions.Add(new V1PodCondition { Type = "Ready", Status = "True" });
        Assert.Equal("2/2", PodStatusText.Ready(pod));
        Assert.Equal("Running", PodStatusText.Status(pod));
        Assert.Equal(3, PodStatusText.Restarts(pod));
    }

    [Fact]
    public void A_sidecar_that_has_not_started_yet_keeps_the_pod_initialising()
    {
        var pod = Pod("Pending", initialized: false, Running("shipper", started: false, ready: false), Waiting("app", "PodInitializing"));
        Assert.Equal("Init:0/1", PodStatusText.Status(pod));
        Assert.Equal("0/2", PodStatusText.Ready(pod));
    }

    [Fact]
    public void A_finished_job_pod_with_a_stopped_sidecar_is_Completed()
    {
        var stopped = new V1ContainerStatus { Name = "shipper", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } } };
        var done = new V1ContainerStatus { Name = "app", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } } };
        var pod = Pod("Succeeded", initialized: true, stopped, done);
        Assert.Equal("Completed", PodStatusText.Status(pod));
        Assert.Equal("0/2", PodStatusText.Ready(pod));
    }
}
