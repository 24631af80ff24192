using KubeLab.Simulator.Api.Storage;
using static KubeLab.Simulator.Tests.Authorization.RbacObjects;

namespace KubeLab.Simulator.Tests.Authorization;

/// <summary>RBAC's escalation and bind checks (pkg/registry/rbac escalation_check.go, validation/rule.go) and RBAC validation.</summary>
public sealed class EscalationTests(AuthorizationFixture f) : IClassFixture<AuthorizationFixture>, IAsyncLifetime
{
    private const string Ns = "esc";
    private static readonly string Roles = $"{Rbac}/namespaces/{Ns}/roles";
    private static readonly string Bindings = $"{Rbac}/namespaces/{Ns}/rolebindings";

    public async Task InitializeAsync()
    {
        if ((await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{Ns}")).Status == 200) return;
        await f.CreateAsync("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + Ns + "\"}}");
        await f.CreateAsync(Roles, Role("rbac-manager", Rule(["create", "get", "list", "update", "patch", "delete"], ["rbac.authorization.k8s.io"], ["roles", "rolebindings"]), Rule(["get", "list"], [""], ["pods"])));
        await f.CreateAsync(Bindings, RoleBinding("lee-manages-rbac", "Role", "rbac-manager", User("lee")));
        await f.CreateAsync(Bindings, RoleBinding("max-manages-rbac", "Role", "rbac-manager", User("max")));
        await f.CreateAsync(Roles, Role("escalator", Rule(["escalate"], ["rbac.authorization.k8s.io"], ["roles"])));
        await f.CreateAsync(Bindings, RoleBinding("max-escalates", "Role", "escalator", User("max")));
        await f.CreateAsync(Roles, Role("admin-binder", Rule(["bind"], ["rbac.authorization.k8s.io"], ["clusterroles"], ["admin"])));
        await f.CreateAsync(Bindings, RoleBinding("max-binds-admin", "Role", "admin-binder", User("max")));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_role_with_held_rules_is_created()
    {
        var (status, body) = await f.AsAsync("lee", [], HttpMethod.Post, Roles, Role("pod-getter", Rule(["get"], [""], ["pods"])));
        Assert.True(status == 201, body?.ToJsonString());
    }

    [Fact]
    public async Task A_role_granting_more_than_the_user_holds_is_refused_with_the_missing_rules()
    {
        var (status, body) = await f.AsAsync("lee", [], HttpMethod.Post, Roles, Role("secret-getter", Rule(["get", "list"], [""], ["pods", "secrets"])));
        Assert.Equal(403, status);
        Assert.Equal("roles.rbac.authorization.k8s.io \"secret-getter\" is forbidden: user \"lee\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
            + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\"]}", body!.Str("message"));
    }

    [Fact]
    public async Task The_escalate_verb_allows_granting_what_one_does_not_hold()
    {
        var (status, body) = await f.AsAsync("max", [], HttpMethod.Post, Roles, Role("max-secrets", Rule(["get"], [""], ["secrets"])));
        Assert.True(status == 201, body?.ToJsonString());
    }

    [Fact]
    public async Task Binding_a_role_needs_its_rules_or_the_bind_verb()
    {
        var (status, body) = await f.AsAsync("lee", [], HttpMethod.Post, Bindings, RoleBinding("lee-admin", "ClusterRole", "admin", User("lee")));
        Assert.Equal(403, status);
        Assert.StartsWith("rolebindings.rbac.authorization.k8s.io \"lee-admin\" is forbidden: user \"lee\" (groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n",
            body!.Str("message"));
        Assert.Contains("{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[", body.Str("message"));
        var (bound, bindBody) = await f.AsAsync("max", [], HttpMethod.Post, Bindings, RoleBinding("max-admin-for-ann", "ClusterRole", "admin", User("ann")));
        Assert.True(bound == 201, bindBody?.ToJsonString());
    }

    [Fact]
    public async Task A_binding_to_a_missing_role_is_accepted_and_grants_nothing()
    {
        var (status, _) = await f.AsAsync("lee", [], HttpMethod.Post, Bindings, RoleBinding("to-nowhere", "Role", "does-not-exist", User("nina")));
        Assert.Equal(201, status);
        var review = await f.ReviewAsync("nina", ["system:authenticated"], "get", "", "pods", Ns);
        Assert.False(review["allowed"]!.GetValue<bool>());
        Assert.Equal("RBAC: role.rbac.authorization.k8s.io \"does-not-exist\" not found", review.Str("reason"));
    }

    [Fact]
    public async Task The_role_ref_of_a_binding_cannot_change()
    {
        await f.CreateAsync(Bindings, RoleBinding("fixed-ref", "ClusterRole", "view", User("vic")));
        var (status, body) = await f.SendAsync(HttpMethod.Put, $"{Bindings}/fixed-ref", RoleBinding("fixed-ref", "ClusterRole", "edit", User("vic")));
        Assert.Equal(422, status);
        Assert.Equal("RoleBinding.rbac.authorization.k8s.io \"fixed-ref\" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"edit\"}: cannot change roleRef",
            body!.Str("message"));
    }

    [Theory]
    [InlineData("{\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}", "rules[0].verbs: Required value: verbs must contain at least one value")]
    [InlineData("{\"verbs\":[\"get\"],\"resources\":[\"pods\"]}", "rules[0].apiGroups: Required value: resource rules must supply at least one api group")]
    [InlineData("{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/metrics\"]}", "rules[0].nonResourceURLs: Invalid value: []string{\"/metrics\"}: namespaced rules cannot apply to non-resource URLs")]
    public async Task Invalid_rules_are_refused_with_upstream_messages(string rule, string error)
    {
        var (status, body) = await f.SendAsync(HttpMethod.Post, Roles, Role("bad", rule));
        Assert.Equal(422, status);
        Assert.Equal($"Role.rbac.authorization.k8s.io \"bad\" is invalid: {error}", body!.Str("message"));
    }
}
