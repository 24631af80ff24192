namespace KubeLab.Simulator.Tests.Api.Validation;

/// <summary>pkg/apis/core/validation ValidatePodSpecificAnnotations: the pod-deletion-cost annotation must be a canonical int32.</summary>
public sealed class PodDeletionCostValidationTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private const string Key = "controller.kubernetes.io/pod-deletion-cost";

    private async Task<(int Code, string Message)> CreatePodAsync(string cost)
    {
        var ns = await f.NewNamespaceAsync();
        var body = $$$"""{"metadata":{"name":"p","annotations":{"{{{Key}}}":"{{{cost}}}"}},"spec":{"containers":[{"name":"a","image":"b"}]}}""";
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods", body);
        return (code, status?["message"]?.GetValue<string>() ?? "");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("+5")]
    [InlineData("007")]
    [InlineData("2147483648")]
    public async Task Invalid_costs_are_refused_on_pods(string cost)
    {
        var (code, message) = await CreatePodAsync(cost);
        Assert.Equal(422, code);
        Assert.Contains($"metadata.annotations[{Key}]: Invalid value: \"{cost}\": must be a 32bit integer", message);
    }

    [Theory]
    [InlineData("-100")]
    [InlineData("0")]
    [InlineData("2147483647")]
    public async Task Canonical_int32_costs_are_accepted(string cost)
    {
        var (code, message) = await CreatePodAsync(cost);
        Assert.True(code == 201, message);
    }

    [Fact]
    public async Task Invalid_costs_are_refused_in_a_replicaset_template()
    {
        var ns = await f.NewNamespaceAsync();
        var body = """{"metadata":{"name":"rs"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"},"annotations":{"KEY":"x"}},"spec":{"containers":[{"name":"a","image":"b"}]}}}}""".Replace("KEY", Key);
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/replicasets", body);
        Assert.Equal(422, code);
        Assert.Contains($"spec.template.annotations[{Key}]: Invalid value: \"x\": must be a 32bit integer", status!["message"]!.GetValue<string>());
    }
}
