using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests.Authorization;

/// <summary>A cluster plus raw requests made as another user through the impersonation headers (the admin may impersonate anyone).</summary>
public sealed class AuthorizationFixture : ClusterFixture
{
    public async Task<(int Status, JsonObject? Body)> AsAsync(string user, string[] groups, HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var req = new HttpRequestMessage(method, path);
        req.Headers.Add("Impersonate-User", user);
        foreach (var g in groups) req.Headers.Add("Impersonate-Group", g);
        if (body is not null) req.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));
        using var resp = await Http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        JsonObject? json = null;
        try { json = JsonNode.Parse(text) as JsonObject; } catch (System.Text.Json.JsonException) { }
        return ((int)resp.StatusCode, json);
    }

    /// <summary>POSTs an object as the admin and fails the test unless it is created.</summary>
    public async Task<JsonObject> CreateAsync(string path, string json)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, path, json);
        Assert.True(status == 201, $"{status} {body}");
        return body!;
    }

    /// <summary>What a SubjectAccessReview answers for (user, groups, verb, group, resource, subresource, namespace, name).</summary>
    public async Task<JsonObject> ReviewAsync(string user, string[] groups, string verb, string group, string resource, string ns = "", string name = "", string subresource = "")
    {
        var spec = new JsonObject
        {
            ["user"] = user, ["groups"] = new JsonArray(groups.Select(g => (JsonNode?)g).ToArray()),
            ["resourceAttributes"] = new JsonObject { ["verb"] = verb, ["group"] = group, ["resource"] = resource, ["subresource"] = subresource, ["namespace"] = ns, ["name"] = name },
        };
        var review = new JsonObject { ["apiVersion"] = "authorization.k8s.io/v1", ["kind"] = "SubjectAccessReview", ["spec"] = spec };
        var created = await CreateAsync("/apis/authorization.k8s.io/v1/subjectaccessreviews", review.ToJsonString());
        return (JsonObject)created["status"]!;
    }
}
