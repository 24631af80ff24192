using k8s;
using System.Net;
using k8s.Autorest;
using k8s.Models;

namespace KubeLab.Tests;

public class ApplyTests(SimulatorFixture sim) : IClassFixture<SimulatorFixture>
{
    private const string TwoObjects = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          color: blue
        ---
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: app
                image: nginx:1.27
        ---
        """;

    [Fact]
    public async Task Multi_document_apply_creates_then_reports_configured_and_unchanged()
    {
        await using var lab = await Lab.StartAsync("apply", sim.Options);
        var first = await lab.ApplyAsync(TwoObjects);
        Assert.Equal(["ConfigMap/settings created", "ReplicaSet/web created"], first.Select(a => $"{a.Kind}/{a.Name} {a.Result}"));
        Assert.All(first, a => Assert.Equal(lab.Namespace, a.Namespace));

        var rs = await lab.Client.AppsV1.ReadNamespacedReplicaSetAsync("web", lab.Namespace);
        Assert.Equal(2, rs.Spec.Replicas);

        var again = await lab.ApplyAsync(TwoObjects.Replace("color: blue", "color: green"));
        Assert.Equal(["configured", "unchanged"], again.Select(a => a.Result));
        var cm = await lab.Client.CoreV1.ReadNamespacedConfigMapAsync("settings", lab.Namespace);
        Assert.Equal("green", cm.Data["color"]);
    }

    [Fact]
    public async Task A_custom_object_applies_after_its_CRD_although_discovery_was_loaded_before_the_CRD_existed()
    {
        await using var lab = await Lab.StartAsync("apply-crd", sim.Options);
        await lab.ApplyAsync(TwoObjects);   // loads and caches discovery, without widgets
        var crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.lab.example.com
            spec:
              group: lab.example.com
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          size: {type: integer}
            """;
        try
        {
            await lab.ApplyAsync(crd);
            AppliedObjects? applied = null;
            // The type is served once the CRD is Established (the controller needs a moment, also on kind).
            for (var i = 0; i < 50 && applied is null; i++)
            {
                try { applied = await lab.ApplyAsync("apiVersion: lab.example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n"); }
                catch (ManifestException e) when (e.Message.Contains("does not know kind")) { await Task.Delay(100); }
            }
            Assert.NotNull(applied);
            Assert.Equal("Widget/w1 created", $"{applied!.Single().Kind}/{applied.Single().Name} {applied.Single().Result}");
        }
        finally
        {
            await lab.Client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("widgets.lab.example.com");
        }
    }

    [Fact]
    public async Task Files_are_resolved_relative_to_the_lesson_folder()
    {
        var dir = Path.Combine(sim.ManifestsRoot, "files");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-file\n");
        await using var lab = await Lab.StartAsync("files", sim.Options);
        Assert.Equal(dir, lab.ManifestsDir);
        var applied = await lab.ApplyAsync("cm.yaml");
        Assert.Equal("configmap/from-file created", applied.Single().ToString());

        var e = await Assert.ThrowsAsync<ManifestException>(() => lab.ApplyAsync("missing.yaml"));
        Assert.Contains("file not found", e.Message);
        Assert.Contains("cm.yaml", e.Message); // lists what is available
    }

    [Fact]
    public async Task Unknown_kind_names_document_line_and_suggests_the_right_kind()
    {
        await using var lab = await Lab.StartAsync("unknown", sim.Options);
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: apps/v1\nkind: ReplicaSat\nmetadata:\n  name: typo\n";
        var e = await Assert.ThrowsAsync<ManifestException>(() => lab.ApplyAsync(yaml));
        Assert.Equal(2, e.Document);
        Assert.Equal(6, e.Line);
        Assert.Contains("\"ReplicaSat\"", e.Message);
        Assert.Contains("did you mean kind ReplicaSet", e.Message);
        // Kinds are resolved before anything is sent, so document 1 was not applied either.
        Assert.Contains("Nothing from this manifest was applied", e.Message);
        await Assert.ThrowsAsync<HttpOperationException>(() => lab.Client.CoreV1.ReadNamespacedConfigMapAsync("ok", lab.Namespace));
    }

    [Fact]
    public async Task Kind_in_the_wrong_group_suggests_the_right_apiVersion()
    {
        await using var lab = await Lab.StartAsync("wronggroup", sim.Options);
        var e = await Assert.ThrowsAsync<ManifestException>(() => lab.ApplyAsync("apiVersion: v1\nkind: ReplicaSet\nmetadata:\n  name: r\n"));
        Assert.Contains("apiVersion: apps/v1, kind: ReplicaSet", e.Message);
    }

    [Fact]
    public async Task Server_rejection_reports_causes_and_what_was_applied_before()
    {
        await using var lab = await Lab.StartAsync("rejected", sim.Options);
        var yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: first
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata:
              name: mismatch
            spec:
              replicas: 1
              selector:
                matchLabels: {app: a}
              template:
                metadata:
                  labels: {app: b}
                spec:
                  containers:
                  - name: c
                    image: nginx
            """;
        var e = await Assert.ThrowsAsync<ManifestException>(() => lab.ApplyAsync(yaml));
        Assert.Equal(422, e.StatusCode);
        Assert.Equal("Invalid", e.Reason);
        Assert.Equal(2, e.Document);
        Assert.Equal("ReplicaSet", e.ObjectKind);
        Assert.Equal("mismatch", e.ObjectName);
        Assert.Contains(e.Causes, c => c.Contains("spec.template.metadata.labels"));
        Assert.Equal("first", Assert.Single(e.AppliedBefore).Name);
        Assert.Contains("Already applied before the failure: document 1 ConfigMap/first (created)", e.Message);
    }

    [Fact]
    public async Task Leftover_namespace_from_an_interrupted_run_is_replaced()
    {
        var client = sim.Cluster.CreateClient();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "lab-leftover" } });
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "stale" } }, "lab-leftover");
        var oldUid = (await client.CoreV1.ReadNamespaceAsync("lab-leftover")).Metadata.Uid;

        await using (var lab = await Lab.StartAsync("leftover", sim.Options))
        {
            var ns = await client.CoreV1.ReadNamespaceAsync("lab-leftover");
            Assert.NotEqual(oldUid, ns.Metadata.Uid);
            Assert.Equal("true", ns.Metadata.Labels[Lab.CourseLabel]);
            Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync("lab-leftover", fieldSelector: "metadata.name=stale")).Items);
        }

        // DisposeAsync waits until the namespace is really gone.
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReadNamespaceAsync("lab-leftover"));
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
    }

    [Fact]
    public async Task Discovery_groups_served_kinds_into_categories()
    {
        await using var lab = await Lab.StartAsync("discovery", sim.Options);
        var categories = await lab.ApiResourcesByCategoryAsync();
        Assert.Contains(categories[ResourceCategories.Workloads], k => k is { Kind: "ReplicaSet", ApiVersion: "apps/v1", Resource: "replicasets" });
        Assert.Contains(categories[ResourceCategories.Cluster], k => k.Kind == "Node" && !k.Namespaced);
        Assert.Contains(categories[ResourceCategories.ConfigAndStorage], k => k.Kind == "ConfigMap");
    }
}
