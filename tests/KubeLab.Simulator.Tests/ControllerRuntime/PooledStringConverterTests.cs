using k8s;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Tests.ControllerRuntime;

/// <summary>The in-process clients' typed objects share repeated strings, and read exactly what was sent.</summary>
public class PooledStringConverterTests
{
    /// <summary>Before any test deserializes anything: KubernetesClient's options freeze on first use, as in a host process.</summary>
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void InstallFirst() => ClientJsonOptions.Install();

    private const string Pod = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","labels":{"app":"web","tier":"front\u0020end"}},
         "spec":{"containers":[{"name":"nginx","image":"nginx:1.27.0","args":["a\"b", ""]}],"nodeName":null}}
        """;

    [Fact]
    public void Two_pods_read_after_install_share_their_repeated_strings_and_keep_every_value()
    {
        Assert.True(ClientJsonOptions.Install());
        var a = KubernetesJson.Deserialize<V1Pod>(Pod);
        var b = KubernetesJson.Deserialize<V1Pod>(Pod.Replace("web-1", "web-2"));

        Assert.Same(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty);
        Assert.Same(a.Spec.Containers[0].Image, b.Spec.Containers[0].Image);
        Assert.Same(a.Metadata.Labels.Keys.First(), b.Metadata.Labels.Keys.First());
        Assert.Equal("web-2", b.Metadata.Name);
        Assert.Equal("front end", b.Metadata.Labels["tier"]);          // escaped: read as is, not pooled
        Assert.Equal(["a\"b", ""], b.Spec.Containers[0].Args);
        Assert.Null(b.Spec.NodeName);
        Assert.Equal(KubernetesJson.Serialize(a).Replace("web-1", "web-2"), KubernetesJson.Serialize(b));
        Assert.Throws<System.Text.Json.JsonException>(() => KubernetesJson.Deserialize<V1Pod>("""{"metadata":{"name":3}}"""));
    }
}
