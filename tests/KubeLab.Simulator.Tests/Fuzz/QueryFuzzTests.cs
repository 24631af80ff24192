using CsCheck;

namespace KubeLab.Simulator.Tests.Fuzz;

/// <summary>
/// Random query strings (selectors, paging, resourceVersion, timeouts, unknown parameters, odd encodings) and Accept headers on
/// list, get and watch URLs: never a 5xx, never a hang, a JSON answer is an object or a Status (text where text was asked for).
/// </summary>
public class QueryFuzzTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private FuzzHttp Http => new(f.Http);

    private static readonly Gen<string> SelectorText =
        Gen.OneOf("app", "app=fz", "app==fz", "app!=fz", "app in (a,b)", "app notin (a)", "!app", "a in (", "=", ",", "app=", "a=b,c!=d",
            "metadata.name=x", "metadata.namespace!=y", "spec.nodeName=k8s-course-worker", "status.phase=Running", "spec.bogus=x", "a b", "ä=ö",
            "app in ()", "x=" + new string('a', 70), "%", "%zz", "\u0000")
        .Array[1, 3].Select(parts => string.Join(",", parts));

    private static readonly Gen<string> Number = Gen.OneOf<string>(Gen.Int[-5, 600].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf("", "abc", "1.5", "1e3", "99999999999999999999", "-0", " 1", "0x10"));

    private static readonly Gen<string> Param = Gen.OneOf<string>(
        SelectorText.Select(s => "labelSelector=" + Escape(s)),
        SelectorText.Select(s => "fieldSelector=" + Escape(s)),
        Number.Select(n => "limit=" + Escape(n)),
        Gen.OneOf<string>(Gen.String.AlphaNumeric, Gen.OneOf("eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJ4In0", "%%%", "e30")).Select(c => "continue=" + Escape(c)),
        Number.Select(n => "resourceVersion=" + Escape(n)),
        Gen.OneOf("NotOlderThan", "Exact", "Bogus", "").Select(m => "resourceVersionMatch=" + m),
        Number.Select(n => "timeoutSeconds=" + Escape(n)),
        Gen.OneOf("true", "false", "1", "yes", "").Select(b => "pretty=" + b),
        Gen.OneOf("true", "false", "x").Select(b => "allowWatchBookmarks=" + b),
        Gen.OneOf("true", "false", "x").Select(b => "sendInitialEvents=" + b),
        Gen.OneOf("All", "None", "x").Select(d => "dryRun=" + d),
        Gen.OneOf("Strict", "Warn", "Ignore", "x").Select(v => "fieldValidation=" + v),
        Gen.String.AlphaNumeric.Select(k => Escape(k) + "=1"),
        Gen.OneOf("&", "=", "a=b=c", "%", "labelSelector", "limit=1&limit=2"));

    private static readonly Gen<string> Target = Gen.OneOf(
        "/api/v1/namespaces/{ns}/pods", "/api/v1/pods", "/api/v1/namespaces/{ns}/configmaps", "/api/v1/namespaces/{ns}/configmaps/seed",
        "/api/v1/namespaces/{ns}/configmaps/missing", "/apis/apps/v1/namespaces/{ns}/deployments", "/apis/apps/v1/deployments", "/api/v1/nodes",
        "/api/v1/nodes/k8s-course-worker", "/api/v1/namespaces", "/api/v1/namespaces/{ns}/events", "/apis/events.k8s.io/v1/events",
        "/api/v1/namespaces/{ns}/services", "/apis/batch/v1/namespaces/{ns}/jobs", "/api", "/apis", "/version", "/openapi/v2");

    private static readonly Gen<string?> Accept = Gen.OneOf<string?>(null, "application/json", "application/json;as=Table;v=v1;g=meta.k8s.io",
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json", "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
        "application/yaml", "*/*", "text/html", "application/vnd.kubernetes.protobuf", "garbage/;;;");

    private static string Escape(string s) => Uri.EscapeDataString(s);

    [Fact]
    public async Task Random_query_strings_and_accept_headers_get_well_formed_answers()
    {
        var ns = await f.NewNamespaceAsync("fz");
        await Http.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", """{"metadata":{"name":"seed","labels":{"app":"fz"}},"data":{"a":"b"}}""");
        var gen = Gen.Select(Target, Param.Array[0, 5], Accept);
        await gen.SampleAsync(async (target, parameters, accept) =>
        {
            var url = target.Replace("{ns}", ns, StringComparison.Ordinal) + (parameters.Length == 0 ? "" : "?" + string.Join("&", parameters));
            var answer = await Http.SendAsync(HttpMethod.Get, url, accept: accept);
            answer.AssertWellFormed(textAllowed: accept is not (null or "application/json" or "*/*"), kindRequired: target is not ("/version" or "/openapi/v2"));
        }, seed: FuzzBudget.Seed, time: FuzzBudget.Seconds, threads: 2);

        // Watches with random parameters: each must end by itself (timeoutSeconds=1) and say so in watch events or a Status.
        var watches = Gen.Select(Gen.OneOf("/api/v1/namespaces/{ns}/configmaps", "/api/v1/pods", "/apis/apps/v1/namespaces/{ns}/deployments"), Param.Array[0, 3]);
        await watches.SampleAsync(async (target, parameters) =>
        {
            // No second timeoutSeconds: which of two values counts is not the point here.
            var rest = parameters.Where(p => !p.StartsWith("timeoutSeconds", StringComparison.Ordinal));
            var url = target.Replace("{ns}", ns, StringComparison.Ordinal) + "?watch=true&timeoutSeconds=1&" + string.Join("&", rest);
            var answer = await Http.SendAsync(HttpMethod.Get, url);
            Assert.True(answer.Status < 500, $"{answer.Request} → {answer.Status}: {answer.Text}");
            if (answer.Status >= 400) answer.AssertWellFormed();
            else foreach (var line in answer.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Assert.True(System.Text.Json.Nodes.JsonNode.Parse(line)?["type"] is not null, $"{answer.Request}: watch line without a type: {line}");
        }, seed: FuzzBudget.Seed, iter: 12, threads: 2);
        await Http.AssertHealthyAsync();
    }
}
