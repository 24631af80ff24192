using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests;

/// <summary>events.k8s.io/v1 and core/v1 Events are two views of the same objects.</summary>
public class EventsApiTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Events_written_through_events_k8s_io_are_core_events_and_back()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new() { Name = "ev1" },
            Regarding = new V1ObjectReference { Kind = "Pod", Name = "web", NamespaceProperty = ns },
            Note = "pulled", Reason = "Pulled", Type = "Normal", Action = "Pull",
            ReportingController = "kubelet", ReportingInstance = "k8s-course-worker", EventTime = DateTime.UtcNow,
        }, ns);

        var core = await f.Client.CoreV1.ReadNamespacedEventAsync("ev1", ns);
        Assert.Equal("web", core.InvolvedObject.Name);
        Assert.Equal("pulled", core.Message);
        Assert.Equal("kubelet", core.ReportingComponent);

        var v1 = await f.Client.EventsV1.ListNamespacedEventAsync(ns, fieldSelector: "regarding.name=web");
        var e = Assert.Single(v1.Items);
        Assert.Equal("pulled", e.Note);
        Assert.Equal("Pod", e.Regarding.Kind);

        var patched = await f.Client.EventsV1.PatchNamespacedEventAsync(new V1Patch("""{"note":"pulled again"}""", V1Patch.PatchType.MergePatch), "ev1", ns);
        Assert.Equal("pulled again", patched.Note);
        Assert.Equal("pulled again", (await f.Client.CoreV1.ReadNamespacedEventAsync("ev1", ns)).Message);
    }
}
