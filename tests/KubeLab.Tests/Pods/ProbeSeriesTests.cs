using System.Text.Json.Nodes;
using k8s.Models;
using KubeLab.Observe;

namespace KubeLab.Tests.Pods;

public class ProbeSeriesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static V1Pod Pod(string name, bool ready, int restarts) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "lab-x" },
        Spec = new V1PodSpec { NodeName = "k8s-course-worker", Containers = [new V1Container { Name = "agnhost" }] },
        Status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
            ContainerStatuses = [new V1ContainerStatus { Name = "agnhost", Ready = ready, RestartCount = restarts, Image = "agnhost", ImageID = "",
                State = new V1ContainerState { Running = new V1ContainerStateRunning() } }],
        },
    };

    private static Corev1Event Unhealthy(int count) => new()
    {
        Metadata = new V1ObjectMeta { Name = "liveness.1" },
        InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "liveness", FieldPath = "spec.containers{agnhost}" },
        Reason = "Unhealthy", Type = "Warning", Count = count, Message = "Liveness probe failed: HTTP probe failed with statuscode: 500",
    };

    private static Timeline Sample() => new(T0, T0.AddSeconds(40),
    [
        new RecordedChange(T0.AddSeconds(1), "Pod", "ADDED", Pod("liveness", false, 0)),
        new RecordedChange(T0.AddSeconds(4), "Pod", "MODIFIED", Pod("liveness", true, 0)),
        new RecordedChange(T0.AddSeconds(5), "Pod", "MODIFIED", Pod("other", false, 7)),
        new RecordedChange(T0.AddSeconds(13), "Event", "ADDED", Unhealthy(1)),
        new RecordedChange(T0.AddSeconds(16), "Event", "MODIFIED", Unhealthy(2)),
        new RecordedChange(T0.AddSeconds(19), "Event", "MODIFIED", Unhealthy(3)),
        new RecordedChange(T0.AddSeconds(19.5), "Pod", "MODIFIED", Pod("liveness", true, 0)), // unchanged: not a new point
        new RecordedChange(T0.AddSeconds(20), "Pod", "MODIFIED", Pod("liveness", false, 1)),
        new RecordedChange(T0.AddSeconds(21), "Pod", "MODIFIED", Pod("liveness", true, 1)),
    ], "kind (kind-k8s-course)");

    [Fact]
    public void Series_keeps_changes_of_the_one_pod()
    {
        var s = ProbeSeries.From(Sample(), "liveness");
        Assert.Equal([1d, 4, 20, 21], s.Points.Select(p => p.Seconds));
        Assert.Equal([false, true, false, true], s.Points.Select(p => p.Ready));
        Assert.Equal(1, s.Restarts);
        Assert.Equal(1, s.ReadyLosses);
        Assert.Equal(4, s.FirstReady);
        Assert.Equal(20, s.FirstRestart);
    }

    [Fact]
    public void Repeated_events_count_once_with_their_highest_count()
    {
        var s = ProbeSeries.From(Sample(), "liveness");
        Assert.Equal(3, s.Events.Count);
        Assert.Equal(3, s.EventCount("Unhealthy"));
        Assert.Equal("agnhost", s.Events[0].Container);
    }

    [Fact]
    public void Plot_has_two_step_lines_that_reach_the_end_of_the_recording()
    {
        var spec = JsonNode.Parse(ProbeSeries.From(Sample(), "liveness").ToPlot().SpecJson)!;
        var traces = spec["traces"]!.AsArray();
        Assert.Equal(2, traces.Count);
        Assert.All(traces, t => Assert.Equal("step", t!["type"]!.GetValue<string>()));
        Assert.Equal(40, traces[0]!["x"]!.AsArray()[^1]!.GetValue<double>());
        Assert.Equal([0, 1, 0, 1, 1], traces[0]!["y"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.Equal([0, 0, 1, 1, 1], traces[1]!["y"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.Contains("1 restart(s)", spec["note"]!.GetValue<string>());
    }

    [Fact]
    public void A_pod_that_was_not_recorded_gives_an_empty_series_and_says_so()
    {
        var s = ProbeSeries.From(Sample(), "nope");
        Assert.Empty(s.Points);
        Assert.Contains("No changes of pod nope", JsonNode.Parse(s.ToPlot().SpecJson)!["note"]!.GetValue<string>());
    }
}
