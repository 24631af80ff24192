using System.Text.Json.Nodes;
using static KubeLab.Simulator.Tests.Authorization.RbacObjects;

namespace KubeLab.Simulator.Tests.Authorization;

/// <summary>The bootstrap roles and the clusterrole-aggregation-controller filling view, edit and admin.</summary>
public sealed class AggregationTests(AuthorizationFixture f) : IClassFixture<AuthorizationFixture>
{
    private async Task<JsonArray> RulesOf(string clusterRole)
    {
        var (status, body) = await f.SendAsync(HttpMethod.Get, $"{Rbac}/clusterroles/{clusterRole}");
        Assert.Equal(200, status);
        return body!["rules"] as JsonArray ?? [];
    }

    private static bool Grants(JsonArray rules, string resource) => rules.Any(r => (r!["resources"] as JsonArray ?? []).Any(x => x!.ToString() == resource));

    private async Task<bool> Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition()) return true;
            await Task.Delay(100);
        }
        return false;
    }

    [Fact]
    public async Task Bootstrap_roles_carry_upstream_labels_and_aggregated_rules()
    {
        var (_, view) = await f.SendAsync(HttpMethod.Get, $"{Rbac}/clusterroles/view");
        Assert.Equal("rbac-defaults", view!["metadata"]!["labels"]!["kubernetes.io/bootstrapping"]!.ToString());
        Assert.Equal("true", view["metadata"]!["labels"]!["rbac.authorization.k8s.io/aggregate-to-edit"]!.ToString());
        Assert.Equal("true", view["metadata"]!["annotations"]!["rbac.authorization.kubernetes.io/autoupdate"]!.ToString());
        Assert.True(Grants(await RulesOf("view"), "pods"));
        Assert.False(Grants(await RulesOf("view"), "secrets"));
        Assert.True(Grants(await RulesOf("edit"), "secrets"));
        Assert.True(Grants(await RulesOf("admin"), "rolebindings"));
        Assert.False(Grants(await RulesOf("edit"), "rolebindings"));
        foreach (var name in new[] { "cluster-admin", "system:basic-user", "system:discovery", "system:public-info-viewer", "system:monitoring",
                     "system:controller:deployment-controller", "system:controller:replicaset-controller" })
            Assert.Equal(200, (await f.SendAsync(HttpMethod.Get, $"{Rbac}/clusterroles/{name}")).Status);
        var (_, kubeadm) = await f.SendAsync(HttpMethod.Get, $"{Rbac}/clusterrolebindings/kubeadm:cluster-admins");
        Assert.Equal("cluster-admin", kubeadm!["roleRef"]!["name"]!.ToString());
    }

    [Fact]
    public async Task A_role_labelled_aggregate_to_view_appears_in_view_edit_and_admin_and_leaves_with_it()
    {
        await f.CreateAsync($"{Rbac}/clusterroles", ClusterRole("widget-viewer", "\"rbac.authorization.k8s.io/aggregate-to-view\":\"true\"",
            Rule(["get", "list", "watch"], ["example.com"], ["widgets"])));
        Assert.True(await Eventually(async () => Grants(await RulesOf("view"), "widgets")));
        Assert.True(await Eventually(async () => Grants(await RulesOf("edit"), "widgets")));
        Assert.True(await Eventually(async () => Grants(await RulesOf("admin"), "widgets")));
        Assert.True((await f.ReviewAsync("viewer", ["system:authenticated"], "list", "example.com", "widgets", "default")) is var r && !r["allowed"]!.GetValue<bool>());

        Assert.Equal(200, (await f.SendAsync(HttpMethod.Delete, $"{Rbac}/clusterroles/widget-viewer")).Status);
        Assert.True(await Eventually(async () => !Grants(await RulesOf("admin"), "widgets")));
        Assert.False(Grants(await RulesOf("view"), "widgets"));
    }
}
