using System.Text;

namespace KubeLab.Simulator.Tests.Api.Validation;

/// <summary>Responses are written as Go's encoding/json writes them (HTML-safe escaping, \" for quotes).</summary>
public sealed class GoJsonEncodingTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Quotes_and_html_characters_are_escaped_as_go_does()
    {
        var ns = await f.NewNamespaceAsync();
        var body = """{"metadata":{"name":"c"},"data":{"k":"say \"hi\" <b>&</b> ünï\u0001"}}""";
        using var create = await f.Http.PostAsync($"/api/v1/namespaces/{ns}/configmaps", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(201, (int)create.StatusCode);
        var text = await f.Http.GetStringAsync($"/api/v1/namespaces/{ns}/configmaps/c");
        Assert.Contains("""say \"hi\" \u003cb\u003e\u0026\u003c/b\u003e ünï\u0001""", text);
        Assert.DoesNotContain("\\u0022", text);
    }

    [Fact]
    public async Task Status_messages_use_go_escaping_too()
    {
        var text = await (await f.Http.GetAsync("/api/v1/namespaces/default/configmaps/does-not-exist")).Content.ReadAsStringAsync();
        Assert.Contains("""configmaps \"does-not-exist\" not found""", text);
    }

    [Theory]
    [InlineData("plain-name.default", "\"plain-name.default\"")]
    [InlineData("tail<", "\"tail\\u003c\"")]
    [InlineData("line\u2028sep", "\"line\\u2028sep\"")]
    [InlineData("tab\there", "\"tab\\there\"")]
    [InlineData("pair \ud83d\ude00 ok", "\"pair \ud83d\ude00 ok\"")]
    public void Strings_are_copied_until_the_first_character_go_escapes(string value, string expected) =>
        Assert.Equal(expected, KubeLab.Simulator.Api.Server.GoJson.Serialize(System.Text.Json.Nodes.JsonValue.Create(value)));

    [Fact]
    public void A_lone_surrogate_becomes_the_replacement_escape() => // built in code: test-data serialisation would replace it first
        Assert.Equal("\"lone \\ufffdx\"", KubeLab.Simulator.Api.Server.GoJson.Serialize(System.Text.Json.Nodes.JsonValue.Create("lone " + (char)0xD800 + "x")));

    public static TheoryData<int> Prefixes() => [.. Enumerable.Range(0, 27), 4097, 20_000];

    [Theory]
    [MemberData(nameof(Prefixes))]
    public void The_utf8_writer_gives_the_bytes_of_the_text_even_when_a_surrogate_pair_straddles_two_builder_chunks(int prefix)
    {
        // The builder grows in chunks; the escaped pattern is 26 characters, so some prefix puts a pair across a chunk boundary.
        var node = new System.Text.Json.Nodes.JsonObject
        {
            ["a"] = new string('x', prefix) + string.Concat(Enumerable.Repeat("😀日本<&>\"", 3000)),
            ["n"] = 3,
        };
        var expected = System.Text.Encoding.UTF8.GetBytes(KubeLab.Simulator.Api.Server.GoJson.Serialize(node));
        // A new thread has a new (small) builder, which grows chunk by chunk; a reused one is a single chunk.
        byte[]? written = null;
        byte[]? array = null;
        var thread = new Thread(() =>
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            KubeLab.Simulator.Api.Server.GoJson.SerializeUtf8(node, buffer);
            written = buffer.WrittenSpan.ToArray();
        });
        thread.Start();
        thread.Join();
        Assert.Equal(expected, written);
        // The array form (watch events, cooled stored versions) encodes the same chunks into an array of the exact length.
        thread = new Thread(() => array = KubeLab.Simulator.Api.Server.GoJson.SerializeToUtf8Bytes(node));
        thread.Start();
        thread.Join();
        Assert.Equal(expected, array);
    }
}
