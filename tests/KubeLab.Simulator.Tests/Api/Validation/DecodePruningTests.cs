namespace KubeLab.Simulator.Tests.Api.Validation;

/// <summary>
/// Without fieldValidation=Strict kube-apiserver keeps the request but decodes it into the Go struct: unknown fields are gone
/// and an explicit null reads back as absent (omitempty), so a later rewrite by a controller cannot change what a client sees.
/// </summary>
public class DecodePruningTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Unknown_fields_and_explicit_nulls_are_not_stored()
    {
        var ns = await fx.NewNamespaceAsync("prune");
        var (code, created) = await fx.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments?fieldValidation=Ignore", """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","x-unknown":1},
             "spec":{"replicas":1,"minReadySeconds":null,"x-extra":{"a":1},"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27.0","x-c":true}]}}}}
            """);
        Assert.Equal(201, code);
        Assert.False(created!["metadata"]!.AsObject().ContainsKey("x-unknown"));
        Assert.False(created["spec"]!.AsObject().ContainsKey("x-extra"));
        Assert.False(created["spec"]!.AsObject().ContainsKey("minReadySeconds"));
        Assert.False(created["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().ContainsKey("x-c"));
        // Labels are a map: every key is kept.
        Assert.Equal("web", (string?)created["spec"]!["template"]!["metadata"]!["labels"]!["app"]);
        var (_, read) = await fx.SendAsync(HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments/web");
        Assert.False(read!["spec"]!.AsObject().ContainsKey("x-extra"));
    }

    [Fact]
    public async Task Strict_validation_still_refuses_the_unknown_field()
    {
        var ns = await fx.NewNamespaceAsync("prune");
        var (code, status) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Strict",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"x-unknown":1}""");
        Assert.Equal(400, code);
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"x-unknown\"", (string?)status!["message"]);
    }
}
