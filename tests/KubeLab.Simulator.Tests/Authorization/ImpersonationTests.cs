using KubeLab.Simulator.Api.Authentication;
using KubeLab.Simulator.Api.Authorization;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;
using Microsoft.AspNetCore.Http;
using static KubeLab.Simulator.Tests.Authorization.RbacObjects;

namespace KubeLab.Simulator.Tests.Authorization;

/// <summary>The impersonation filter's checks (endpoints/filters/impersonation.go) against the bootstrap policy.</summary>
public sealed class ImpersonationTests
{
    private static readonly UserInfo Jane = new("jane", ["system:authenticated"]);

    private static RbacAuthorizer Authorizer(bool janeEdits)
    {
        var store = new ObjectStore();
        var storage = new RestStorage(store, TimeProvider.System);
        BootstrapPolicy.Apply(storage);
        if (janeEdits)
            storage.Create(ResourceRegistry.Find("rbac.authorization.k8s.io", "v1", "clusterrolebindings")!, null,
                (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(ClusterRoleBinding("jane-edits", "edit", User("jane")))!);
        return RbacAuthorizer.For(store);
    }

    private static HttpContext Request(params (string Header, string Value)[] headers)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Path = "/api/v1/namespaces/default/pods";
        foreach (var (h, v) in headers) ctx.Request.Headers.Append(h, v);
        return ctx;
    }

    [Fact]
    public void Without_headers_the_user_stays()
        => Assert.Same(Jane, Impersonation.Apply(Request(), Jane, Authorizer(false)));

    [Fact]
    public void Impersonating_a_user_without_permission_is_forbidden()
    {
        var e = Assert.Throws<ApiError>(() => Impersonation.Apply(Request(("Impersonate-User", "admin")), Jane, Authorizer(false)));
        Assert.Equal(403, e.Code);
        Assert.Equal("users \"admin\" is forbidden: User \"jane\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope", e.Message);
    }

    [Fact]
    public void Edit_may_impersonate_service_accounts_but_not_groups()
    {
        var authorizer = Authorizer(true);
        var sa = Impersonation.Apply(Request(("Impersonate-User", "system:serviceaccount:default:app")), Jane, authorizer);
        Assert.Equal("system:serviceaccount:default:app", sa.Name);
        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"], sa.Groups);
        var e = Assert.Throws<ApiError>(() => Impersonation.Apply(Request(("Impersonate-User", "system:serviceaccount:default:app"), ("Impersonate-Group", "system:masters")), Jane, authorizer));
        Assert.Equal("groups \"system:masters\" is forbidden: User \"jane\" cannot impersonate resource \"groups\" in API group \"\" at the cluster scope", e.Message);
    }

    [Fact]
    public void An_impersonated_user_is_authenticated_and_keeps_the_asked_groups()
    {
        var admin = new UserInfo("root", ["system:masters"]);
        var u = Impersonation.Apply(Request(("Impersonate-User", "bob"), ("Impersonate-Group", "ops")), admin, Authorizer(false));
        Assert.Equal("bob", u.Name);
        Assert.Equal(["ops", "system:authenticated"], u.Groups);
        var anonymous = Impersonation.Apply(Request(("Impersonate-User", "system:anonymous")), admin, Authorizer(false));
        Assert.Equal(["system:unauthenticated"], anonymous.Groups);
    }
}
