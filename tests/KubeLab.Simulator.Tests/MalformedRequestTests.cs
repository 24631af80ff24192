namespace KubeLab.Simulator.Tests;

/// <summary>Bad input gets a 4xx kind: Status – never a 5xx, never a dropped connection.</summary>
public class MalformedRequestTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    public static TheoryData<string, string, string?, string, int> Requests => new()
    {
        { "POST", "/api/v1/namespaces/default/pods", "{not json", "application/json", 400 },
        { "POST", "/api/v1/namespaces/default/pods", "[1,2]", "application/json", 400 },
        { "POST", "/api/v1/namespaces/default/pods", "", "application/json", 400 },
        { "POST", "/api/v1/namespaces/default/pods", "a: [b", "application/yaml", 400 },
        { "POST", "/api/v1/namespaces/default/pods", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"}}""", "application/json", 400 },
        { "POST", "/api/v1/namespaces/default/pods", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","namespace":"other"},"spec":{"containers":[{"name":"a","image":"b"}]}}""", "application/json", 400 },
        { "POST", "/api/v1/namespaces/default/pods", """{"metadata":"oops"}""", "application/json", 400 },   // typed decoding: cannot unmarshal string into … v1.ObjectMeta
        { "POST", "/api/v1/namespaces/default/pods", """{"metadata":{"name":"p"},"spec":{"containers":"nope"}}""", "application/json", 400 },
        { "POST", "/api/v1/namespaces/default/pods", "\u0000binary", "application/vnd.kubernetes.protobuf", 400 },
        { "POST", "/api/v1/namespaces/default/pods", "binary", "application/x-unknown-format", 415 },
        { "PUT", "/api/v1/namespaces/default/pods/missing", """{"metadata":{"name":"missing"}}""", "application/json", 404 },
        { "PUT", "/api/v1/namespaces/default/configmaps/a", """{"metadata":{"name":"b"}}""", "application/json", 400 },
        { "GET", "/api/v1/namespaces/default/widgets", null, "application/json", 404 },
        { "GET", "/apis/nope.example.com/v1/things", null, "application/json", 404 },
        { "GET", "/api/v1/namespaces/default/pods/x/logs/extra/parts", null, "application/json", 404 },
        { "GET", "/api/v1/namespaces/default/pods?labelSelector=a%20in%20(", null, "application/json", 400 },
        { "GET", "/api/v1/namespaces/default/pods?fieldSelector=spec.bogus%3Dx", null, "application/json", 400 },
        { "GET", "/api/v1/namespaces/default/pods?watch=true&resourceVersion=abc", null, "application/json", 400 },
        { "DELETE", "/api/v1/namespaces/default/configmaps/zzz?gracePeriodSeconds=soon", null, "application/json", 400 },
        { "DELETE", "/api/v1/namespaces/default/configmaps/zzz", """{"propagationPolicy":"Sideways"}""", "application/json", 422 },   // DeleteOptions are validated before the lookup
        { "PATCH", "/api/v1/namespaces/default/configmaps/zzz", "{}", "text/plain", 415 },
        { "PATCH", "/api/v1/nodes/k8s-course-worker", "{}", "text/plain", 415 },
        { "PATCH", "/api/v1/nodes/k8s-course-worker", """{"op":"add"}""", "application/json-patch+json", 422 },
        { "PATCH", "/api/v1/nodes/k8s-course-worker", """[{"op":"remove","path":"/nope/deeper"}]""", "application/json-patch+json", 422 },
        { "PATCH", "/api/v1/nodes/k8s-course-worker", "{bad", "application/merge-patch+json", 400 },
        { "POST", "/api/v1/nodes/k8s-course-worker", "{}", "application/json", 405 },
        { "GET", "/totally/unknown", null, "application/json", 404 },
        { "POST", "/api/v1/pods", """{"metadata":{"name":"x"}}""", "application/json", 405 },
        { "GET", "/api/v1/pods/x", null, "application/json", 404 },
        { "POST", "/api/v1/namespaces/default/pods?dryRun=Maybe", """{"metadata":{"name":"d"},"spec":{"containers":[{"name":"a","image":"b"}]}}""", "application/json", 422 },   // CreateOptions: dryRun: Unsupported value
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Bad_requests_get_a_4xx_Status(string method, string path, string? body, string contentType, int expected)
    {
        var (code, status) = await f.SendAsync(new HttpMethod(method), path, body, contentType);
        Assert.Equal(expected, code);
        Assert.NotNull(status);
        Assert.Equal("Status", status!["kind"]!.GetValue<string>());
        Assert.Equal(expected, status["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(status["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Unknown_resource_uses_Kubernetes_text()
    {
        var (code, status) = await f.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/widgets");
        Assert.Equal(404, code);
        Assert.Equal("the server could not find the requested resource", status!["message"]!.GetValue<string>());
        Assert.Equal("NotFound", status["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Server_still_answers_after_bad_requests()
    {
        foreach (var (method, path, body, type, _) in Requests.Select(r => ((string)r[0], (string)r[1], (string?)r[2], (string)r[3], (int)r[4])))
        {
            var (code, _) = await f.SendAsync(new HttpMethod(method), path, body, type);
            Assert.InRange(code, 400, 499);
        }
        var (ok, _) = await f.SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods");
        Assert.Equal(200, ok);
    }
}
