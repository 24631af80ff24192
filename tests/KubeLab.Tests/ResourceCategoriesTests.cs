namespace KubeLab.Tests;

public class ResourceCategoriesTests
{
    [Theory]
    [InlineData("Pod", ResourceCategories.Workloads)]
    [InlineData("ReplicationController", ResourceCategories.Workloads)]
    [InlineData("CronJob", ResourceCategories.Workloads)]
    [InlineData("EndpointSlice", ResourceCategories.DiscoveryAndLoadBalancing)]
    [InlineData("Service", ResourceCategories.DiscoveryAndLoadBalancing)]
    [InlineData("PersistentVolumeClaim", ResourceCategories.ConfigAndStorage)]
    [InlineData("CSIDriver", ResourceCategories.ConfigAndStorage)]
    [InlineData("PersistentVolume", ResourceCategories.Cluster)]
    [InlineData("ClusterRoleBinding", ResourceCategories.Cluster)]
    [InlineData("NetworkPolicy", ResourceCategories.Cluster)]
    [InlineData("HorizontalPodAutoscaler", ResourceCategories.Metadata)]
    [InlineData("Event", ResourceCategories.Metadata)]
    [InlineData("PodTemplate", ResourceCategories.Metadata)]
    [InlineData("Widget", ResourceCategories.Other)]
    public void Kinds_fall_into_the_notes_categories(string kind, string category)
        => Assert.Equal(category, ResourceCategories.Of(kind));

    [Fact]
    public void Categories_are_ordered_as_in_the_notes_and_text_lists_kinds()
    {
        var c = new ApiResourceCategories(
        [
            new ApiKind("Widget", "example.com/v1", "widgets", true, []),
            new ApiKind("Pod", "v1", "pods", true, ["po"]),
            new ApiKind("Node", "v1", "nodes", false, ["no"]),
            new ApiKind("ReplicaSet", "apps/v1", "replicasets", true, ["rs"]),
        ]);
        Assert.Equal([ResourceCategories.Workloads, ResourceCategories.Cluster, ResourceCategories.Other], c.ByCategory.Keys);
        Assert.Equal(["Pod", "ReplicaSet"], c[ResourceCategories.Workloads].Select(k => k.Kind));
        Assert.Contains("Workloads: Pod, ReplicaSet", c.ToString());
        Assert.Contains("<td style=\"padding:2px 10px\">po</td>", c.ToHtml());
    }
}
