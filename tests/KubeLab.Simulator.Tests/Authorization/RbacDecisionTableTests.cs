using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Storage;
using static KubeLab.Simulator.Tests.Authorization.RbacObjects;

namespace KubeLab.Simulator.Tests.Authorization;

/// <summary>
/// (subject, verb, resource, namespace) → decision, as RBAC's documented rules give it (docs "Using RBAC Authorization",
/// "Default roles and role bindings"): the bootstrap view/edit/admin roles, a custom Role, a ClusterRole bound by a RoleBinding,
/// resourceNames, subresources and <c>*/scale</c>, nonResourceURLs, service accounts, groups; then the 403 texts of real requests.
/// </summary>
public sealed class RbacDecisionTableTests(AuthorizationFixture f) : IClassFixture<AuthorizationFixture>, IAsyncLifetime
{
    private const string Ns = "rbac-table";
    private static readonly string[] Authenticated = ["system:authenticated"];

    public async Task InitializeAsync()
    {
        if ((await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{Ns}")).Status == 200) return;
        await f.CreateAsync("/api/v1/namespaces", $$$"""{"metadata":{"name":"{{{Ns}}}"}}""");
        var roles = $"{Rbac}/namespaces/{Ns}/roles";
        var bindings = $"{Rbac}/namespaces/{Ns}/rolebindings";
        await f.CreateAsync(bindings, RoleBinding("jane-view", "ClusterRole", "view", User("jane"), ServiceAccount("app")));
        await f.CreateAsync(bindings, RoleBinding("ed-edit", "ClusterRole", "edit", User("ed")));
        await f.CreateAsync(bindings, RoleBinding("ada-admin", "ClusterRole", "admin", User("ada")));
        await f.CreateAsync(roles, Role("pod-reader", Rule(["get", "list", "watch"], [""], ["pods", "pods/log"])));
        await f.CreateAsync(bindings, RoleBinding("rita-reads-pods", "Role", "pod-reader", User("rita")));
        await f.CreateAsync(roles, Role("one-config", Rule(["get"], [""], ["configmaps"], ["app-config"])));
        await f.CreateAsync(bindings, RoleBinding("carl-one-config", "Role", "one-config", User("carl")));
        await f.CreateAsync(roles, Role("scaler", Rule(["update"], ["apps"], ["*/scale"])));
        await f.CreateAsync(bindings, RoleBinding("sam-scales", "Role", "scaler", User("sam")));
        await f.CreateAsync($"{Rbac}/clusterroles", ClusterRole("table-secret-reader", "", Rule(["get"], [""], ["secrets"])));
        await f.CreateAsync(bindings, RoleBinding("sue-secrets-here", "ClusterRole", "table-secret-reader", User("sue")));
        await f.CreateAsync($"{Rbac}/clusterroles", ClusterRole("table-node-reader", "", Rule(["get", "list"], [""], ["nodes"])));
        await f.CreateAsync($"{Rbac}/clusterrolebindings", ClusterRoleBinding("table-ops-nodes", "table-node-reader", Group("ops")));
        await f.CreateAsync($"{Rbac}/clusterroles", ClusterRole("table-urls", "", UrlRule(["get"], "/metrics", "/logs/*")));
        await f.CreateAsync($"{Rbac}/clusterrolebindings", ClusterRoleBinding("table-mo-urls", "table-urls", User("mo")));
        // A binding to a role that does not exist is accepted and grants nothing.
        await f.CreateAsync(bindings, RoleBinding("ghost-binding", "Role", "ghost", User("miss")));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, string, string, string, string, string, bool> Table => new()
    {
        // subject, verb, group, resource, subresource, namespace, name → allowed
        { "jane", "get", "", "pods", "", Ns, "", true },
        { "jane", "list", "", "pods", "", Ns, "", true },
        { "jane", "watch", "apps", "deployments", "", Ns, "", true },
        { "jane", "get", "", "pods", "log", Ns, "web", true },
        { "jane", "create", "", "pods", "", Ns, "", false },
        { "jane", "get", "", "secrets", "", Ns, "", false },
        { "jane", "list", "", "pods", "", "default", "", false },
        { "jane", "create", "", "pods", "exec", Ns, "web", false },
        { "jane", "list", "rbac.authorization.k8s.io", "roles", "", Ns, "", false },
        { "jane", "update", "apps", "deployments", "scale", Ns, "web", false },
        { "ed", "create", "", "pods", "", Ns, "", true },
        { "ed", "get", "", "secrets", "", Ns, "", true },
        { "ed", "update", "apps", "deployments", "scale", Ns, "web", true },
        { "ed", "impersonate", "", "serviceaccounts", "", Ns, "app", true },
        { "ed", "create", "rbac.authorization.k8s.io", "roles", "", Ns, "", false },
        { "ed", "delete", "", "namespaces", "", "", Ns, false },
        { "ada", "create", "rbac.authorization.k8s.io", "roles", "", Ns, "", true },
        { "ada", "delete", "rbac.authorization.k8s.io", "rolebindings", "", Ns, "x", true },
        { "ada", "create", "authorization.k8s.io", "localsubjectaccessreviews", "", Ns, "", true },
        { "ada", "get", "", "resourcequotas", "", Ns, "", true },
        { "ada", "delete", "", "namespaces", "", "", Ns, false },
        { "ada", "list", "", "nodes", "", "", "", false },
        { "rita", "get", "", "pods", "", Ns, "web", true },
        { "rita", "get", "", "pods", "log", Ns, "web", true },
        { "rita", "delete", "", "pods", "", Ns, "web", false },
        { "rita", "get", "", "pods", "exec", Ns, "web", false },
        { "rita", "get", "", "pods", "", "default", "web", false },
        { "carl", "get", "", "configmaps", "", Ns, "app-config", true },
        { "carl", "get", "", "configmaps", "", Ns, "other", false },
        { "carl", "list", "", "configmaps", "", Ns, "", false },
        { "sam", "update", "apps", "deployments", "scale", Ns, "web", true },
        { "sam", "update", "apps", "statefulsets", "scale", Ns, "db", true },
        { "sam", "update", "apps", "deployments", "", Ns, "web", false },
        { "sam", "update", "", "replicationcontrollers", "scale", Ns, "rc", false },
        { "sue", "get", "", "secrets", "", Ns, "s", true },
        { "sue", "get", "", "secrets", "", "default", "s", false },
        { "olga", "list", "", "nodes", "", "", "", false },
        { "miss", "list", "", "pods", "", Ns, "", false },
        { "nobody", "create", "authorization.k8s.io", "selfsubjectaccessreviews", "", "", "", true },
        { "nobody", "create", "authorization.k8s.io", "selfsubjectrulesreviews", "", "", "", true },
        { "nobody", "create", "authorization.k8s.io", "subjectaccessreviews", "", "", "", false },
        { "nobody", "get", "", "namespaces", "", "", "default", false },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Subject_access_review_answers_as_rbac_documents(string user, string verb, string group, string resource, string sub, string ns, string name, bool allowed)
    {
        var status = await f.ReviewAsync(user, Authenticated, verb, group, resource, ns, name, sub);
        Assert.Equal(allowed, status["allowed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Groups_and_service_accounts_are_subjects()
    {
        Assert.True((await f.ReviewAsync("olga", ["ops", "system:authenticated"], "list", "", "nodes"))["allowed"]!.GetValue<bool>());
        var sa = $"system:serviceaccount:{Ns}:app";
        string[] saGroups = ["system:serviceaccounts", $"system:serviceaccounts:{Ns}", "system:authenticated"];
        Assert.True((await f.ReviewAsync(sa, saGroups, "list", "", "pods", Ns))["allowed"]!.GetValue<bool>());
        Assert.False((await f.ReviewAsync(sa, saGroups, "list", "", "pods", "default"))["allowed"]!.GetValue<bool>());
        // system:masters is allowed before RBAC is asked.
        Assert.True((await f.ReviewAsync("root", ["system:masters"], "delete", "", "nodes", name: "any"))["allowed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Allowed_reviews_name_the_binding_that_allowed()
    {
        var admin = await f.ReviewAsync("kubernetes-admin", ["kubeadm:cluster-admins", "system:authenticated"], "delete", "", "nodes");
        Assert.Equal("RBAC: allowed by ClusterRoleBinding \"kubeadm:cluster-admins\" of ClusterRole \"cluster-admin\" to Group \"kubeadm:cluster-admins\"", admin.Str("reason"));
        var jane = await f.ReviewAsync("jane", Authenticated, "get", "", "pods", Ns);
        Assert.Equal($"RBAC: allowed by RoleBinding \"jane-view/{Ns}\" of ClusterRole \"view\" to User \"jane\"", jane.Str("reason"));
        var miss = await f.ReviewAsync("miss", Authenticated, "list", "", "pods", Ns);
        Assert.Equal("RBAC: role.rbac.authorization.k8s.io \"ghost\" not found", miss.Str("reason"));
    }

    [Theory]
    [InlineData("mo", "/metrics", true)]
    [InlineData("mo", "/logs/kubelet.log", true)]
    [InlineData("mo", "/logsx", false)]
    [InlineData("nobody", "/metrics", false)]
    [InlineData("nobody", "/apis/apps/v1", true)]
    [InlineData("nobody", "/healthz", true)]
    public async Task Non_resource_urls_match_exactly_or_by_trailing_star(string user, string path, bool allowed)
    {
        var review = "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\",\"spec\":{\"user\":\"" + user + "\",\"groups\":[\"system:authenticated\"],\"nonResourceAttributes\":{\"verb\":\"get\",\"path\":\"" + path + "\"}}}";
        var created = await f.CreateAsync("/apis/authorization.k8s.io/v1/subjectaccessreviews", review);
        Assert.Equal(allowed, created["status"]!["allowed"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("jane", "GET", "/api/v1/namespaces/default/pods", "pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"")]
    [InlineData("jane", "GET", "/api/v1/nodes", "nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope")]
    [InlineData("jane", "GET", "/api/v1/namespaces/rbac-table/pods/web/exec", "pods \"web\" is forbidden: User \"jane\" cannot get resource \"pods/exec\" in API group \"\" in the namespace \"rbac-table\"")]
    [InlineData("jane", "DELETE", "/apis/apps/v1/namespaces/rbac-table/deployments/web", "deployments.apps \"web\" is forbidden: User \"jane\" cannot delete resource \"deployments\" in API group \"apps\" in the namespace \"rbac-table\"")]
    [InlineData("jane", "GET", "/api/v1/watch/namespaces/default/secrets", "secrets is forbidden: User \"jane\" cannot watch resource \"secrets\" in API group \"\" in the namespace \"default\"")]
    [InlineData("jane", "GET", "/metrics", "forbidden: User \"jane\" cannot get path \"/metrics\"")]
    [InlineData("miss", "GET", "/api/v1/namespaces/rbac-table/pods", "pods is forbidden: User \"miss\" cannot list resource \"pods\" in API group \"\" in the namespace \"rbac-table\": RBAC: role.rbac.authorization.k8s.io \"ghost\" not found")]
    public async Task Denied_requests_get_kube_apiservers_403(string user, string method, string path, string message)
    {
        var (status, body) = await f.AsAsync(user, [], new HttpMethod(method), path);
        Assert.Equal(403, status);
        Assert.Equal("Forbidden", body!.Str("reason"));
        Assert.Equal(message, body.Str("message"));
    }

    [Fact]
    public async Task Allowed_requests_pass_and_anonymous_sees_only_public_info()
    {
        Assert.Equal(200, (await f.AsAsync("jane", [], HttpMethod.Get, $"/api/v1/namespaces/{Ns}/pods")).Status);
        Assert.Equal(200, (await f.AsAsync("jane", [], HttpMethod.Get, "/api")).Status);
        var (status, body) = await f.AsAsync("system:anonymous", [], HttpMethod.Get, "/api");
        Assert.Equal(403, status);
        Assert.Equal("forbidden: User \"system:anonymous\" cannot get path \"/api\"", body!.Str("message"));
        Assert.Equal("{}", body!["details"]!.ToJsonString());
        Assert.Equal(200, (await f.AsAsync("system:anonymous", [], HttpMethod.Get, "/version")).Status);
        Assert.Equal(200, (await f.AsAsync("system:anonymous", [], HttpMethod.Get, "/healthz")).Status);
    }
}
