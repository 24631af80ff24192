using KubeLab.Simulator.Api.Registry;

namespace KubeLab.Simulator.Tests.Authorization;

/// <summary>
/// Nothing is allowed by accident: a user with no bindings tries every verb on every served resource (and the subresources
/// the simulator serves) and gets 403 everywhere; only the discovery, basic-user and public-info endpoints answer. The
/// anonymous user sees only the public-info paths.
/// </summary>
public sealed class NoBindingsTests(AuthorizationFixture f) : IClassFixture<AuthorizationFixture>
{
    private static IEnumerable<(HttpMethod Method, string Path, string Verb)> EveryRequest()
    {
        foreach (var t in ResourceRegistry.Types)
        {
            var prefix = t.Group.Length == 0 ? "/api/v1" : $"/apis/{t.Group}/{t.Version}";
            var collection = t.Namespaced ? $"{prefix}/namespaces/default/{t.Plural}" : $"{prefix}/{t.Plural}";
            var one = $"{collection}/x";
            // The basic-user role lets everyone ask about themselves.
            if (t.Kind is "SelfSubjectAccessReview" or "SelfSubjectRulesReview" or "SelfSubjectReview") continue; // system:basic-user
            yield return (HttpMethod.Post, collection, "create");
            yield return (HttpMethod.Get, collection, "list");
            yield return (HttpMethod.Get, collection + "?watch=true", "watch");
            yield return (HttpMethod.Get, one, "get");
            yield return (HttpMethod.Put, one, "update");
            yield return (HttpMethod.Patch, one, "patch");
            yield return (HttpMethod.Delete, one, "delete");
            yield return (HttpMethod.Delete, collection, "deletecollection");
            if (t.HasStatus) yield return (HttpMethod.Put, one + "/status", "update");
            if (t.HasScale) yield return (HttpMethod.Put, one + "/scale", "update");
        }
        yield return (HttpMethod.Get, "/api/v1/namespaces/default/pods/x/log", "get");
        yield return (HttpMethod.Get, "/api/v1/namespaces/default/pods/x/exec", "get");
        yield return (HttpMethod.Post, "/api/v1/namespaces/default/pods/x/binding", "create");
        yield return (HttpMethod.Get, "/api/v1/namespaces/default/pods/x/proxy/", "get");
        yield return (HttpMethod.Get, "/api/v1/namespaces/default/services/x/proxy/", "get");
        yield return (HttpMethod.Get, "/api/v1/watch/namespaces/default/pods", "watch");
    }

    [Fact]
    public async Task Every_verb_on_every_resource_is_forbidden()
    {
        var allowed = new List<string>();
        foreach (var (method, path, verb) in EveryRequest())
        {
            var (status, body) = await f.AsAsync("nobody", [], method, path, method == HttpMethod.Get || method == HttpMethod.Delete ? null : "{}",
                method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json");
            if (status != 403) allowed.Add($"{method} {path} → {status}");
            else Assert.Contains($"User \"nobody\" cannot {verb} resource", body!["message"]!.ToString());
        }
        Assert.Empty(allowed);
    }

    [Theory]
    [InlineData("/api", 200)]
    [InlineData("/api/v1", 200)]
    [InlineData("/apis", 200)]
    [InlineData("/apis/apps", 200)]
    [InlineData("/apis/apps/v1", 200)]
    [InlineData("/openapi/v3", 200)]
    [InlineData("/version", 200)]
    [InlineData("/healthz", 200)]
    [InlineData("/readyz", 200)]
    [InlineData("/livez", 200)]
    [InlineData("/metrics", 403)]
    [InlineData("/logs/", 403)]
    [InlineData("/", 403)]
    public async Task Only_discovery_and_public_info_paths_answer(string path, int expected)
        => Assert.Equal(expected, (await f.AsAsync("nobody", [], HttpMethod.Get, path)).Status);

    [Theory]
    [InlineData("/version", 200)]
    [InlineData("/healthz", 200)]
    [InlineData("/readyz", 200)]
    [InlineData("/livez", 200)]
    [InlineData("/api", 403)]
    [InlineData("/apis", 403)]
    [InlineData("/openapi/v3", 403)]
    [InlineData("/api/v1/namespaces/default/pods", 403)]
    [InlineData("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", 403)]
    public async Task Anonymous_sees_only_public_info(string path, int expected)
    {
        var method = path.EndsWith("reviews", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get;
        Assert.Equal(expected, (await f.AsAsync("system:anonymous", [], method, path, method == HttpMethod.Post ? "{}" : null)).Status);
    }

    [Fact]
    public async Task Self_reviews_are_open_to_every_authenticated_user()
    {
        var review = """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"list","resource":"pods","namespace":"default"}}}""";
        var (status, body) = await f.AsAsync("nobody", [], HttpMethod.Post, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review);
        Assert.Equal(201, status);
        Assert.False(body!["status"]!["allowed"]!.GetValue<bool>());
    }
}
