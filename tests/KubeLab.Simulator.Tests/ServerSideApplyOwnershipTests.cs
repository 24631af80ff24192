using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests;

/// <summary>
/// Server-side apply removes what a field manager stopped applying, unless someone else owns it
/// ("If the field isn't owned by any other field managers, it is either deleted from the live object or reset to its
/// default value" – Server-Side Apply, Field management), and a write that changes a value takes its ownership.
/// </summary>
public class ServerSideApplyOwnershipTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private async Task<JsonObject> ApplyAsync(string path, string manager, JsonObject config, int expectedStatus = 200)
    {
        var (code, body) = await f.SendAsync(HttpMethod.Patch, $"{path}?fieldManager={manager}&force=true", config.ToJsonString(), "application/apply-patch+yaml");
        Assert.True(code == expectedStatus || (expectedStatus == 200 && code == 201), $"{code}: {body}");
        return body!;
    }

    private static JsonObject Deployment(string? tier, bool withB, bool withSide, int? replicas)
    {
        var labels = new JsonObject { ["app"] = "web" };
        if (tier is not null) labels["tier"] = tier;
        var env = new JsonArray(new JsonObject { ["name"] = "A", ["value"] = "1" });
        if (withB) env.Add(new JsonObject { ["name"] = "B", ["value"] = "2" });
        var containers = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "nginx:1.27", ["env"] = env });
        if (withSide) containers.Add(new JsonObject { ["name"] = "side", ["image"] = "busybox:1.36", ["command"] = new JsonArray("sleep", "3600") });
        var spec = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
                ["spec"] = new JsonObject { ["containers"] = containers },
            },
        };
        if (replicas is { } r) spec["replicas"] = r;
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = "web", ["labels"] = labels },
            ["spec"] = spec,
        };
    }

    private static JsonObject ConfigMap(JsonObject? data = null, JsonObject? labels = null)
    {
        var meta = new JsonObject { ["name"] = "cm" };
        if (labels is not null) meta["labels"] = labels;
        var cm = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = meta };
        if (data is not null) cm["data"] = data;
        return cm;
    }

    private static JsonObject? ApplyEntry(JsonObject obj, string manager)
        => obj["metadata"]!["managedFields"]?.AsArray().OfType<JsonObject>()
            .FirstOrDefault(e => (string?)e["manager"] == manager && (string?)e["operation"] == "Apply");

    private static Dictionary<string, string> Map(JsonNode? node)
        => node?.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!) ?? [];

    [Fact]
    public async Task Dropping_a_label_an_env_var_and_a_container_from_the_applied_config_removes_them()
    {
        var ns = await f.NewNamespaceAsync("ssa");
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/web";
        var first = await ApplyAsync(path, "ops", Deployment("front", withB: true, withSide: true, replicas: 2));
        Assert.Equal(2, first["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Count);

        var second = await ApplyAsync(path, "ops", Deployment(null, withB: false, withSide: false, replicas: 2));
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web" }, Map(second["metadata"]!["labels"]));
        var containers = second["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        var c = Assert.Single(containers);
        Assert.Equal("c", (string?)c!["name"]);
        Assert.Equal(["A"], c["env"]!.AsArray().Select(e => (string?)e!["name"]));
        // Defaulted fields of the container that stays are untouched.
        Assert.Equal("IfNotPresent", (string?)c["imagePullPolicy"]);

        var fields = ApplyEntry(second, "ops")!["fieldsV1"]!;
        var ownedContainers = fields["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!.AsObject();
        Assert.Equal(["k:{\"name\":\"c\"}"], ownedContainers.Select(kv => kv.Key));
        Assert.Equal(["k:{\"name\":\"A\"}"], ownedContainers["k:{\"name\":\"c\"}"]!["f:env"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal(["f:app"], fields["f:metadata"]!["f:labels"]!.AsObject().Select(kv => kv.Key));
    }

    [Fact]
    public async Task A_field_another_applier_also_applies_survives_until_nobody_applies_it()
    {
        var ns = await f.NewNamespaceAsync("ssa");
        var path = $"/api/v1/namespaces/{ns}/configmaps/cm";
        await ApplyAsync(path, "a", ConfigMap(new JsonObject { ["x"] = "1", ["y"] = "2" }, new JsonObject { ["owner"] = "a" }));
        await ApplyAsync(path, "b", ConfigMap(new JsonObject { ["y"] = "2" }));

        var afterA = await ApplyAsync(path, "a", ConfigMap(new JsonObject { ["x"] = "1" }));
        Assert.Equal(new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" }, Map(afterA["data"]));
        Assert.Null(afterA["metadata"]!["labels"]);

        var afterB = await ApplyAsync(path, "b", ConfigMap());
        Assert.Equal(new Dictionary<string, string> { ["x"] = "1" }, Map(afterB["data"]));
    }

    [Fact]
    public async Task A_value_changed_by_a_merge_patch_is_no_longer_the_appliers_and_survives_being_dropped()
    {
        var ns = await f.NewNamespaceAsync("ssa");
        var path = $"/api/v1/namespaces/{ns}/configmaps/cm";
        await ApplyAsync(path, "a", ConfigMap(labels: new JsonObject { ["app"] = "web", ["tier"] = "front", ["color"] = "blue" }));
        // The patch changes tier but writes color with the value it already had: only tier changes hands.
        var (code, patched) = await f.SendAsync(HttpMethod.Patch, $"{path}?fieldManager=editor",
            """{"metadata":{"labels":{"tier":"back","color":"blue"}}}""", "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(["f:app", "f:color"], ApplyEntry(patched!, "a")!["fieldsV1"]!["f:metadata"]!["f:labels"]!.AsObject().Select(kv => kv.Key));

        var reapplied = await ApplyAsync(path, "a", ConfigMap(labels: new JsonObject { ["app"] = "web" }));
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "back" }, Map(reapplied["metadata"]!["labels"]));
    }

    [Fact]
    public async Task Replicas_set_through_the_scale_subresource_stay_when_the_applier_drops_replicas()
    {
        var ns = await f.NewNamespaceAsync("ssa");
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/web";
        await ApplyAsync(path, "ops", Deployment("front", withB: false, withSide: false, replicas: 2));
        // No resourceVersion in the patch: the server redoes it if the controller writes the Deployment's status in between.
        var (code, scale) = await f.SendAsync(HttpMethod.Patch, $"{path}/scale", """{"spec":{"replicas":5}}""", "application/merge-patch+json");
        Assert.Equal(200, code);
        Assert.Equal(5, (int)scale!["spec"]!["replicas"]!);

        var reapplied = await ApplyAsync(path, "ops", Deployment("front", withB: false, withSide: false, replicas: null));
        Assert.Equal(5, (int)reapplied["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task Dropping_replicas_nobody_else_changed_resets_them_to_the_default()
    {
        var ns = await f.NewNamespaceAsync("ssa");
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/web";
        var first = await ApplyAsync(path, "ops", Deployment("front", withB: false, withSide: false, replicas: 3));
        Assert.Equal(3, (int)first["spec"]!["replicas"]!);
        var reapplied = await ApplyAsync(path, "ops", Deployment("front", withB: false, withSide: false, replicas: null));
        Assert.Equal(1, (int)reapplied["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task Reapplying_the_same_spec_leaves_it_as_it_was()
    {
        var ns = await f.NewNamespaceAsync("ssa");
        var path = $"/apis/apps/v1/namespaces/{ns}/deployments/web";
        await ApplyAsync(path, "ops", Deployment("front", withB: true, withSide: true, replicas: 2));
        // The deployment controller writes the revision annotation with an update of the whole object (its role grants update,
        // not patch) – the object as it stands after that is what the second apply starts from.
        JsonObject first;
        for (var i = 0; ; i++)
        {
            var (_, read) = await f.SendAsync(HttpMethod.Get, path);
            first = read!;
            if (first["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"] is not null || i == 100) break;
            await Task.Delay(50);
        }
        // Only a label changes, so the object is written again; its spec must come back as the same text, not just equal JSON:
        // the atomic selector is replaced in place, so the spec's members keep their order (what "unchanged" checks compare).
        var again = await ApplyAsync(path, "ops", Deployment("back", withB: true, withSide: true, replicas: 2));
        Assert.Equal("back", (string?)again["metadata"]!["labels"]!["tier"]);
        Assert.Equal(first["spec"]!.ToJsonString(), again["spec"]!.ToJsonString());
        Assert.Equal((long)first["metadata"]!["generation"]!, (long)again["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task An_atomic_selector_is_replaced_and_dropped_ports_and_finalizers_go()
    {
        var ns = await f.NewNamespaceAsync("ssa");
        var path = $"/api/v1/namespaces/{ns}/services/svc";
        JsonObject Service(JsonObject selector, JsonArray ports, JsonArray? finalizers)
        {
            var meta = new JsonObject { ["name"] = "svc" };
            if (finalizers is not null) meta["finalizers"] = finalizers;
            return new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = meta,
                ["spec"] = new JsonObject { ["selector"] = selector, ["ports"] = ports },
            };
        }
        await ApplyAsync(path, "ops", Service(new JsonObject { ["app"] = "web", ["tier"] = "front" },
            new JsonArray(new JsonObject { ["port"] = 80, ["name"] = "http" }, new JsonObject { ["port"] = 53, ["protocol"] = "UDP", ["name"] = "dns" }),
            new JsonArray("example.com/a", "example.com/b")));
        var svc = await ApplyAsync(path, "ops", Service(new JsonObject { ["app"] = "web" },
            new JsonArray(new JsonObject { ["port"] = 80, ["name"] = "http" }), new JsonArray("example.com/a")));

        Assert.Equal(new Dictionary<string, string> { ["app"] = "web" }, Map(svc["spec"]!["selector"]));
        Assert.Equal([80], svc["spec"]!["ports"]!.AsArray().Select(p => (int)p!["port"]!));
        Assert.Equal(["example.com/a"], svc["metadata"]!["finalizers"]!.AsArray().Select(x => (string?)x));
        var fields = ApplyEntry(svc, "ops")!["fieldsV1"]!;
        Assert.NotNull(fields["f:spec"]!["f:selector"]);
        Assert.Empty(fields["f:spec"]!["f:selector"]!.AsObject());
        Assert.NotNull(fields["f:spec"]!["f:ports"]!["k:{\"port\":80,\"protocol\":\"TCP\"}"]);

        var released = await ApplyAsync(path, "ops", Service(new JsonObject { ["app"] = "web" },
            new JsonArray(new JsonObject { ["port"] = 80, ["name"] = "http" }), null));
        Assert.Null(released["metadata"]!["finalizers"]);
    }

    [Fact]
    public async Task An_apply_configuration_carrying_managedFields_is_rejected()
    {
        var ns = await f.NewNamespaceAsync("ssa");
        var config = ConfigMap(new JsonObject { ["k"] = "v" });
        config["metadata"]!["managedFields"] = new JsonArray(new JsonObject { ["manager"] = "x", ["operation"] = "Apply" });
        var (code, body) = await f.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/cm?fieldManager=a", config.ToJsonString(), "application/apply-patch+yaml");
        Assert.Equal(400, code);
        Assert.Equal("metadata.managedFields must be nil", (string?)body!["message"]);
    }

    private static string DeploymentYaml(bool full) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels:
            app: web
        {(full ? "    tier: front" : "")}
        spec:
          replicas: 1
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: c
                image: nginx:1.27
                env:
                - name: A
                  value: "1"
        {(full ? "        - name: B\n          value: \"2\"\n      - name: side\n        image: busybox:1.36" : "")}
        """;

    [Fact]
    public async Task Kubectl_apply_server_side_twice_removes_what_the_second_config_leaves_out()
    {
        var ns = await f.NewNamespaceAsync("ssa");
        var first = await f.KubectlWithInputAsync(DeploymentYaml(full: true), "apply", "--server-side", "-n", ns, "-f", "-");
        Assert.True(first.ExitCode == 0, first.ToString());
        var firstJson = await f.KubectlOkAsync("get", "deploy", "web", "-n", ns, "-o", "json");
        Assert.Equal(2, JsonNode.Parse(firstJson.Stdout)!["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Count);

        var second = await f.KubectlWithInputAsync(DeploymentYaml(full: false), "apply", "--server-side", "-n", ns, "-f", "-");
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("deployment.apps/web serverside-applied", second.Stdout.Trim());

        var deploy = JsonNode.Parse((await f.KubectlOkAsync("get", "deploy", "web", "-n", ns, "-o", "json")).Stdout)!;
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web" }, Map(deploy["metadata"]!["labels"]));
        var c = Assert.Single(deploy["spec"]!["template"]!["spec"]!["containers"]!.AsArray());
        Assert.Equal(["A"], c!["env"]!.AsArray().Select(e => (string?)e!["name"]));

        var yaml = (await f.KubectlOkAsync("get", "deploy", "web", "-n", ns, "-o", "yaml", "--show-managed-fields")).Stdout;
        Assert.Contains("manager: kubectl", yaml);
        Assert.Contains("operation: Apply", yaml);
        Assert.Contains("f:containers:", yaml);
        Assert.Contains("k:{\"name\":\"c\"}", yaml);
        Assert.DoesNotContain("k:{\"name\":\"side\"}", yaml);
    }
}
