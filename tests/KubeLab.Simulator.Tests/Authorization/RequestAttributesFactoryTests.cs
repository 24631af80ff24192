using KubeLab.Simulator.Api.Authentication;
using KubeLab.Simulator.Api.Authorization;

namespace KubeLab.Simulator.Tests.Authorization;

/// <summary>Request → authorizer attributes as apiserver's RequestInfoFactory derives them (requestinfo_test.go's cases).</summary>
public sealed class RequestAttributesFactoryTests
{
    private static readonly UserInfo Jane = new("jane", ["system:authenticated"]);

    private static AuthorizationAttributes A(string method, string path, string? watch = null, string? fieldSelector = null)
        => RequestAttributesFactory.From(Jane, method, path, n => n == "watch" ? watch : n == "fieldSelector" ? fieldSelector : null);

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/dev/pods", null, "list", "", "pods", "", "dev", "")]
    [InlineData("GET", "/api/v1/namespaces/dev/pods", "true", "watch", "", "pods", "", "dev", "")]
    [InlineData("GET", "/api/v1/namespaces/dev/pods", "false", "list", "", "pods", "", "dev", "")]
    [InlineData("GET", "/api/v1/watch/namespaces/dev/pods", null, "watch", "", "pods", "", "dev", "")]
    [InlineData("GET", "/api/v1/pods", null, "list", "", "pods", "", "", "")]
    [InlineData("GET", "/api/v1/namespaces/dev/pods/web", null, "get", "", "pods", "", "dev", "web")]
    [InlineData("GET", "/api/v1/namespaces/dev/pods/web/log", null, "get", "", "pods", "log", "dev", "web")]
    [InlineData("POST", "/api/v1/namespaces/dev/pods", null, "create", "", "pods", "", "dev", "")]
    [InlineData("PUT", "/apis/apps/v1/namespaces/dev/deployments/web/scale", null, "update", "apps", "deployments", "scale", "dev", "web")]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/dev/deployments/web", null, "patch", "apps", "deployments", "", "dev", "web")]
    [InlineData("DELETE", "/api/v1/namespaces/dev/pods/web", null, "delete", "", "pods", "", "dev", "web")]
    [InlineData("DELETE", "/api/v1/namespaces/dev/pods", null, "deletecollection", "", "pods", "", "dev", "")]
    [InlineData("GET", "/api/v1/namespaces/dev", null, "get", "", "namespaces", "", "dev", "dev")]
    [InlineData("PUT", "/api/v1/namespaces/dev/finalize", null, "update", "", "namespaces", "finalize", "dev", "dev")]
    [InlineData("GET", "/api/v1/namespaces", null, "list", "", "namespaces", "", "", "")]
    [InlineData("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/view", null, "get", "rbac.authorization.k8s.io", "clusterroles", "", "", "view")]
    public void Resource_requests(string method, string path, string? watch, string verb, string group, string resource, string sub, string ns, string name)
    {
        var a = A(method, path, watch);
        Assert.True(a.IsResourceRequest);
        Assert.Equal((verb, group, resource, sub, ns, name), (a.Verb, a.ApiGroup, a.Resource, a.Subresource, a.Namespace, a.Name));
    }

    [Theory]
    [InlineData("GET", "/api", "get")]
    [InlineData("GET", "/api/v1", "get")]
    [InlineData("GET", "/apis/apps/v1", "get")]
    [InlineData("GET", "/version", "get")]
    [InlineData("POST", "/healthz", "post")]
    [InlineData("GET", "/openapi/v3/apis/apps/v1", "get")]
    public void Non_resource_requests_use_the_lower_cased_method(string method, string path, string verb)
    {
        var a = A(method, path);
        Assert.False(a.IsResourceRequest);
        Assert.Equal(verb, a.Verb);
        Assert.Equal(path, a.Path);
    }

    [Fact]
    public void A_list_narrowed_to_one_name_is_authorized_for_that_name()
    {
        var a = A("GET", "/api/v1/namespaces/dev/pods", fieldSelector: "metadata.name=web");
        Assert.Equal(("list", "web"), (a.Verb, a.Name));
    }

    [Fact]
    public void Forbidden_texts_match_kube_apiserver()
    {
        Assert.Equal("pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"dev\"",
            ForbiddenResponse.Error(A("GET", "/api/v1/namespaces/dev/pods")).Message);
        Assert.Equal("pods \"web\" is forbidden: User \"jane\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"dev\"",
            ForbiddenResponse.Error(A("GET", "/api/v1/namespaces/dev/pods/web/log")).Message);
        Assert.Equal("nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope",
            ForbiddenResponse.Error(A("GET", "/api/v1/nodes")).Message);
        Assert.Equal("deployments.apps \"web\" is forbidden: User \"jane\" cannot update resource \"deployments/scale\" in API group \"apps\" in the namespace \"dev\"",
            ForbiddenResponse.Error(A("PUT", "/apis/apps/v1/namespaces/dev/deployments/web/scale")).Message);
        Assert.Equal("forbidden: User \"jane\" cannot get path \"/api\"", ForbiddenResponse.Error(A("GET", "/api")).Message);
        var details = ForbiddenResponse.Error(A("GET", "/apis/apps/v1/namespaces/dev/deployments/web")).Details!;
        Assert.Equal("""{"name":"web","group":"apps","kind":"deployments"}""", details.ToJsonString());
        Assert.Equal("{}", ForbiddenResponse.Error(A("GET", "/api")).Details!.ToJsonString());
    }
}
