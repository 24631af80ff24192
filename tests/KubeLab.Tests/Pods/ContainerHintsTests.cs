using k8s.Models;
using KubeLab.Pods;

namespace KubeLab.Tests.Pods;

/// <summary>The advice added to the API server's refusals of logs and exec, derived from the pod's own status.</summary>
public class ContainerHintsTests
{
    private static V1Pod Pod(params (string Name, V1ContainerState? State, int Restarts)[] containers) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web-with-sidecar" },
        Spec = new V1PodSpec { Containers = containers.Select(c => new V1Container { Name = c.Name, Image = "busybox:1.36" }).ToList() },
        Status = new V1PodStatus
        {
            Phase = "Running",
            ContainerStatuses = containers.Where(c => c.State is not null)
                .Select(c => new V1ContainerStatus { Name = c.Name, State = c.State, RestartCount = c.Restarts, Image = "busybox:1.36", ImageID = "", Ready = false }).ToList(),
        },
    };

    private static readonly V1ContainerState Running = new() { Running = new V1ContainerStateRunning() };

    [Fact]
    public void Several_containers_and_none_named_lists_the_names()
    {
        var hint = ContainerHints.For("logs", "web-with-sidecar", Pod(("web", Running, 0), ("log-shipper", Running, 0)), null, false,
            "a container name must be specified for pod web-with-sidecar, choose one of: [web log-shipper]", []);
        Assert.Contains("several containers", hint);
        Assert.Contains("web, log-shipper", hint);
    }

    [Fact]
    public void Unknown_container_lists_the_names()
    {
        var hint = ContainerHints.For("exec", "web-with-sidecar", Pod(("web", Running, 0), ("log-shipper", Running, 0)), "nginx", false,
            "container nginx is not valid for pod web-with-sidecar", []);
        Assert.Contains("no container \"nginx\"", hint);
        Assert.Contains("web, log-shipper", hint);
    }

    [Fact]
    public void Waiting_for_an_image_says_the_container_never_started_and_shows_the_reason()
    {
        var waiting = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ImagePullBackOff", Message = "Back-off pulling image" } };
        var hint = ContainerHints.For("logs", "broken-image", Pod(("app", waiting, 0)), null, false,
            "container \"app\" in pod \"broken-image\" is waiting to start: trying and failing to pull image", []);
        Assert.Contains("never started", hint);
        Assert.Contains("ImagePullBackOff", hint);
    }

    [Fact]
    public void Previous_without_a_restart_says_there_was_no_earlier_run()
    {
        var hint = ContainerHints.For("logs", "web", Pod(("web", Running, 0)), "web", true,
            "previous terminated container \"web\" in pod \"web\" not found", []);
        Assert.Contains("has not been restarted", hint);
        Assert.Contains("restartCount 0", hint);
    }

    [Fact]
    public void Exec_into_a_terminated_container_says_it_is_not_running()
    {
        var done = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, Reason = "Error" } };
        var hint = ContainerHints.For("exec", "crash-loop", Pod(("app", done, 2)), "app", false, "container not found (\"app\")", []);
        Assert.Contains("not running", hint);
        Assert.Contains("exit code 1", hint);
    }

    [Fact]
    public void Missing_pod_lists_the_pods_that_exist()
    {
        var hint = ContainerHints.For("logs", "web", null, null, false, "pods \"web\" not found", ["crash-loop", "web-with-sidecar"]);
        Assert.Contains("no pod \"web\"", hint);
        Assert.Contains("crash-loop, web-with-sidecar", hint);
    }

    [Fact]
    public void Exception_message_carries_the_server_text_and_the_hint()
    {
        var e = new PodAccessException("logs", "web-with-sidecar", null, 400, "a container name must be specified", "name one");
        Assert.Equal("logs on pod web-with-sidecar failed: the API server answered 400: a container name must be specified\n  Hint: name one", e.Message);
    }
}
