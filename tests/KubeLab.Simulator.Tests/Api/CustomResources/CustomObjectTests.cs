using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.Api.CustomResources;

/// <summary>Custom objects of a served CRD: CRUD through KubernetesClient's custom-object calls, schema validation, pruning, defaults, status.</summary>
public sealed class CustomObjectTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static JsonObject Widget(string group, string name, JsonObject spec) => new()
    {
        ["apiVersion"] = $"{group}/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = name }, ["spec"] = spec,
    };

    private static JsonObject AsJson(object o) => (JsonObject)JsonNode.Parse(JsonSerializer.Serialize(o))!;

    private async Task<(string Group, string Ns)> SetUpAsync(string prefix)
    {
        var group = WidgetDefinition.NewGroup(prefix);
        await WidgetDefinition.CreateAsync(f, group);
        return (group, await f.NewNamespaceAsync());
    }

    [Fact]
    public async Task Create_defaults_and_prunes_then_get_list_patch_delete()
    {
        var (group, ns) = await SetUpAsync("crud");
        var created = AsJson(await f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            Widget(group, "w1", new JsonObject { ["size"] = 3, ["unknown"] = "x", ["extra"] = new JsonObject { ["kept"] = true } }), group, "v1", ns, "widgets"));
        Assert.Equal("red", created["spec"]!["color"]!.ToString());               // default
        Assert.Null(created["spec"]!["unknown"]);                                  // pruned
        Assert.True(created["spec"]!["extra"]!["kept"]!.GetValue<bool>());         // x-kubernetes-preserve-unknown-fields
        Assert.Equal(1, created["metadata"]!["generation"]!.GetValue<long>());

        var got = AsJson(await f.Client.CustomObjects.GetNamespacedCustomObjectAsync(group, "v1", ns, "widgets", "w1"));
        Assert.Equal(3, got["spec"]!["size"]!.GetValue<long>());
        var list = AsJson(await f.Client.CustomObjects.ListNamespacedCustomObjectAsync(group, "v1", ns, "widgets"));
        Assert.Equal("WidgetList", list["kind"]!.ToString());
        Assert.Single(list["items"]!.AsArray());

        var patched = AsJson(await f.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"size":4,"color":"blue"}}""", V1Patch.PatchType.MergePatch), group, "v1", ns, "widgets", "w1"));
        Assert.Equal((4L, "blue", 2L), (patched["spec"]!["size"]!.GetValue<long>(), patched["spec"]!["color"]!.ToString(), patched["metadata"]!["generation"]!.GetValue<long>()));
        var jsonPatched = AsJson(await f.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""[{"op":"replace","path":"/spec/size","value":5}]""", V1Patch.PatchType.JsonPatch), group, "v1", ns, "widgets", "w1"));
        Assert.Equal(5, jsonPatched["spec"]!["size"]!.GetValue<long>());

        var (smp, status) = await f.SendAsync(HttpMethod.Patch, $"/apis/{group}/v1/namespaces/{ns}/widgets/w1", """{"spec":{"size":6}}""", "application/strategic-merge-patch+json");
        Assert.Equal(415, smp);
        Assert.StartsWith("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            status!["message"]!.ToString());

        await f.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(group, "v1", ns, "widgets", "w1");
        var (code, _) = await f.SendAsync(HttpMethod.Get, $"/apis/{group}/v1/namespaces/{ns}/widgets/w1");
        Assert.Equal(404, code);
    }

    [Theory]
    [InlineData("""{"size":"string"}""", "spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\"")]
    [InlineData("""{"size":0}""", "spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1")]
    [InlineData("""{"size":11}""", "spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10")]
    [InlineData("""{"size":1,"color":"pink"}""", "spec.color: Unsupported value: \"pink\": supported values: \"red\", \"blue\"")]
    [InlineData("""{"size":1,"label":"abcdef"}""", "spec.label: Too long: may not be more than 5 bytes")]
    [InlineData("""{"size":1,"label":"AB"}""", "spec.label: Invalid value: \"AB\": spec.label in body should match '^[a-z]+$'")]
    [InlineData("""{"size":1,"tags":["a","b","c"]}""", "spec.tags: Too many: 3: must have at most 2 items")]
    [InlineData("""{"color":"red"}""", "spec.size: Required value")]
    [InlineData("""{"size":1,"tags":["a",2]}""", "spec.tags[1]: Invalid value: \"integer\": spec.tags[1] in body must be of type string: \"integer\"")]
    [InlineData("""{"size":2.5}""", "spec.size: Invalid value: \"number\": spec.size in body must be of type integer: \"number\"")]
    public async Task Objects_that_break_the_schema_get_422_with_kube_openapi_wording(string spec, string expected)
    {
        var (group, ns) = await SetUpAsync("val");
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/apis/{group}/v1/namespaces/{ns}/widgets", Widget(group, "w", (JsonObject)JsonNode.Parse(spec)!).ToJsonString());
        Assert.Equal(422, code);
        Assert.Equal($"Widget.{group} \"w\" is invalid: {expected}", status!["message"]!.ToString());
        Assert.Equal("Invalid", status["reason"]!.ToString());
    }

    [Fact]
    public async Task Strict_field_validation_reports_the_fields_pruning_would_drop()
    {
        var (group, ns) = await SetUpAsync("strict");
        var body = Widget(group, "w", new JsonObject { ["size"] = 1, ["foo"] = 1 }).ToJsonString();
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/apis/{group}/v1/namespaces/{ns}/widgets?fieldValidation=Strict", body);
        Assert.Equal(400, code);
        Assert.Equal("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.foo\"", status!["message"]!.ToString());
        var (ignored, _) = await f.SendAsync(HttpMethod.Post, $"/apis/{group}/v1/namespaces/{ns}/widgets?fieldValidation=Ignore", body);
        Assert.Equal(201, ignored);
    }

    [Fact]
    public async Task The_status_subresource_splits_spec_and_status_writes()
    {
        var (group, ns) = await SetUpAsync("status");
        var withStatus = Widget(group, "w", new JsonObject { ["size"] = 1 });
        withStatus["status"] = new JsonObject { ["ready"] = true };
        var created = AsJson(await f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(withStatus, group, "v1", ns, "widgets"));
        Assert.Null(created["status"]);   // reset on create

        var statusPatched = AsJson(await f.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"ready":true},"spec":{"size":9}}""", V1Patch.PatchType.MergePatch), group, "v1", ns, "widgets", "w"));
        Assert.True(statusPatched["status"]!["ready"]!.GetValue<bool>());
        Assert.Equal(1, statusPatched["spec"]!["size"]!.GetValue<long>());

        var (bad, status) = await f.SendAsync(HttpMethod.Patch, $"/apis/{group}/v1/namespaces/{ns}/widgets/w/status", """{"status":{"ready":"yes"}}""", "application/merge-patch+json");
        Assert.Equal(422, bad);
        Assert.EndsWith("status.ready: Invalid value: \"string\": status.ready in body must be of type boolean: \"string\"", status!["message"]!.ToString());

        var mainPatched = AsJson(await f.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"status":{"ready":false},"spec":{"size":2}}""", V1Patch.PatchType.MergePatch), group, "v1", ns, "widgets", "w"));
        Assert.True(mainPatched["status"]!["ready"]!.GetValue<bool>());
        Assert.Equal(2, mainPatched["metadata"]!["generation"]!.GetValue<long>());   // the status write did not count
        Assert.Equal(2, mainPatched["spec"]!["size"]!.GetValue<long>());
    }

    [Fact]
    public async Task Watch_delivers_custom_objects()
    {
        var (group, ns) = await SetUpAsync("watch");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = new List<(string Type, string Name)>();
        var watching = Task.Run(async () =>
        {
            using var resp = await f.Http.GetAsync($"/apis/{group}/v1/namespaces/{ns}/widgets?watch=true", HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync(cts.Token));
            while (events.Count < 2 && await reader.ReadLineAsync(cts.Token) is { } line)
            {
                var ev = JsonNode.Parse(line)!;
                events.Add((ev["type"]!.ToString(), ev["object"]!["metadata"]!["name"]!.ToString()));
            }
        }, cts.Token);
        await Task.Delay(200, cts.Token);
        await f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget(group, "w", new JsonObject { ["size"] = 1 }), group, "v1", ns, "widgets", cancellationToken: cts.Token);
        await f.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(group, "v1", ns, "widgets", "w", cancellationToken: cts.Token);
        await watching;
        Assert.Equal([("ADDED", "w"), ("DELETED", "w")], events);
    }

    [Fact]
    public async Task Cluster_scoped_custom_objects_live_outside_namespaces()
    {
        var group = WidgetDefinition.NewGroup("cluster");
        await WidgetDefinition.CreateAsync(f, group, scope: "Cluster");
        await f.Client.CustomObjects.CreateClusterCustomObjectAsync(Widget(group, "global", new JsonObject { ["size"] = 1 }), group, "v1", "widgets");
        var got = AsJson(await f.Client.CustomObjects.GetClusterCustomObjectAsync(group, "v1", "widgets", "global"));
        Assert.Null(got["metadata"]!["namespace"]);
        var (code, _) = await f.SendAsync(HttpMethod.Get, $"/apis/{group}/v1/namespaces/default/widgets/global");
        Assert.Equal(404, code);
    }

    [Fact]
    public async Task Deleting_the_namespace_deletes_its_custom_objects()
    {
        var (group, ns) = await SetUpAsync("nsdel");
        await f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget(group, "w", new JsonObject { ["size"] = 1 }), group, "v1", ns, "widgets");
        await f.Client.CoreV1.DeleteNamespaceAsync(ns);
        for (var i = 0; i < 200 && (await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}")).Status != 404; i++) await Task.Delay(50);
        var (_, list) = await f.SendAsync(HttpMethod.Get, $"/apis/{group}/v1/widgets");
        Assert.DoesNotContain(list!["items"]!.AsArray(), w => w!["metadata"]!["namespace"]!.ToString() == ns);
        Assert.Equal(404, (await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}")).Status);
    }

    [Fact]
    public async Task A_default_added_to_the_schema_later_shows_when_objects_are_read()
    {
        var (group, ns) = await SetUpAsync("later");
        await f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget(group, "w", new JsonObject { ["size"] = 1 }), group, "v1", ns, "widgets");
        var patch = """[{"op":"add","path":"/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/shape","value":{"type":"string","default":"round"}}]""";
        var (code, body) = await f.SendAsync(HttpMethod.Patch, $"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.{group}", patch, "application/json-patch+json");
        Assert.True(code == 200, body?.ToJsonString());
        JsonNode? shape = null;
        for (var i = 0; i < 100 && shape is null; i++)
        {
            var (_, w) = await f.SendAsync(HttpMethod.Get, $"/apis/{group}/v1/namespaces/{ns}/widgets/w");
            shape = w!["spec"]!["shape"];
            if (shape is null) await Task.Delay(50);
        }
        Assert.Equal("round", shape?.ToString());
    }

    [Fact]
    public async Task Lists_page_with_limit_and_continue()
    {
        var (group, ns) = await SetUpAsync("page");
        foreach (var name in new[] { "a", "b", "c" })
            await f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget(group, name, new JsonObject { ["size"] = 1 }), group, "v1", ns, "widgets");
        var (_, first) = await f.SendAsync(HttpMethod.Get, $"/apis/{group}/v1/namespaces/{ns}/widgets?limit=2");
        Assert.Equal(["a", "b"], first!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.ToString()));
        var token = Uri.EscapeDataString(first["metadata"]!["continue"]!.ToString());
        var (code, rest) = await f.SendAsync(HttpMethod.Get, $"/apis/{group}/v1/namespaces/{ns}/widgets?limit=2&continue={token}");
        Assert.Equal(200, code);
        Assert.Equal(["c"], rest!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.ToString()));
    }
}
