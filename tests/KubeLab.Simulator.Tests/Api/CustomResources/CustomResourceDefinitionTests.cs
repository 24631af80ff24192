using System.Text.Json.Nodes;
using k8s;

namespace KubeLab.Simulator.Tests.Api.CustomResources;

/// <summary>CRDs over the REST API: validation with upstream messages, the status the apiextensions controllers write, serving.</summary>
public sealed class CustomResourceDefinitionTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private const string CrdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    [Fact]
    public async Task A_created_CRD_gets_accepted_names_and_becomes_established()
    {
        var group = WidgetDefinition.NewGroup("st");
        var (code, created) = await f.SendAsync(HttpMethod.Post, CrdPath, WidgetDefinition.Json(group).ToJsonString());
        Assert.Equal(201, code);
        Assert.Equal(["v1"], created!["status"]!["storedVersions"]!.AsArray().Select(v => v!.ToString()));
        Assert.Equal("WidgetList", created["spec"]!["names"]!["listKind"]!.ToString());

        var crd = await WidgetDefinition.WaitEstablishedAsync(f, group);
        var conditions = crd["status"]!["conditions"]!.AsArray().OfType<JsonObject>().ToDictionary(c => c["type"]!.ToString());
        Assert.Equal(("True", "NoConflicts", "no conflicts found"),
            (conditions["NamesAccepted"]["status"]!.ToString(), conditions["NamesAccepted"]["reason"]!.ToString(), conditions["NamesAccepted"]["message"]!.ToString()));
        Assert.Equal(("True", "InitialNamesAccepted", "the initial names have been accepted"),
            (conditions["Established"]["status"]!.ToString(), conditions["Established"]["reason"]!.ToString(), conditions["Established"]["message"]!.ToString()));
        Assert.Equal("widgets", crd["status"]!["acceptedNames"]!["plural"]!.ToString());
        Assert.Equal("wd", crd["status"]!["acceptedNames"]!["shortNames"]![0]!.ToString());

        // The typed client decodes it too.
        var typed = await f.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync($"widgets.{group}");
        Assert.Equal("Widget", typed.Status.AcceptedNames.Kind);
    }

    [Fact]
    public async Task Invalid_CRDs_are_refused_with_the_apiextensions_messages()
    {
        var group = WidgetDefinition.NewGroup("inv");
        var wrongName = WidgetDefinition.Json(group);
        wrongName["metadata"]!["name"] = "gadgets." + group;
        var (code, status) = await f.SendAsync(HttpMethod.Post, CrdPath, wrongName.ToJsonString());
        Assert.Equal(422, code);
        Assert.Equal($"CustomResourceDefinition.apiextensions.k8s.io \"gadgets.{group}\" is invalid: metadata.name: Invalid value: \"gadgets.{group}\": must be spec.names.plural+\".\"+spec.group",
            status!["message"]!.ToString());

        var noSchema = WidgetDefinition.Json(group);
        noSchema["spec"]!["versions"]![0]!.AsObject().Remove("schema");
        (code, status) = await f.SendAsync(HttpMethod.Post, CrdPath, noSchema.ToJsonString());
        Assert.Equal(422, code);
        Assert.EndsWith("spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required", status!["message"]!.ToString());

        var twoStorage = WidgetDefinition.Json(group);
        var second = twoStorage["spec"]!["versions"]![0]!.DeepClone().AsObject();
        second["name"] = "v2";
        twoStorage["spec"]!["versions"]!.AsArray().Add(second);
        (code, status) = await f.SendAsync(HttpMethod.Post, CrdPath, twoStorage.ToJsonString());
        Assert.Equal(422, code);
        Assert.Contains(": must have exactly one version marked as storage version", status!["message"]!.ToString());

        var nonStructural = WidgetDefinition.Json(group);
        nonStructural["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["size"]!.AsObject().Remove("type");
        (code, status) = await f.SendAsync(HttpMethod.Post, CrdPath, nonStructural.ToJsonString());
        Assert.Equal(422, code);
        Assert.EndsWith("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[size].type: Required value: must not be empty for specified object fields",
            status!["message"]!.ToString());

        var badColumn = WidgetDefinition.Json(group);
        badColumn["spec"]!["versions"]![0]!["additionalPrinterColumns"]![0]!["type"] = "int";
        (code, status) = await f.SendAsync(HttpMethod.Post, CrdPath, badColumn.ToJsonString());
        Assert.Equal(422, code);
        Assert.EndsWith("spec.versions[0].additionalPrinterColumns[0].type: Invalid value: \"int\": must be one of boolean,date,integer,number,string", status!["message"]!.ToString());

        var reference = WidgetDefinition.Json(group);
        reference["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["label"]!["$ref"] = "#/definitions/x";
        (code, status) = await f.SendAsync(HttpMethod.Post, CrdPath, reference.ToJsonString());
        Assert.Equal(422, code);
        Assert.EndsWith("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[label].$ref: Forbidden: $ref is not supported", status!["message"]!.ToString());

        var badScope = WidgetDefinition.Json(group, scope: "Global");
        (code, status) = await f.SendAsync(HttpMethod.Post, CrdPath, badScope.ToJsonString());
        Assert.Equal(422, code);
        Assert.EndsWith("spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"", status!["message"]!.ToString());
    }

    [Fact]
    public async Task The_new_type_is_discovered_with_its_names()
    {
        var group = WidgetDefinition.NewGroup("disc");
        var (before, _) = await f.SendAsync(HttpMethod.Get, $"/apis/{group}/v1");
        Assert.Equal(404, before);
        await WidgetDefinition.CreateAsync(f, group);

        var (code, list) = await f.SendAsync(HttpMethod.Get, $"/apis/{group}/v1");
        Assert.Equal(200, code);
        var widgets = list!["resources"]!.AsArray().OfType<JsonObject>().Single(r => r["name"]!.ToString() == "widgets");
        Assert.Equal(("widget", "Widget", true), (widgets["singularName"]!.ToString(), widgets["kind"]!.ToString(), widgets["namespaced"]!.GetValue<bool>()));
        Assert.Equal(["wd"], widgets["shortNames"]!.AsArray().Select(s => s!.ToString()));
        Assert.Contains(list["resources"]!.AsArray(), r => r!["name"]!.ToString() == "widgets/status");
        Assert.Contains(list["resources"]!.AsArray(), r => r!["name"]!.ToString() == "widgets/scale");
        var (_, groups) = await f.SendAsync(HttpMethod.Get, "/apis");
        Assert.Contains(groups!["groups"]!.AsArray(), g => g!["name"]!.ToString() == group && g["preferredVersion"]!["version"]!.ToString() == "v1");
    }

    [Fact]
    public async Task Deleting_the_CRD_deletes_its_objects_and_stops_serving_the_type()
    {
        var group = WidgetDefinition.NewGroup("del");
        await WidgetDefinition.CreateAsync(f, group);
        var ns = await f.NewNamespaceAsync();
        await f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(new JsonObject
        {
            ["apiVersion"] = $"{group}/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "w1" }, ["spec"] = new JsonObject { ["size"] = 2 },
        }, group, "v1", ns, "widgets");

        var (code, deleting) = await f.SendAsync(HttpMethod.Delete, $"{CrdPath}/widgets.{group}");
        Assert.True(code is 200 or 202, deleting?.ToJsonString());
        Assert.Contains("customresourcecleanup.apiextensions.k8s.io", deleting!["metadata"]!["finalizers"]!.AsArray().Select(x => x!.ToString()));

        for (var i = 0; i < 200; i++)
        {
            if ((await f.SendAsync(HttpMethod.Get, $"{CrdPath}/widgets.{group}")).Status == 404) break;
            await Task.Delay(50);
        }
        Assert.Equal(404, (await f.SendAsync(HttpMethod.Get, $"{CrdPath}/widgets.{group}")).Status);
        var (gone, body) = await f.SendAsync(HttpMethod.Get, $"/apis/{group}/v1/namespaces/{ns}/widgets/w1");
        Assert.Equal(404, gone);
        Assert.Equal("the server could not find the requested resource", body!["message"]!.ToString());

        // Recreated, the type starts empty.
        await WidgetDefinition.CreateAsync(f, group);
        var (_, list) = await f.SendAsync(HttpMethod.Get, $"/apis/{group}/v1/namespaces/{ns}/widgets");
        Assert.Empty(list!["items"]!.AsArray());
    }

    [Fact]
    public async Task A_short_name_taken_in_the_group_is_not_accepted_and_the_CRD_not_established()
    {
        var group = WidgetDefinition.NewGroup("conf");
        await WidgetDefinition.CreateAsync(f, group);
        var gadget = WidgetDefinition.Json(group);
        gadget["metadata"]!["name"] = $"gadgets.{group}";
        gadget["spec"]!["names"] = new JsonObject { ["plural"] = "gadgets", ["singular"] = "gadget", ["kind"] = "Gadget", ["shortNames"] = new JsonArray("wd") };
        var (code, body) = await f.SendAsync(HttpMethod.Post, CrdPath, gadget.ToJsonString());
        Assert.True(code == 201, body?.ToJsonString());
        JsonObject? names = null;
        for (var i = 0; i < 100 && names is null; i++)
        {
            var (_, crd) = await f.SendAsync(HttpMethod.Get, $"{CrdPath}/gadgets.{group}");
            names = (crd!["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]!.ToString() == "NamesAccepted");
            if (names is null) await Task.Delay(50);
        }
        Assert.Equal(("False", "ShortNamesConflict", "\"wd\" is already in use"), (names!["status"]!.ToString(), names["reason"]!.ToString(), names["message"]!.ToString()));
        var (_, gadgetCrd) = await f.SendAsync(HttpMethod.Get, $"{CrdPath}/gadgets.{group}");
        var established = gadgetCrd!["status"]!["conditions"]!.AsArray().OfType<JsonObject>().Single(c => c["type"]!.ToString() == "Established");
        Assert.Equal(("False", "NotAccepted"), (established["status"]!.ToString(), established["reason"]!.ToString()));
        Assert.Equal(404, (await f.SendAsync(HttpMethod.Get, $"/apis/{group}/v1/gadgets")).Status);
    }
}
