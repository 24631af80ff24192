using System.Text.RegularExpressions;

namespace KubeLab.Simulator.Tests.Authorization;

/// <summary>kubectl 1.32's RBAC commands against the simulator: create role/rolebinding (sent as protobuf), get with kind's columns,
/// describe, auth can-i (SelfSubjectAccessReview, --list via SelfSubjectRulesReview, --as via impersonation).</summary>
public sealed partial class KubectlRbacTests(AuthorizationFixture f) : IClassFixture<AuthorizationFixture>, IAsyncLifetime
{
    private const string Ns = "kubectl-rbac";

    [GeneratedRegex(" {2,}")] private static partial Regex ColumnGap();

    private static string[] Header(KubectlResult r) => ColumnGap().Split(r.Lines[0].Trim());

    public async Task InitializeAsync()
    {
        if ((await f.KubectlAsync("get", "namespace", Ns)).ExitCode == 0) return;
        await f.KubectlOkAsync("create", "namespace", Ns);
        var role = await f.KubectlOkAsync("create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods,pods/log", "-n", Ns);
        Assert.Equal("role.rbac.authorization.k8s.io/pod-reader created", role.Stdout.Trim());
        var binding = await f.KubectlOkAsync("create", "rolebinding", "jane-reads-pods", "--role=pod-reader", "--user=jane", "--serviceaccount=" + Ns + ":app", "-n", Ns);
        Assert.Equal("rolebinding.rbac.authorization.k8s.io/jane-reads-pods created", binding.Stdout.Trim());
        await f.KubectlOkAsync("create", "clusterrole", "kubectl-node-reader", "--verb=get,list", "--resource=nodes");
        await f.KubectlOkAsync("create", "clusterrolebinding", "kubectl-ops-nodes", "--clusterrole=kubectl-node-reader", "--group=ops");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("yes", 0, "list", "pods", "--as=jane")]
    [InlineData("yes", 0, "get", "pods/log", "--as=jane")]
    [InlineData("no", 1, "delete", "pods", "--as=jane")]
    [InlineData("no", 1, "list", "secrets", "--as=jane")]
    [InlineData("yes", 0, "list", "pods", "--as=system:serviceaccount:kubectl-rbac:app")]
    [InlineData("yes", 0, "list", "nodes", "--as=olga", "--as-group=ops")]
    [InlineData("yes", 0, "delete", "nodes")]
    public async Task Auth_can_i_answers_yes_or_no(string answer, int exit, params string[] args)
    {
        var r = await f.KubectlAsync(["auth", "can-i", .. args, "-n", Ns]);
        Assert.True(r.ExitCode == exit, r.ToString());
        Assert.Equal(answer, r.Stdout.Trim());
    }

    [Fact]
    public async Task Auth_can_i_list_prints_the_rules_held_in_the_namespace()
    {
        var r = await f.KubectlOkAsync("auth", "can-i", "--list", "-n", Ns, "--as=jane");
        Assert.Equal(["Resources", "Non-Resource URLs", "Resource Names", "Verbs"], Header(r));
        Assert.Contains(r.Lines, l => Regex.IsMatch(l, @"^pods/log\s+\[\]\s+\[\]\s+\[get list watch\]$"));
        Assert.Contains(r.Lines, l => Regex.IsMatch(l, @"^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$"));
        Assert.Contains(r.Lines, l => Regex.IsMatch(l, @"^\s+\[/api/\*\]\s+\[\]\s+\[get\]$"));
    }

