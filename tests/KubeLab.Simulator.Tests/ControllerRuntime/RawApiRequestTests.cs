using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Tests.ControllerRuntime;

/// <summary>Writes whose answers are not decoded: same credentials, same errors as KubernetesClient's generated calls.</summary>
public sealed class RawApiRequestTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [Theory]
    [InlineData("""{"kind":"Pod","metadata":{"labels":{"name":"not-this"},"name":"web-x7k2p","namespace":"d"},"spec":{"name":"nor-this"}}""", "web-x7k2p")]
    [InlineData("""{"spec":{"metadata":{"name":"nested"}},"metadata":{"generateName":"web-"}}""", null)]
    [InlineData("""{"metadata":{"name":7}}""", null)]
    [InlineData("""[]""", null)]
    public void The_name_is_read_from_metadata_alone(string json, string? expected) =>
        Assert.Equal(expected, RawApiRequest.MetadataName(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public async Task A_create_returns_the_generated_name_and_a_refusal_is_the_generated_calls_exception()
    {
        var ns = await f.NewNamespaceAsync();
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { GenerateName = "raw-" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx:1.27.0" }] },
        };
        var name = await RawApiRequest.WriteForNameAsync(f.Client, HttpMethod.Post, $"api/v1/namespaces/{ns}/pods", KubernetesJson.Serialize(pod), "application/json", default);
        Assert.Matches("^raw-[a-z0-9]{5}$", name);
        Assert.Equal(name, (await f.Client.CoreV1.ReadNamespacedPodAsync(name, ns)).Metadata.Name);

        var raw = await Assert.ThrowsAsync<HttpOperationException>(() => RawApiRequest.WriteAsync(f.Client, HttpMethod.Patch,
            $"api/v1/namespaces/{ns}/pods/missing/status", """{"status":{}}""", "application/merge-patch+json", default));
        var generated = await Assert.ThrowsAsync<HttpOperationException>(() => f.Client.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch("""{"status":{}}""", V1Patch.PatchType.MergePatch), "missing", ns));
        Assert.Equal(HttpStatusCode.NotFound, raw.Response.StatusCode);
        Assert.Equal(generated.Response.Content, raw.Response.Content);
        Assert.Equal(ApiErrorMessage.Of(generated), ApiErrorMessage.Of(raw));
    }
}
