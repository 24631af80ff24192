using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.CustomResources;

namespace KubeLab.Simulator.Tests.Api.CustomResources;

/// <summary>The small pieces: version priority, Go's float printing in messages, printer-column JSONPath, pruning paths.</summary>
public sealed class SchemaHelpersTests
{
    [Fact]
    public void Versions_sort_GA_then_beta_then_alpha_then_other_names()
    {
        var versions = new[] { "foo", "v1alpha1", "v2beta1", "v1", "v10", "v1beta2", "v1beta1", "bar" }.OrderBy(v => v, VersionPriority.Comparer);
        Assert.Equal(["v10", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "bar", "foo"], versions);
    }

    [Theory]
    [InlineData(10, "10")]
    [InlineData(1.5, "1.5")]
    [InlineData(100000, "100000")]
    [InlineData(1000000, "1e+06")]
    [InlineData(1234567, "1.234567e+06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(-2.5, "-2.5")]
    public void Bounds_print_as_Go_prints_a_float64(double value, string expected) => Assert.Equal(expected, SchemaValidation.GoFloat(value));

    [Fact]
    public void JsonPath_finds_fields_indexes_and_filtered_conditions()
    {
        var obj = (JsonObject)JsonNode.Parse("""{"spec":{"size":3,"parts":["a","b"]},"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Synced","status":"True"}]}}""")!;
        Assert.Equal(3, JsonPathLite.First(obj, ".spec.size")!.GetValue<int>());
        Assert.Equal("b", JsonPathLite.First(obj, "{.spec.parts[1]}")!.ToString());
        Assert.Equal("True", JsonPathLite.First(obj, ".status.conditions[?(@.type==\"Synced\")].status")!.ToString());
        Assert.Null(JsonPathLite.First(obj, ".spec.missing"));
    }

    [Fact]
    public void Pruning_reports_nested_and_list_paths_and_keeps_preserved_subtrees()
    {
        var schema = (JsonObject)JsonNode.Parse("""
            {"type":"object","properties":{"spec":{"type":"object","properties":{
              "items":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}}},
              "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}
            """)!;
        var obj = (JsonObject)JsonNode.Parse("""{"apiVersion":"x/v1","kind":"K","metadata":{"name":"n"},"top":1,"spec":{"items":[{"name":"a","bad":1}],"free":{"any":{"thing":1}}}}""")!;
        Assert.Equal(["top", "spec.items[0].bad"], SchemaPruning.Prune(obj, schema));
        Assert.Equal(1, obj["spec"]!["free"]!["any"]!["thing"]!.GetValue<int>());
        Assert.Equal("n", obj["metadata"]!["name"]!.ToString());
    }
}
