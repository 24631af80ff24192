using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.Api.Conversion;

/// <summary>Tables of a converted version print like the stored one (the real printer works on the internal object).</summary>
public sealed class ServedVersionTableTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

    [Fact]
    public async Task EventsK8sIoTable_PrintsTheMessageAndObject()
    {
        var ns = await fx.NewNamespaceAsync("evtable");
        await fx.Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "e1" }, Type = "Normal", Reason = "Tested", Message = "hello from core",
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "p", NamespaceProperty = ns },
        }, ns);
        var (status, table) = await fx.SendAsync(HttpMethod.Get, $"/apis/events.k8s.io/v1/namespaces/{ns}/events", accept: TableAccept);
        Assert.Equal(200, status);
        var cells = table!["rows"]![0]!["cells"]!.AsArray().Select(c => c?.ToString()).ToList();
        Assert.Contains("hello from core", cells);
        Assert.Contains("pod/p", cells);
    }

    [Fact]
    public async Task HpaV1Table_MatchesTheV2Row()
    {
        var ns = await fx.NewNamespaceAsync("hpatable");
        await fx.Client.AutoscalingV1.CreateNamespacedHorizontalPodAutoscalerAsync(new V1HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "h" },
            Spec = new V1HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V1CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "d" },
                MaxReplicas = 3, TargetCPUUtilizationPercentage = 70,
            },
        }, ns);
        async Task<JsonArray> Row(string version) =>
            (await fx.SendAsync(HttpMethod.Get, $"/apis/autoscaling/{version}/namespaces/{ns}/horizontalpodautoscalers", accept: TableAccept)).Body!["rows"]![0]!["cells"]!.AsArray();
        var v1 = await Row("v1");
        Assert.Equal(["h", "Deployment/d", "cpu: <unknown>/70%", "1", "3", "0"], v1.Take(6).Select(c => c!.ToString()));
        Assert.True(JsonNode.DeepEquals(v1, await Row("v2")));
    }
}
