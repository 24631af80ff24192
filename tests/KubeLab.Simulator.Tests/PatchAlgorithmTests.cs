using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Patching;

namespace KubeLab.Simulator.Tests;

/// <summary>Unit tests of the patch algorithms on plain JSON (no server).</summary>
public class PatchAlgorithmTests
{
    private static JsonNode J(string json) => JsonNode.Parse(json)!;

    [Fact]
    public void Strategic_merge_leaves_the_original_untouched_so_the_server_can_patch_the_stored_object_itself()
    {
        // The API server patches the store's shared object (no copy first): the merge must change only its own copy.
        var pod = J("""{"metadata":{"labels":{"a":"1"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27.0","ports":[{"containerPort":80}]}]},"status":{"conditions":[{"type":"Ready","status":"False"}],"phase":"Pending"}}""");
        var before = pod.ToJsonString();
        var patched = StrategicMergePatch.Apply(pod, J("""{"metadata":{"labels":{"b":"2"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27.1"}]},"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}],"phase":"Running","$setElementOrder/conditions":[{"type":"PodScheduled"},{"type":"Ready"}]}}"""))!;
        Assert.Equal(before, pod.ToJsonString());
        Assert.Equal("""{"a":"1","b":"2"}""", patched["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("nginx:1.27.1", patched["spec"]!["containers"]![0]!["image"]!.ToString());
        Assert.Equal("""[{"containerPort":80}]""", patched["spec"]!["containers"]![0]!["ports"]!.ToJsonString());
        Assert.Equal("""[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"True"}]""", patched["status"]!["conditions"]!.ToJsonString());
        Assert.Equal("Running", patched["status"]!["phase"]!.ToString());
    }

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

    private static string JP(string doc, string ops) => JsonPatch.Apply(J(doc), (JsonArray)J(ops)).ToJsonString();

    private static string JPFails(string doc, string ops) => Assert.Throws<FormatException>(() => JP(doc, ops)).Message;

    [Fact]
    public void Json_patch_add_inserts_at_an_array_index_appends_with_dash_and_reaches_into_nested_elements()
    {
        var patched = JP("""{"spec":{"containers":[{"name":"a"},{"name":"c"}]}}""",
            """[{"op":"add","path":"/spec/containers/1","value":{"name":"b"}},{"op":"add","path":"/spec/containers/-","value":{"name":"d"}},{"op":"add","path":"/spec/containers/0/image","value":"nginx"},{"op":"add","path":"/spec/containers/4","value":{"name":"e"}}]""");
        Assert.Equal("""{"spec":{"containers":[{"name":"a","image":"nginx"},{"name":"b"},{"name":"c"},{"name":"d"},{"name":"e"}]}}""", patched);
    }

    [Fact]
    public void Json_patch_array_index_past_the_end_or_not_a_number_fails()
    {
        // RFC 6902 §4.1: the index may be at most the array size; RFC 6901 §4: an index is decimal digits ("-" only for add).
        Assert.Contains("doc is missing path: \"/l/3\"", JPFails("""{"l":[1,2]}""", """[{"op":"add","path":"/l/3","value":9}]"""));
        JPFails("""{"l":[1,2]}""", """[{"op":"add","path":"/l/+1","value":9}]""");
        JPFails("""{"l":[1,2]}""", """[{"op":"remove","path":"/l/-"}]""");
        JPFails("""{"l":[1,2]}""", """[{"op":"replace","path":"/l/2","value":9}]""");
    }

    [Fact]
    public void Json_patch_pointer_unescapes_tilde_one_to_slash_and_tilde_zero_to_tilde()
    {
        var patched = JsonPatch.Apply(J("""{"metadata":{"labels":{"app.kubernetes.io/name":"web","a~b":"1","~1":"x"}}}"""), (JsonArray)J(
            """[{"op":"replace","path":"/metadata/labels/app.kubernetes.io~1name","value":"db"},{"op":"remove","path":"/metadata/labels/a~0b"},{"op":"remove","path":"/metadata/labels/~01"}]"""));
        var labels = patched["metadata"]!["labels"]!.AsObject();
        Assert.Equal(["app.kubernetes.io/name"], labels.Select(l => l.Key));
        Assert.Equal("db", (string?)labels["app.kubernetes.io/name"]);
    }

    [Fact]
    public void Json_patch_test_compares_objects_and_arrays_deeply()
    {
        const string doc = """{"spec":{"selector":{"app":"web","tier":"fe"},"ports":[{"port":80},{"port":443}],"replicas":3}}""";
        // RFC 6902 §4.6: member order does not matter, array order does, numbers compare by value, types must match.
        Assert.Equal(J(doc).ToJsonString(), JP(doc, """[{"op":"test","path":"/spec","value":{"replicas":3.0,"ports":[{"port":80},{"port":443}],"selector":{"tier":"fe","app":"web"}}}]"""));
        Assert.Equal("testing value /spec/ports failed", JPFails(doc, """[{"op":"test","path":"/spec/ports","value":[{"port":443},{"port":80}]}]"""));
        Assert.Equal("testing value /spec/selector failed", JPFails(doc, """[{"op":"test","path":"/spec/selector","value":{"app":"web","tier":"be"}}]"""));
        Assert.Equal("testing value /spec/selector failed", JPFails(doc, """[{"op":"test","path":"/spec/selector","value":{"app":"web"}}]"""));
        Assert.Equal("testing value /spec/replicas failed", JPFails(doc, """[{"op":"test","path":"/spec/replicas","value":"3"}]"""));
        Assert.Equal("testing value /spec/paused failed", JPFails(doc, """[{"op":"test","path":"/spec/paused","value":false}]"""));
    }

    [Fact]
    public void Json_patch_test_matches_empty_string_and_null_values()
    {
        // The case the ASP.NET Core JsonPatch package rejects; empty label values such as node-role.kubernetes.io/control-plane are everyday Kubernetes.
        const string doc = """{"metadata":{"labels":{"node-role.kubernetes.io/control-plane":""},"deletionTimestamp":null}}""";
        JP(doc, """[{"op":"test","path":"/metadata/labels/node-role.kubernetes.io~1control-plane","value":""},{"op":"test","path":"/metadata/deletionTimestamp","value":null}]""");
        Assert.Equal("testing value /metadata/deletionTimestamp failed", JPFails(doc, """[{"op":"test","path":"/metadata/deletionTimestamp","value":""}]"""));
        JPFails(doc, """[{"op":"test","path":"/metadata/labels/node-role.kubernetes.io~1control-plane","value":null}]""");
    }

    [Fact]
    public void Json_patch_add_does_not_create_missing_parents()
        => Assert.Equal("add operation does not apply: doc is missing path: \"/metadata/labels/app\": missing value",
            JPFails("""{"metadata":{"name":"x"}}""", """[{"op":"add","path":"/metadata/labels/app","value":"web"}]"""));

    [Fact]
    public void Json_patch_remove_of_a_missing_member_fails()
    {
        Assert.Equal("remove operation does not apply: doc is missing path: \"/metadata/labels/gone\": missing value",
            JPFails("""{"metadata":{"labels":{"app":"web"}}}""", """[{"op":"remove","path":"/metadata/labels/gone"}]"""));
        Assert.Contains("doc is missing path: \"/data/x\": missing value", JPFails("""{"data":"text"}""", """[{"op":"remove","path":"/data/x"}]"""));
    }

    [Fact]
    public void Json_patch_failing_midway_leaves_the_original_document_untouched()
    {
        var doc = J("""{"metadata":{"labels":{"app":"web"}},"list":[1,2]}""");
        var before = doc.ToJsonString();
        Assert.Throws<FormatException>(() => JsonPatch.Apply(doc, (JsonArray)J(
            """[{"op":"add","path":"/metadata/labels/tier","value":"fe"},{"op":"remove","path":"/list/0"},{"op":"test","path":"/metadata/labels/app","value":"db"}]""")));
        Assert.Equal(before, doc.ToJsonString());
    }

    [Fact]
    public void Json_patch_replace_keeps_the_member_in_place_and_needs_an_existing_target()
    {
        Assert.Equal("""{"spec":{"replicas":5,"paused":false},"l":["a","z"]}""",
            JP("""{"spec":{"replicas":1,"paused":false},"l":["a","b"]}""", """[{"op":"replace","path":"/spec/replicas","value":5},{"op":"replace","path":"/l/1","value":"z"}]"""));
        Assert.Contains("doc is missing path: \"/spec/minReadySeconds\"", JPFails("""{"spec":{}}""", """[{"op":"replace","path":"/spec/minReadySeconds","value":5}]"""));
    }

    [Fact]
    public void Json_patch_copy_is_independent_and_move_cannot_go_into_its_own_child()
    {
        Assert.Equal("""{"a":{"b":1},"c":{"b":2}}""", JP("""{"a":{"b":1}}""", """[{"op":"copy","from":"/a","path":"/c"},{"op":"replace","path":"/c/b","value":2}]"""));
        Assert.Equal("""{"l":[2,3,1]}""", JP("""{"l":[1,2,3]}""", """[{"op":"move","from":"/l/0","path":"/l/-"}]"""));
        // RFC 6902 §4.4: "from" must not be a proper prefix of "path".
        JPFails("""{"a":{"b":{}}}""", """[{"op":"move","from":"/a","path":"/a/b/c"}]""");
        Assert.Contains("doc is missing path: \"/zz\"", JPFails("""{"a":1}""", """[{"op":"copy","from":"/zz","path":"/b"}]"""));
    }

    [Fact]
    public void Json_patch_rejects_unknown_ops_and_malformed_operations_with_clear_errors()
    {
        // evanphx/json-patch matches op names exactly, so "Add" is as unknown as "frob".
        Assert.Equal("Unexpected kind: frob", JPFails("""{"a":1}""", """[{"op":"frob","path":"/a"}]"""));
        Assert.Equal("Unexpected kind: Add", JPFails("""{"a":1}""", """[{"op":"Add","path":"/b","value":2}]"""));
        Assert.Contains("\"op\"", JPFails("""{"a":1}""", """[{"op":5,"path":"/a"}]"""));
        Assert.Contains("\"value\"", JPFails("""{"a":1}""", """[{"op":"add","path":"/b"}]"""));
        Assert.Contains("\"from\"", JPFails("""{"a":1}""", """[{"op":"move","path":"/b"}]"""));
        Assert.Contains("must be empty or start with '/'", JPFails("""{"a":1}""", """[{"op":"add","path":"b","value":2}]"""));
    }
}
