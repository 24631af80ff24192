using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Lifecycle;
using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Tests.Api.Lifecycle;

/// <summary>The namespace controller's conditions on a Terminating namespace.</summary>
public class NamespaceConditionsTests
{
    private static ResourceType Kind(string kind) => ResourceRegistry.Types.First(t => t.Kind == kind);

    [Fact]
    public void Remaining_content_and_finalizers_are_named_with_their_counts()
    {
        var claim = JsonNode.Parse("""{"metadata":{"name":"data","finalizers":["kubernetes.io/pvc-protection"]}}""")!.AsObject();
        var pod = JsonNode.Parse("""{"metadata":{"name":"p"}}""")!.AsObject();
        var conditions = NamespaceConditions.For([(Kind("Pod"), pod), (Kind("Pod"), pod), (Kind("PersistentVolumeClaim"), claim)], null, "2026-01-01T00:00:00Z");
        JsonObject Get(string type) => conditions.OfType<JsonObject>().Single(c => c["type"]!.ToString() == type);
        Assert.Equal("Some resources are remaining: persistentvolumeclaims. has 1 resource instances, pods. has 2 resource instances", Get("NamespaceContentRemaining")["message"]!.ToString());
        Assert.Equal("Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in 1 resource instances", Get("NamespaceFinalizersRemaining")["message"]!.ToString());
        Assert.Equal("False", Get("NamespaceDeletionDiscoveryFailure")["status"]!.ToString());
    }

    [Fact]
    public void An_empty_namespace_reports_its_content_removed()
    {
        var conditions = NamespaceConditions.For([], null, "2026-01-01T00:00:00Z");
        var remaining = conditions.OfType<JsonObject>().Single(c => c["type"]!.ToString() == "NamespaceContentRemaining");
        Assert.Equal(("False", "ContentRemoved"), (remaining["status"]!.ToString(), remaining["reason"]!.ToString()));
    }
}
