using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests.Api.Authorization;

/// <summary>Raw requests as a kubelet: a client certificate of CN=system:node:&lt;name&gt;, O=system:nodes from the cluster CA.</summary>
public static class NodeClients
{
    public const string Worker = "k8s-course-worker";
    public const string Worker2 = "k8s-course-worker2";

    public static HttpClient For(ClusterFixture f, string node)
    {
        var cert = f.Cluster.Pki.IssueClientCertificate("system:node:" + node, ["system:nodes"], f.Cluster.Clock.GetUtcNow());
        var http = f.Cluster.CreateHttpClient(clientCertificate: cert);
        http.Timeout = TimeSpan.FromSeconds(30);
        return http;
    }

    public static async Task<(int Status, JsonObject? Body)> SendAsync(this HttpClient http, HttpMethod method, string path, string? body = null,
        string contentType = "application/merge-patch+json")
    {
        using var req = new HttpRequestMessage(method, path);
        if (body is not null) req.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(method == HttpMethod.Patch ? contentType : "application/json"));
        using var resp = await http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        JsonObject? json = null;
        try { json = JsonNode.Parse(text) as JsonObject; } catch (System.Text.Json.JsonException) { }
        return ((int)resp.StatusCode, json);
    }

    /// <summary>Creates a pod bound to <paramref name="node"/> as the admin (spec.nodeName set, so the scheduler leaves it alone).</summary>
    public static async Task<JsonObject> CreateBoundPodAsync(ClusterFixture f, string ns, string name, string node, string podSpecExtras = "", string containerExtras = "")
    {
        var json = $$$"""
            {"metadata":{"name":"{{{name}}}"},"spec":{"nodeName":"{{{node}}}"{{{podSpecExtras}}},
             "containers":[{"name":"c","image":"busybox:1.36","command":["sleep","3600"]{{{containerExtras}}}}]}}
            """;
        var (status, body) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods", json);
        Assert.True(status == 201, $"{status} {body}");
        return body!;
    }
}