    [Fact]
    public async Task A_forbidden_request_shows_kube_apiservers_message()
    {
        var r = await f.KubectlAsync("get", "secrets", "-n", Ns, "--as=jane");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"Error from server (Forbidden): secrets is forbidden: User \"jane\" cannot list resource \"secrets\" in API group \"\" in the namespace \"{Ns}\"", r.Stderr.Trim());
        var ok = await f.KubectlOkAsync("get", "pods", "-n", Ns, "--as=jane");
        Assert.Equal("", ok.Stdout.Trim());
    }

    [Fact]
    public async Task Get_prints_kinds_columns()
    {
        var roles = await f.KubectlOkAsync("get", "roles", "-n", Ns);
        Assert.Equal(["NAME", "CREATED AT"], Header(roles));
        Assert.Matches(@"^pod-reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", roles.Lines[1].Trim());
        var bindings = await f.KubectlOkAsync("get", "rolebindings", "-n", Ns, "-o", "wide");
        Assert.Equal(["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"], Header(bindings));
        Assert.Matches(@"^jane-reads-pods\s+Role/pod-reader\s+\d+s\s+jane\s+kubectl-rbac/app$", bindings.Lines[1].Trim());
        var crb = await f.KubectlOkAsync("get", "clusterrolebinding", "kubectl-ops-nodes");
        Assert.Equal(["NAME", "ROLE", "AGE"], Header(crb));
        Assert.Matches(@"^kubectl-ops-nodes\s+ClusterRole/kubectl-node-reader\s+\d+s$", crb.Lines[1].Trim());
        var clusterRoles = await f.KubectlOkAsync("get", "clusterroles");
        Assert.Contains(clusterRoles.Lines, l => l.StartsWith("system:controller:deployment-controller ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Describe_role_lists_its_policy_rules()
    {
        var r = await f.KubectlOkAsync("describe", "role", "pod-reader", "-n", Ns);
        Assert.Contains("PolicyRule:", r.Stdout);
        Assert.Contains(r.Lines, l => Regex.IsMatch(l, @"^\s+pods/log\s+\[\]\s+\[\]\s+\[get list watch\]$"));
    }

    [Fact]
    public async Task A_subject_access_review_created_with_kubectl_has_a_status()
    {
        var review = """
            apiVersion: authorization.k8s.io/v1
            kind: SubjectAccessReview
            spec:
              user: jane
              resourceAttributes:
                namespace: kubectl-rbac
                verb: list
                resource: pods
            """;
        var r = await f.KubectlWithInputAsync(review, "create", "-f", "-", "-o", "jsonpath={.status.allowed} {.status.reason}");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("true RBAC: allowed by RoleBinding \"jane-reads-pods/kubectl-rbac\" of Role \"pod-reader\" to User \"jane\"", r.Stdout.Trim());
    }

    [Fact]
    public async Task Discovery_and_openapi_list_the_rbac_and_authorization_types()
    {
        var rbac = await f.KubectlOkAsync("api-resources", "--api-group=rbac.authorization.k8s.io", "--no-headers");
        Assert.Equal(["clusterrolebindings", "clusterroles", "rolebindings", "roles"], rbac.Lines.Select(l => l.Split(' ')[0]).Order().ToArray());
        var authz = await f.KubectlOkAsync("api-resources", "--api-group=authorization.k8s.io", "-o", "wide", "--no-headers");
        Assert.Matches(@"(?m)^selfsubjectaccessreviews\s+authorization\.k8s\.io/v1\s+false\s+SelfSubjectAccessReview\s+create\s*$", authz.Stdout);
        Assert.Matches(@"(?m)^localsubjectaccessreviews\s+authorization\.k8s\.io/v1\s+true\s+LocalSubjectAccessReview\s+create\s*$", authz.Stdout);
        var explain = await f.KubectlOkAsync("explain", "clusterrole.aggregationRule");
        Assert.Contains("clusterRoleSelectors", explain.Stdout);
    }

    [Fact]
    public async Task Auth_reconcile_creates_then_reconciles_a_role()
    {
        static string Manifest(string verbs) => $$$"""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: reconciled
              namespace: kubectl-rbac
            rules:
            - apiGroups: [""]
              resources: ["configmaps"]
              verbs: [{{{verbs}}}]
            """;
        var first = await f.KubectlWithInputAsync(Manifest("get"), "auth", "reconcile", "-f", "-");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("role.rbac.authorization.k8s.io/reconciled reconciled", first.Stdout.Trim());
        var second = await f.KubectlWithInputAsync(Manifest("get, list"), "auth", "reconcile", "-f", "-");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("yes", (await f.KubectlAsync("auth", "can-i", "list", "configmaps", "-n", Ns, "--as=someone", "--as-group=system:masters")).Stdout.Trim());
        var role = await f.KubectlOkAsync("get", "role", "reconciled", "-n", Ns, "-o", "jsonpath={.rules[*].verbs}");
        Assert.Contains("list", role.Stdout);
    }
}
