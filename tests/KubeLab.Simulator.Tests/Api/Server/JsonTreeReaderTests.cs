using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Server;

namespace KubeLab.Simulator.Tests.Api.Server;

/// <summary>The API server's body parser: the same trees and errors as JsonNode.Parse, with shared names and plain strings.</summary>
public class JsonTreeReaderTests
{
    public static TheoryData<string> Documents => new()
    {
        """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27.0","ports":[{"containerPort":80}]}]}}""",
        """{"n":1.50,"big":12345678901234567890123,"e":1e3,"neg":-7,"t":true,"f":false,"z":null,"s":"\u00e9\n\"q\"","a":[1,"x",null,{"k":[]}]}""",
        """[]""", "\"just a string\"", "42", "true", "null",
        """{"k:{\"type\":\"Ready\"}":{".":{}},"f:metadata":{"f:labels":{"f:app":{}}}}""",
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Builds_the_tree_JsonNode_Parse_builds(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var expected = JsonNode.Parse(bytes);
        var actual = JsonTreeReader.Parse(bytes);
        Assert.True(JsonNode.DeepEquals(expected, actual), actual?.ToJsonString());
        Assert.Equal(GoJson.Serialize(expected), GoJson.Serialize(actual));
    }

    [Fact]
    public void Numbers_read_as_they_do_from_JsonNode_Parse()
    {
        var o = JsonTreeReader.Parse("""{"replicas":3,"ratio":0.5}"""u8)!;
        Assert.Equal(3, o["replicas"]!.GetValue<int>());
        Assert.Equal(3L, o["replicas"]!.GetValue<long>());
        Assert.Equal(0.5, o["ratio"]!.GetValue<double>());
        Assert.Equal("3", o["replicas"]!.ToJsonString());
    }

    [Fact]
    public void Property_names_and_short_values_are_shared_between_documents()
    {
        var a = (JsonObject)JsonTreeReader.Parse("""{"metadata":{"namespace":"default"}}"""u8)!;
        var b = (JsonObject)JsonTreeReader.Parse("""{"metadata":{"namespace":"default"}}"""u8)!;
        Assert.Same(a.First().Key, b.First().Key);
        Assert.Same(a["metadata"]!["namespace"]!.GetValue<string>(), b["metadata"]!["namespace"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{"a":1} x""")]
    [InlineData("[1 2]")]
    [InlineData("")]
    public void Syntax_errors_are_worded_as_JsonNode_Parse_words_them(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var expected = Assert.ThrowsAny<JsonException>(() => JsonNode.Parse(bytes));
        var actual = Assert.ThrowsAny<JsonException>(() => JsonTreeReader.Parse(bytes));
        Assert.Equal(expected.Message, actual.Message);
    }

    [Fact]
    public void A_repeated_property_name_is_left_to_JsonNode_Parse()
    {
        var bytes = """{"a":1,"a":2}"""u8.ToArray();
        Assert.Equal(JsonNode.Parse(bytes)!.ToJsonString(), JsonTreeReader.Parse(bytes)!.ToJsonString());
    }

    [Fact]
    public void A_failed_parse_leaves_nothing_behind_for_the_next_one()
    {
        Assert.ThrowsAny<JsonException>(() => JsonTreeReader.Parse("""{"a":{"b":[1,{"c":2"""u8));
        JsonTreeReader.Parse("""{"x":{"y":1,"y":2}}"""u8); // a repeated name inside: handed to JsonNode.Parse
        var bytes = """{"kind":"Pod","spec":{"containers":[{"name":"web"}]}}"""u8.ToArray();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(bytes), JsonTreeReader.Parse(bytes)));
    }

    [Fact]
    public void Objects_and_arrays_larger_than_the_reused_buffers_read_whole()
    {
        var members = string.Join(",", Enumerable.Range(0, 300).Select(i => $"\"k{i}\":[{string.Join(",", Enumerable.Range(0, i % 7))}]"));
        var items = string.Join(",", Enumerable.Range(0, 500).Select(i => $"{{\"i\":{i}}}"));
        var bytes = Encoding.UTF8.GetBytes($"{{{members},\"items\":[{items}]}}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(bytes), JsonTreeReader.Parse(bytes)));
    }

    [Fact]
    public void An_object_is_built_at_its_size_not_grown_member_by_member()
    {
        // JsonObject doubles its dictionary as members are added; the reader builds each object once its members are known.
        var names = Enumerable.Range(0, 16).Select(i => $"k{i}").ToArray();
        var bytes = Encoding.UTF8.GetBytes("{" + string.Join(",", names.Select(n => $"\"{n}\":null")) + "}");
        JsonTreeReader.Parse(bytes); // warm the shared strings and the thread's buffers
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) JsonTreeReader.Parse(bytes);
        var parsed = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            var grown = new JsonObject();
            foreach (var n in names) grown.Add(n, null);
        }
        var grownBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(parsed < grownBytes * 3 / 4, $"parsing allocated {parsed} B, adding member by member {grownBytes} B");
    }

    [Fact]
    public void Deep_nesting_is_refused_at_the_same_depth()
    {
        var deep = Encoding.UTF8.GetBytes(new string('[', 65) + new string(']', 65));
        var expected = Assert.ThrowsAny<JsonException>(() => JsonNode.Parse(deep));
        var actual = Assert.ThrowsAny<JsonException>(() => JsonTreeReader.Parse(deep));
        Assert.Equal(expected.Message, actual.Message);
    }

    [Fact]
    public void Copies_of_a_parsed_tree_share_its_number_and_boolean_elements_and_read_the_same()
    {
        // The store deep-copies every object it hands out and keeps; a number or boolean must not bring a JsonDocument of its own
        // into each copy (issue 7: ~150 bytes per value, six per Pod plus every Event's count).
        var json = "[" + string.Join(',', Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? $"{i % 7}" : (i % 3 == 0 ? "true" : "false"))) + "]";
        var parsed = JsonTreeReader.Parse(Encoding.UTF8.GetBytes(json))!;
        parsed.DeepClone();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var copy = parsed.DeepClone();
        var perValue = (GC.GetAllocatedBytesForCurrentThread() - before) / 200.0;

        Assert.True(perValue < 100, $"{perValue:F0} bytes per copied value");
        Assert.Equal(json, copy.ToJsonString());
        Assert.True(JsonNode.DeepEquals(parsed, copy));
        Assert.Equal(6, copy[6]!.GetValue<int>());
        Assert.Equal(6L, copy[6]!.DeepClone().GetValue<long>());
        Assert.True(copy[3]!.GetValue<bool>());
        Assert.False(copy[1]!.DeepClone().GetValue<bool>());
    }
}

