using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Authentication;
using KubeLab.Simulator.Api.Authorization;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Storage;

namespace KubeLab.Simulator.Tests.Api.Authorization;

/// <summary>RBAC's cached decisions follow every role and binding change, as the rule walk itself would.</summary>
public class RbacDecisionCacheTests
{
    private static readonly ResourceType ClusterRoles = ResourceRegistry.ForKind("ClusterRole");
    private static readonly ResourceType RoleBindings = ResourceRegistry.ForKind("RoleBinding");
    private static readonly UserInfo Alice = new("alice", ["system:authenticated"]);

    private static AuthorizationDecision ListPods(RbacAuthorizer rbac) =>
        rbac.Authorize(new AuthorizationAttributes(Alice, "list", true, "/api/v1/namespaces/team/pods", "", "v1", "pods", "", "team", ""));

    [Fact]
    public void A_cached_answer_changes_when_a_binding_or_its_role_changes()
    {
        var store = new ObjectStore();
        var rbac = RbacAuthorizer.For(store);
        store.Create(ClusterRoles, JsonNode.Parse("""{"metadata":{"name":"reader"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["list"]}]}""")!.AsObject());
        Assert.False(ListPods(rbac).Allowed);
        Assert.False(ListPods(rbac).Allowed); // answered from the cache

        store.Create(RoleBindings, JsonNode.Parse("""{"metadata":{"name":"alice-reads","namespace":"team"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"reader"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"alice"}]}""")!.AsObject());
        var allowed = ListPods(rbac);
        Assert.True(allowed.Allowed);
        Assert.Equal("RBAC: allowed by RoleBinding \"alice-reads/team\" of ClusterRole \"reader\" to User \"alice\"", allowed.Reason);

        // The role loses the verb: the binding stays, the cached allow must not.
        var role = store.Get(ClusterRoles, null, "reader")!;
        role["rules"]![0]!["verbs"] = new JsonArray("get");
        store.Update(ClusterRoles, role, null);
        Assert.False(ListPods(rbac).Allowed);

        store.Delete(RoleBindings, "team", "alice-reads");
        Assert.False(ListPods(rbac).Allowed);
    }
}
