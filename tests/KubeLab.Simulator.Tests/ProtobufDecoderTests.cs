using KubeLab.Simulator.Api.Protobuf;

namespace KubeLab.Simulator.Tests;

public class ProtobufDecoderTests
{
    // The exact body kubectl 1.32 sends for `kubectl create namespace demo` (captured with -v=9).
    private static readonly byte[] CreateNamespaceDemo = Convert.FromHexString(
        "6b387300" + "0a0f0a0276311209" + "4e616d657370616365" + "121c0a140a0464656d6f" + "12001a0022002a00320038004200" + "12001a020a00" + "1a002200");

    [Fact]
    public void Decodes_the_namespace_kubectl_create_sends()
    {
        var obj = ProtobufDecoder.Decode(CreateNamespaceDemo);
        Assert.Equal("v1", obj["apiVersion"]!.GetValue<string>());
        Assert.Equal("Namespace", obj["kind"]!.GetValue<string>());
        Assert.Equal("demo", obj["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Rejects_bodies_without_the_magic_prefix()
        => Assert.Throws<FormatException>(() => ProtobufDecoder.Decode([1, 2, 3, 4, 5]));

    [Fact]
    public void Rejects_truncated_bodies()
        => Assert.Throws<FormatException>(() => ProtobufDecoder.Decode(CreateNamespaceDemo[..20]));
}
