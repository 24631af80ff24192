using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Tests.Api.Storage;

/// <summary>
/// Pod watches are indexed by the spec.nodeName their field selector requires (the cacher's trigger index): a kubelet's watch
/// still sees its pods arrive by binding and leave by deletion, the scheduler's "spec.nodeName=" watch sees unscheduled pods,
/// and neither is offered the other node's pods.
/// </summary>
public class WatcherIndexTests
{
    private static readonly ResourceType Pods = ResourceRegistry.Find("", "v1", "pods")!;

    private static JsonObject Pod(string name, string? node)
    {
        var spec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "nginx" }) };
        if (node is not null) spec["nodeName"] = node;
        return new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "ns", ["uid"] = $"uid-{name}" },
            ["spec"] = spec,
        };
    }

    private static List<(string Type, string Name)> Drain(System.Threading.Channels.Channel<WatchEvent> ch)
    {
        var seen = new List<(string, string)>();
        while (ch.Reader.TryRead(out var ev)) seen.Add((ev.Type, ev.Object.Name()));
        return seen;
    }

    [Fact]
    public void Node_indexed_pod_watches_see_binding_and_deletion_and_nothing_of_other_nodes()
    {
        var store = new ObjectStore();
        var everything = store.Watch(store.CurrentResourceVersion, out _, Pods)!;
        var nodeA = store.Watch(store.CurrentResourceVersion, out _, Pods, podNodeName: "node-a")!;
        var nodeB = store.Watch(store.CurrentResourceVersion, out _, Pods, podNodeName: "node-b")!;
        var unscheduled = store.Watch(store.CurrentResourceVersion, out _, Pods, podNodeName: "")!;

        store.Create(Pods, Pod("p1", null));
        store.Update(Pods, Pod("p1", "node-a"), null);   // binding: "" → node-a
        store.Create(Pods, Pod("p2", "node-b"));
        store.Delete(Pods, "ns", "p1");

        Assert.Equal([("ADDED", "p1"), ("MODIFIED", "p1"), ("ADDED", "p2"), ("DELETED", "p1")], Drain(everything));
        Assert.Equal([("MODIFIED", "p1"), ("DELETED", "p1")], Drain(nodeA));
        Assert.Equal([("ADDED", "p2")], Drain(nodeB));
        Assert.Equal([("ADDED", "p1"), ("MODIFIED", "p1")], Drain(unscheduled));

        store.Unwatch(nodeA);
        store.Create(Pods, Pod("p3", "node-a"));
        Assert.True(nodeA.Reader.Completion.IsCompleted);
        Assert.Equal([("ADDED", "p3")], Drain(everything));
    }
}
