using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Patching;

namespace KubeLab.Simulator.Tests;

/// <summary>Unit tests of the patch algorithms on plain JSON (no server).</summary>
public class PatchAlgorithmTests
{
    private static JsonNode J(string json) => JsonNode.Parse(json)!;

    [Fact]
    public void Strategic_merge_merges_service_ports_by_port_and_container_ports_by_containerPort()
    {
        var svc = J("""{"spec":{"ports":[{"port":80,"name":"http"},{"port":443,"name":"https"}]}}""");
        var patched = StrategicMergePatch.Apply(svc, J("""{"spec":{"ports":[{"port":443,"name":"tls"}]}}"""))!;
        Assert.Equal("""[{"port":80,"name":"http"},{"port":443,"name":"tls"}]""", patched["spec"]!["ports"]!.ToJsonString());

        var c = J("""{"containers":[{"name":"a","ports":[{"containerPort":80},{"containerPort":81}]}]}""");
        var p2 = StrategicMergePatch.Apply(c, J("""{"containers":[{"name":"a","ports":[{"containerPort":81,"$patch":"delete"}]}]}"""))!;
        Assert.Equal("""[{"containerPort":80}]""", p2["containers"]![0]!["ports"]!.ToJsonString());
    }

    [Fact]
    public void Strategic_merge_replaces_lists_without_a_merge_key_and_deletes_nulls()
    {
        var doc = J("""{"spec":{"tolerations":[{"key":"a"}],"args":["x","y"],"keep":1,"drop":2}}""");
        var patched = StrategicMergePatch.Apply(doc, J("""{"spec":{"tolerations":[{"key":"b"}],"args":["z"],"drop":null}}"""))!;
        Assert.Equal("""{"spec":{"tolerations":[{"key":"b"}],"args":["z"],"keep":1}}""", patched.ToJsonString());
    }

    [Fact]
    public void Strategic_merge_unions_finalizers_and_honours_deleteFromPrimitiveList()
    {
        var doc = J("""{"metadata":{"finalizers":["a","b"]}}""");
        var added = StrategicMergePatch.Apply(doc, J("""{"metadata":{"finalizers":["c"]}}"""))!;
        Assert.Equal("""["a","b","c"]""", added["metadata"]!["finalizers"]!.ToJsonString());
        var removed = StrategicMergePatch.Apply(doc, J("""{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}"""))!;
        Assert.Equal("""["b"]""", removed["metadata"]!["finalizers"]!.ToJsonString());
    }

    [Fact]
    public void Strategic_merge_patch_replace_directive_replaces_a_map()
    {
        var doc = J("""{"spec":{"selector":{"a":"1","b":"2"}}}""");
        var patched = StrategicMergePatch.Apply(doc, J("""{"spec":{"selector":{"$patch":"replace","c":"3"}}}"""))!;
        Assert.Equal("""{"spec":{"selector":{"c":"3"}}}""", patched.ToJsonString());
    }

    [Fact]
    public void Merge_patch_replaces_lists_wholesale()
    {
        var doc = J("""{"containers":[{"name":"a"},{"name":"b"}]}""");
        var patched = MergePatch.Apply(doc, J("""{"containers":[{"name":"c"}]}"""))!;
        Assert.Equal("""{"containers":[{"name":"c"}]}""", patched.ToJsonString());
    }

    [Fact]
    public void Json_patch_move_copy_and_append()
    {
        var doc = J("""{"a":{"b":1},"list":[1,2]}""");
        var patched = JsonPatch.Apply(doc, (JsonArray)J("""[{"op":"copy","from":"/a/b","path":"/c"},{"op":"move","from":"/a","path":"/d"},{"op":"add","path":"/list/-","value":3}]"""));
        Assert.Equal("""{"list":[1,2,3],"c":1,"d":{"b":1}}""", patched.ToJsonString());
    }

    [Fact]
    public void Json_patch_on_a_missing_path_fails()
        => Assert.Throws<FormatException>(() => JsonPatch.Apply(J("""{"a":1}"""), (JsonArray)J("""[{"op":"replace","path":"/b","value":2}]""")));
}
