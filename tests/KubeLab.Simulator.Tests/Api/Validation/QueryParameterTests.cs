using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests.Api.Validation;

/// <summary>Query parameters are decoded and validated, never ignored; limit/continue really page.</summary>
public sealed class QueryParameterTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static string Message(JsonObject? status) => status!["message"]!.GetValue<string>();

    private async Task<string> NamespaceWithConfigMapsAsync(int count)
    {
        var ns = await f.NewNamespaceAsync();
        for (var i = 0; i < count; i++)
            Assert.Equal(201, (await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", $$$"""{"metadata":{"name":"cm-{{{i}}}"}}""")).Status);
        return ns;
    }

    private static List<string> Names(JsonObject list) => list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Where(n => n != ClusterFixture.RootCaConfigMap).ToList();

    [Fact]
    public async Task Limit_and_continue_page_through_a_consistent_snapshot()
    {
        var ns = await NamespaceWithConfigMapsAsync(5);
        var (code, first) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?limit=2");
        Assert.Equal(200, code);
        Assert.Equal(["cm-0", "cm-1"], Names(first!));
        // cm-2..cm-4 and kube-root-ca.crt (root-ca-cert-publisher's, last in name order).
        Assert.Equal(4, first!["metadata"]!["remainingItemCount"]!.GetValue<long>());
        var rv = first["metadata"]!["resourceVersion"]!.GetValue<string>();

        // Changes after the first page do not show up in later pages: they come from the first page's resourceVersion.
        Assert.Equal(201, (await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"cm-9"}}""")).Status);
        Assert.Equal(200, (await f.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/cm-3")).Status);

        var token = first["metadata"]!["continue"]!.GetValue<string>();
        var (_, second) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?limit=2&continue={Uri.EscapeDataString(token)}");
        Assert.Equal(["cm-2", "cm-3"], Names(second!));
        Assert.Equal(rv, second!["metadata"]!["resourceVersion"]!.GetValue<string>());
        var (_, third) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?limit=2&continue={Uri.EscapeDataString(second["metadata"]!["continue"]!.GetValue<string>())}");
        Assert.Equal(["cm-4"], Names(third!));
        Assert.Null(third!["metadata"]!["continue"]);
        Assert.Null(third["metadata"]!["remainingItemCount"]);
    }

    [Fact]
    public async Task Without_limit_or_with_resourceVersion_0_the_whole_list_comes_at_once()
    {
        var ns = await NamespaceWithConfigMapsAsync(3);
        var (_, all) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?limit=2&resourceVersion=0");
        Assert.Equal(3, Names(all!).Count);
        Assert.Null(all!["metadata"]!["continue"]);
    }

    [Theory]
    [InlineData("limit=abc", "strconv.ParseInt: parsing \"abc\": invalid syntax")]
    [InlineData("timeoutSeconds=soon", "strconv.ParseInt: parsing \"soon\": invalid syntax")]
    [InlineData("continue=%25%25garbage", "invalid continue token: continue key is not valid: illegal base64 data at input byte 0")]
    [InlineData("continue=eyJ2IjoibWV0YS5rOHMuaW8vdjAiLCJydiI6MSwic3RhcnQiOiJ4In0", "invalid continue token: continue key is not valid: server does not recognize this encoded version")]
    [InlineData("continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NSwic3RhcnQiOiJ4In0&resourceVersion=5", "specifying resource version is not allowed when using continue")]
    public async Task Malformed_list_parameters_are_400(string query, string expected)
    {
        var (code, status) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/default/configmaps?{query}");
        Assert.Equal(400, code);
        Assert.Equal(expected, Message(status));
    }

    [Fact]
    public async Task A_well_formed_but_unknown_continue_token_is_410_Expired()
    {
        // {"v":"meta.k8s.io/v1","rv":5,"start":"x"}: no snapshot is kept for it.
        var (code, status) = await f.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?limit=1&continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NSwic3RhcnQiOiJ4In0");
        Assert.Equal(410, code);
        Assert.Equal("Expired", status!["reason"]!.GetValue<string>());
        Assert.StartsWith("The provided continue parameter is too old to display a consistent list result.", Message(status));
    }

    [Theory]
    [InlineData("resourceVersionMatch=Exact", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided")]
    [InlineData("resourceVersion=1&resourceVersionMatch=Newest", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Unsupported value: \"Newest\": supported values: \"Exact\", \"NotOlderThan\", \"\"")]
    [InlineData("resourceVersion=0&resourceVersionMatch=Exact", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")]
    [InlineData("watch=true&resourceVersionMatch=NotOlderThan&resourceVersion=1", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")]
    public async Task Invalid_list_option_combinations_are_422(string query, string expected)
    {
        var (code, status) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/default/configmaps?{query}");
        Assert.Equal(422, code);
        Assert.Equal(expected, Message(status));
    }

    [Fact]
    public async Task Write_options_are_validated()
    {
        var ns = await f.NewNamespaceAsync();
        var (dry, dryStatus) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?dryRun=Maybe", """{"metadata":{"name":"c"}}""");
        Assert.Equal(422, dry);
        Assert.Equal("CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Maybe\"}: supported values: \"All\"", Message(dryStatus));
        var (fv, fvStatus) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Loose", """{"metadata":{"name":"c"}}""");
        Assert.Equal(422, fv);
        Assert.Equal("CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Loose\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"", Message(fvStatus));
        var (patch, patchStatus) = await f.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/c?dryRun=all", "{}", "application/merge-patch+json");
        Assert.Equal(422, patch);
        Assert.StartsWith("PatchOptions.meta.k8s.io \"\" is invalid: dryRun", Message(patchStatus));
    }

    [Fact]
    public async Task DryRun_All_persists_nothing()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, created) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?dryRun=All", """{"metadata":{"name":"c"},"data":{"a":"1"}}""");
        Assert.Equal(201, code);
        Assert.Equal("c", created!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(404, (await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/c")).Status);

        Assert.Equal(201, (await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"c"},"data":{"a":"1"}}""")).Status);
        Assert.Equal(200, (await f.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/c?dryRun=All", """{"data":{"a":"2"}}""", "application/merge-patch+json")).Status);
        Assert.Equal(200, (await f.SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/c?dryRun=All", """{"metadata":{"name":"c"},"data":{"a":"3"}}""")).Status);
        Assert.Equal(200, (await f.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/c?dryRun=All")).Status);
        var (_, after) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/c");
        Assert.Equal("1", after!["data"]!["a"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_propagationPolicy_is_422_before_the_object_is_looked_up()
    {
        var (code, status) = await f.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/nothing-here?propagationPolicy=Sideways");
        Assert.Equal(422, code);
        Assert.Equal("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"Sideways\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"", Message(status));
        var (both, bothStatus) = await f.SendAsync(HttpMethod.Delete, "/api/v1/namespaces/default/configmaps/nothing-here", """{"propagationPolicy":"Orphan","orphanDependents":true}""");
        Assert.Equal(422, both);
        Assert.Contains("orphanDependents and deletionPropagation cannot be both set", Message(bothStatus));
    }

    [Fact]
    public async Task Kubectl_get_pages_with_chunk_size()
    {
        var ns = await NamespaceWithConfigMapsAsync(5);
        var r = await f.KubectlOkAsync("get", "configmaps", "-n", ns, "--chunk-size=2", "-o", "name");
        // kube-root-ca.crt is not modelled in every namespace; the five created ones must all come through three chunks.
        foreach (var i in Enumerable.Range(0, 5)) Assert.Contains($"configmap/cm-{i}", r.Lines);
        var table = await f.KubectlOkAsync("get", "configmaps", "-n", ns, "--chunk-size=2");
        Assert.Equal(5, table.Lines.Count(l => l.StartsWith("cm-", StringComparison.Ordinal)));
    }
}
