using System.Text.RegularExpressions;

namespace KubeLab.Simulator.Tests.Api.CustomResources;

/// <summary>The real kubectl (v1.32) against a CRD and its objects: apply, get with printer columns, explain, server-side apply, errors.</summary>
public sealed partial class CustomResourceKubectlTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [GeneratedRegex(" {2,}")] private static partial Regex ColumnGap();

    private async Task<string> ApplyCrdAsync(string prefix, string categories = "[]")
    {
        var group = WidgetDefinition.NewGroup(prefix);
        var applied = await f.KubectlWithInputAsync(WidgetDefinition.Yaml(group, categories: categories), "apply", "-f", "-");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Equal($"customresourcedefinition.apiextensions.k8s.io/widgets.{group} created", applied.Stdout.Trim());
        await f.KubectlOkAsync("wait", "--for", "condition=established", "--timeout=30s", $"crd/widgets.{group}");
        var again = await f.KubectlWithInputAsync(WidgetDefinition.Yaml(group, categories: categories), "apply", "-f", "-");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal($"customresourcedefinition.apiextensions.k8s.io/widgets.{group} unchanged", again.Stdout.Trim());
        return group;
    }

    [Fact]
    public async Task Apply_then_get_shows_the_printer_columns_and_short_names_work()
    {
        var group = await ApplyCrdAsync("get");
        var ns = await f.NewNamespaceAsync("kc");
        var applied = await f.KubectlWithInputAsync(WidgetDefinition.WidgetYaml(group, "w1", "size: 3"), "apply", "-n", ns, "-f", "-");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Equal($"widget.{group}/w1 created", applied.Stdout.Trim());

        var get = await f.KubectlOkAsync("get", $"widgets.{group}", "-n", ns);
        Assert.Equal(["NAME", "SIZE", "COLOR", "AGE"], ColumnGap().Split(get.Lines[0].Trim()));
        Assert.Matches(@"^w1\s+3\s+red\s+\d+s$", get.Lines[1].Trim());

        var shortName = await f.KubectlOkAsync("get", $"wd.{group}", "-n", ns, "-o", "name");
        Assert.Equal($"widget.{group}/w1", shortName.Stdout.Trim());

        // Re-applying a changed manifest goes through a JSON merge patch (kubectl's path for types it has no Go struct for).
        var configured = await f.KubectlWithInputAsync(WidgetDefinition.WidgetYaml(group, "w1", "size: 4"), "apply", "-n", ns, "-f", "-");
        Assert.True(configured.ExitCode == 0, configured.ToString());
        Assert.Equal($"widget.{group}/w1 configured", configured.Stdout.Trim());
        var size = await f.KubectlOkAsync("get", $"widgets.{group}", "w1", "-n", ns, "-o", "jsonpath={.spec.size}");
        Assert.Equal("4", size.Stdout);
    }

    [Fact]
    public async Task Scale_goes_through_the_scale_subresource_paths()
    {
        var group = await ApplyCrdAsync("scale");
        var ns = await f.NewNamespaceAsync("kc");
        var applied = await f.KubectlWithInputAsync(WidgetDefinition.WidgetYaml(group, "w", "size: 1"), "apply", "-n", ns, "-f", "-");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        var scaled = await f.KubectlOkAsync("scale", $"widgets.{group}", "w", "-n", ns, "--replicas=3");
        Assert.Equal($"widget.{group}/w scaled", scaled.Stdout.Trim());
        var replicas = await f.KubectlOkAsync("get", $"widgets.{group}", "w", "-n", ns, "-o", "jsonpath={.spec.replicas}");
        Assert.Equal("3", replicas.Stdout);
        var (code, scale) = await f.SendAsync(HttpMethod.Get, $"/apis/{group}/v1/namespaces/{ns}/widgets/w/scale");
        Assert.Equal(200, code);
        Assert.Equal(("Scale", 3L), (scale!["kind"]!.ToString(), scale["spec"]!["replicas"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Get_crd_lists_name_and_creation_time()
    {
        var group = await ApplyCrdAsync("crd");
        var get = await f.KubectlOkAsync("get", "crd", $"widgets.{group}");
        Assert.Equal(["NAME", "CREATED AT"], ColumnGap().Split(get.Lines[0].Trim()));
        Assert.Matches($@"^widgets\.{Regex.Escape(group)}\s+\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", get.Lines[1].Trim());
    }

    [Fact]
    public async Task A_bad_object_is_refused_with_the_schema_message()
    {
        var group = await ApplyCrdAsync("bad");
        var ns = await f.NewNamespaceAsync("kc");
        var bad = await f.KubectlWithInputAsync(WidgetDefinition.WidgetYaml(group, "w", "size: \"string\""), "apply", "-n", ns, "-f", "-");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains($"The Widget \"w\" is invalid: spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\"", bad.Stderr);

        var unknown = await f.KubectlWithInputAsync(WidgetDefinition.WidgetYaml(group, "w", "size: 1\n  foo: 1"), "apply", "-n", ns, "-f", "-");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.foo\"", unknown.Stderr);
    }

    [Fact]
    public async Task Explain_reads_the_schema_from_openapi_v3()
    {
        var group = await ApplyCrdAsync("explain");
        // explain takes RESOURCE.FIELD, so the group goes into --api-version (every test class' CRDs are named widgets).
        var explain = await f.KubectlOkAsync("explain", "widgets.spec", $"--api-version={group}/v1");
        Assert.Contains("WidgetSpec says how the widget is built.", explain.Stdout);
        Assert.Matches(@"(?m)^\s+size\s+<integer> -required-$", explain.Stdout);
        Assert.Contains("Number of parts in the widget.", explain.Stdout);
        Assert.Matches(@"(?m)^\s+color\s+<string>", explain.Stdout);
    }

    [Fact]
    public async Task Server_side_apply_creates_and_updates_and_records_the_manager()
    {
        var group = await ApplyCrdAsync("ssa");
        var ns = await f.NewNamespaceAsync("kc");
        var created = await f.KubectlWithInputAsync(WidgetDefinition.WidgetYaml(group, "w", "size: 2\n  tags: [a]"), "apply", "--server-side", "-n", ns, "-f", "-");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal($"widget.{group}/w serverside-applied", created.Stdout.Trim());
        var updated = await f.KubectlWithInputAsync(WidgetDefinition.WidgetYaml(group, "w", "size: 5"), "apply", "--server-side", "-n", ns, "-f", "-");
        Assert.True(updated.ExitCode == 0, updated.ToString());
        var spec = await f.KubectlOkAsync("get", $"widgets.{group}", "w", "-n", ns, "-o", "jsonpath={.spec.size} {.spec.tags} {.spec.color} {.metadata.managedFields[0].manager}");
        // tags were applied before and not any more: the manager's field is removed; color keeps its default.
        Assert.Equal("5  red kubectl", spec.Stdout);
    }

    [Fact]
    public async Task A_crd_can_itself_be_applied_server_side()
    {
        var group = WidgetDefinition.NewGroup("ssacrd");
        var applied = await f.KubectlWithInputAsync(WidgetDefinition.Yaml(group), "apply", "--server-side", "-f", "-");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Equal($"customresourcedefinition.apiextensions.k8s.io/widgets.{group} serverside-applied", applied.Stdout.Trim());
        await f.KubectlOkAsync("wait", "--for", "condition=established", "--timeout=30s", $"crd/widgets.{group}");
        var changed = await f.KubectlWithInputAsync(WidgetDefinition.Yaml(group).Replace("name: Color", "name: Colour"), "apply", "--server-side", "-f", "-");
        Assert.True(changed.ExitCode == 0, changed.ToString());
        var ns = await f.NewNamespaceAsync("kc");
        await f.KubectlWithInputAsync(WidgetDefinition.WidgetYaml(group, "w", "size: 1"), "apply", "-n", ns, "-f", "-");
        var get = await f.KubectlOkAsync("get", $"widgets.{group}", "-n", ns);
        Assert.Equal(["NAME", "SIZE", "COLOUR", "AGE"], ColumnGap().Split(get.Lines[0].Trim()));
    }

    [Fact]
    public async Task Api_resources_lists_the_kind_and_get_all_leaves_it_out_without_the_all_category()
    {
        var group = await ApplyCrdAsync("ar");
        var resources = await f.KubectlOkAsync("api-resources", "--api-group", group);
        Assert.Equal(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"], ColumnGap().Split(resources.Lines[0].Trim()));
        Assert.Equal(["widgets", "wd", $"{group}/v1", "true", "Widget"], ColumnGap().Split(resources.Lines[1].Trim()));

        var ns = await f.NewNamespaceAsync("kc");
        var applied = await f.KubectlWithInputAsync(WidgetDefinition.WidgetYaml(group, "w", "size: 1"), "apply", "-n", ns, "-f", "-");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        var all = await f.KubectlAsync("get", "all", "-n", ns, "-o", "name");
        Assert.DoesNotContain(all.Lines, l => l.Contains(group, StringComparison.Ordinal));

        var inAll = await ApplyCrdAsync("inall", categories: "[all]");
        var applied2 = await f.KubectlWithInputAsync(WidgetDefinition.WidgetYaml(inAll, "w2", "size: 1"), "apply", "-n", ns, "-f", "-");
        Assert.True(applied2.ExitCode == 0, applied2.ToString());
        var all2 = await f.KubectlOkAsync("get", "all", "-n", ns, "-o", "name");
        Assert.Contains($"widget.{inAll}/w2", all2.Lines);
    }

    [Fact]
    public async Task Deleting_the_crd_removes_its_objects_and_the_resource_type()
    {
        var group = await ApplyCrdAsync("gone");
        var ns = await f.NewNamespaceAsync("kc");
        var applied = await f.KubectlWithInputAsync(WidgetDefinition.WidgetYaml(group, "w", "size: 1"), "apply", "-n", ns, "-f", "-");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        var deleted = await f.KubectlOkAsync("delete", "crd", $"widgets.{group}");
        Assert.Equal($"customresourcedefinition.apiextensions.k8s.io \"widgets.{group}\" deleted", deleted.Stdout.Trim());
        var get = await f.KubectlAsync("get", $"widgets.{group}", "-n", ns);
        Assert.NotEqual(0, get.ExitCode);
        Assert.Contains("the server doesn't have a resource type \"widgets\"", get.Stderr);
    }
}
