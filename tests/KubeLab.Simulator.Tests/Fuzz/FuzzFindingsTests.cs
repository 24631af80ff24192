namespace KubeLab.Simulator.Tests.Fuzz;

/// <summary>Inputs the fuzz tests once answered with a 500, kept as fixed cases (only "no 5xx, a well-formed answer" is asserted).</summary>
public class FuzzFindingsTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_null_label_value_in_a_selector_is_not_an_internal_error()
    {
        var http = new FuzzHttp(f.Http);
        var ns = await f.NewNamespaceAsync("fzf");
        (await http.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments",
            """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":0,"selector":{"matchLabels":{"app":null},"matchExpressions":[null,{"key":"k","operator":"In","values":[null]}]},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}}}""")).AssertWellFormed();
    }

    [Fact]
    public async Task An_apply_with_a_malformed_retainKeys_directive_is_not_an_internal_error()
    {
        var http = new FuzzHttp(f.Http);
        var ns = await f.NewNamespaceAsync("fzf");
        (await http.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"c"},"data":{"k":"v"}}""")).AssertWellFormed();
        var answer = (await http.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/c?fieldManager=fz",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"$retainKeys":[[],{"a":1}]}}}""", "application/apply-patch+yaml")).AssertWellFormed();
        await http.AssertHealthyAsync();
    }
}
