using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.FieldManager;

namespace KubeLab.Simulator.Tests;

/// <summary>Unit tests of server-side apply's field sets (fieldsV1) on plain JSON, no server.</summary>
public class FieldSetTests
{
    private static JsonObject J(string json) => (JsonObject)JsonNode.Parse(json)!;

    // Path elements hold quotes; written unescaped (\" rather than \u0022) the expected JSON stays readable.
    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Text(JsonNode? node) => node?.ToJsonString(Readable) ?? "null";

    private static string FieldsOf(string config, bool hasStatus = true, string? subresource = null)
        => Text(AppliedFieldSet.Of(J(config), hasStatus, subresource).ToJson());

    [Fact]
    public void Associative_lists_are_owned_per_element_with_a_dot_entry_and_other_lists_whole()
    {
        var fields = FieldsOf("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ns","labels":{"app":"web"}},
             "spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx","command":["sh","-c"],"env":[{"name":"A","value":"1"}]}]}}}}
            """);
        // The real shape: maps only lead to their fields, list elements are members themselves ("."), command is one leaf.
        Assert.Equal(
            """{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:command":{},"f:env":{"k:{\"name\":\"A\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{}}}}}}}""",
            fields);
    }

    [Fact]
    public void Identity_and_server_owned_metadata_and_status_of_a_status_subresource_kind_are_not_owned()
    {
        const string config = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n","resourceVersion":"7","uid":"u","annotations":{"a":"b"}},"status":{"phase":"Running"}}""";
        Assert.Equal("""{"f:metadata":{"f:annotations":{"f:a":{}}}}""", FieldsOf(config));
        Assert.Equal("""{"f:status":{"f:phase":{}}}""", FieldsOf(config, subresource: "status"));
        Assert.Equal("""{"f:data":{"f:k":{}}}""", FieldsOf("""{"kind":"ConfigMap","metadata":{"name":"x"},"data":{"k":"v"}}""", hasStatus: false));
    }

    [Fact]
    public void Ports_are_keyed_by_port_and_protocol_defaulting_to_TCP()
    {
        var fields = FieldsOf("""{"spec":{"ports":[{"port":53,"protocol":"UDP"},{"port":80,"name":"http"}]}}""");
        Assert.Equal(
            """{"f:spec":{"f:ports":{"k:{\"port\":53,\"protocol\":\"UDP\"}":{".":{},"f:port":{},"f:protocol":{}},"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:name":{},"f:port":{}}}}}""",
            fields);
    }

    [Fact]
    public void Selectors_are_atomic_finalizers_a_set_and_empty_values_leaves()
    {
        var fields = FieldsOf("""{"metadata":{"finalizers":["example.com/a"]},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"nodeSelector":{"disk":"ssd"},"securityContext":{},"tolerations":[]}}}}""");
        Assert.Equal(
            """{"f:metadata":{"f:finalizers":{"v:\"example.com/a\"":{}}},"f:spec":{"f:selector":{},"f:template":{"f:spec":{"f:nodeSelector":{},"f:securityContext":{},"f:tolerations":{}}}}}""",
            fields);
    }

    [Fact]
    public void A_keyed_list_whose_elements_cannot_be_addressed_is_owned_whole()
    {
        Assert.Equal("""{"f:spec":{"f:containers":{}}}""", FieldsOf("""{"spec":{"containers":[{"image":"nginx"}]}}"""));
        Assert.Equal("""{"f:spec":{"f:containers":{}}}""", FieldsOf("""{"spec":{"containers":[{"name":"a"},{"name":"a"}]}}"""));
    }

    [Fact]
    public void Parse_and_ToJson_round_trip_and_members_list_every_owned_path()
    {
        const string fieldsV1 = """{"f:data":{"f:a":{},"f:b":{}},"f:spec":{"f:list":{"k:{\"name\":\"x\"}":{".":{},"f:name":{}}}}}""";
        var set = FieldSet.Parse(JsonNode.Parse(fieldsV1));
        Assert.Equal(fieldsV1, Text(set.ToJson()));
        Assert.Equal(
            ["f:data/f:a", "f:data/f:b", "f:spec/f:list/k:{\"name\":\"x\"}", "f:spec/f:list/k:{\"name\":\"x\"}/f:name"],
            set.Members().Select(p => string.Join('/', p)));
        Assert.True(set.Covers(["f:spec"]));
        Assert.False(set.Contains(["f:spec"]));

        set.Remove(["f:data", "f:a"]);
        set.Remove(["f:data", "f:b"]);
        Assert.Equal("""{"f:spec":{"f:list":{"k:{\"name\":\"x\"}":{".":{},"f:name":{}}}}}""", Text(set.ToJson()));
        Assert.True(FieldSet.Parse(JsonNode.Parse("{}")).IsEmpty);
        Assert.True(FieldSet.Parse(JsonValue.Create("not fieldsV1")).IsEmpty);
    }

    [Fact]
    public void Live_paths_remove_list_elements_by_key_and_drop_maps_left_empty()
    {
        var obj = J("""{"spec":{"ports":[{"port":80},{"port":53,"protocol":"UDP"}]},"metadata":{"labels":{"tier":"x"}}}""");
        Assert.True(LivePaths.Remove(obj, ["f:spec", "f:ports", "k:{\"port\":80,\"protocol\":\"TCP\"}"], keep: _ => false));
        Assert.True(LivePaths.Remove(obj, ["f:metadata", "f:labels", "f:tier"], keep: _ => false));
        Assert.False(LivePaths.Remove(obj, ["f:metadata", "f:labels", "f:tier"], keep: _ => false));
        // metadata, emptied here, goes too (a real object always keeps its name there).
        Assert.Equal("""{"spec":{"ports":[{"port":53,"protocol":"UDP"}]}}""", Text(obj));
    }

    [Fact]
    public void Changing_a_value_moves_it_out_of_other_appliers_sets_and_unchanged_values_stay_owned()
    {
        static JsonObject Obj(int replicas, string image, string fieldsV1) => J("""
            {"metadata":{"name":"d","managedFields":[
              {"manager":"ops","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":FIELDS},
              {"manager":"other","operation":"Apply","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:paused":{}}}}]},
             "spec":{"replicas":REPLICAS,"paused":false,"template":{"spec":{"containers":[{"name":"c","image":"IMAGE"}]}}}}
            """.Replace("FIELDS", fieldsV1).Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture)).Replace("IMAGE", image));
        const string owned = """{"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:image":{},"f:name":{}}}}}}}""";
        var before = Obj(2, "nginx", owned);
        var after = Obj(5, "nginx", owned);
        FieldOwnershipTransfer.Release(before, after, applier: null, applierSubresource: null);
        var entries = (JsonArray)after["metadata"]!["managedFields"]!;
        Assert.Equal("""{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{".":{},"f:image":{},"f:name":{}}}}}}}""", Text(entries[0]!["fieldsV1"]));
        Assert.Equal(2, entries.Count);

        // A change inside a list element releases the element too; the applier doing the write keeps its own entry as is.
        var edited = Obj(2, "nginx:1.29", owned);
        FieldOwnershipTransfer.Release(before, edited, applier: "other", applierSubresource: null);
        Assert.Equal("""{"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"c\"}":{"f:name":{}}}}}}}""",
            Text(edited["metadata"]!["managedFields"]![0]!["fieldsV1"]));

        // An Apply entry left owning nothing goes away.
        var unpaused = Obj(2, "nginx", owned);
        unpaused["spec"]!["paused"] = true;
        FieldOwnershipTransfer.Release(before, unpaused, applier: null, applierSubresource: null);
        Assert.DoesNotContain(((JsonArray)unpaused["metadata"]!["managedFields"]!).OfType<JsonObject>(), e => (string?)e["manager"] == "other");
    }
}
