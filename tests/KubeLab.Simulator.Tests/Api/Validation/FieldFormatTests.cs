using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests.Api.Validation;

/// <summary>Field formats refused with 422 Invalid and the upstream field paths and wording.</summary>
public sealed class FieldFormatTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private async Task<(int Code, string Message)> CreatePodAsync(string container, string volumes = "[]")
    {
        var ns = await f.NewNamespaceAsync();
        var body = """{"metadata":{"name":"p"},"spec":{"volumes":VOLUMES,"containers":[CONTAINER]}}""".Replace("VOLUMES", volumes).Replace("CONTAINER", container);
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods", body);
        return (code, status!["message"]?.GetValue<string>() ?? "");
    }

    [Theory]
    [InlineData("""{"name":"a","image":"b","ports":[{"containerPort":70000}]}""", "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive")]
    [InlineData("""{"name":"a","image":"b","ports":[{"containerPort":80,"protocol":"HTTP"}]}""", "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"")]
    [InlineData("""{"name":"a","image":"b","volumeMounts":[{"name":"x","mountPath":"/x"}]}""", "spec.containers[0].volumeMounts[0].name: Not found: \"x\"")]
    [InlineData("""{"name":"a","image":"b","env":[{"name":"A=B","value":"1"}]}""", "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='")]
    [InlineData("""{"name":"a","image":"b","envFrom":[{"configMapRef":{"name":"Bad_Name"}}]}""", "spec.containers[0].envFrom[0].configMapRef.name: Invalid value: \"Bad_Name\"")]
    public async Task Pod_spec_formats_are_422(string container, string expected)
    {
        var (code, message) = await CreatePodAsync(container);
        Assert.Equal(422, code);
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task Relaxed_env_names_and_mounted_volumes_are_accepted()
    {
        var (code, message) = await CreatePodAsync("""{"name":"a","image":"b","env":[{"name":"my.var-1 x","value":"1"}],"volumeMounts":[{"name":"data","mountPath":"/data"}]}""",
            """[{"name":"data","emptyDir":{}}]""");
        Assert.True(code == 201, message);
    }

    [Fact]
    public async Task Volume_names_must_be_dns_labels()
    {
        var (code, message) = await CreatePodAsync("""{"name":"a","image":"b"}""", """[{"name":"Data","emptyDir":{}}]""");
        Assert.Equal(422, code);
        Assert.Contains("spec.volumes[0].name: Invalid value: \"Data\": a lowercase RFC 1123 label must consist of", message);
    }

    [Fact]
    public async Task Service_ports_are_in_range()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/services", """{"metadata":{"name":"s"},"spec":{"ports":[{"port":0}]}}""");
        Assert.Equal(422, code);
        Assert.Contains("spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive", status!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task CronJob_schedules_must_parse()
    {
        var ns = await f.NewNamespaceAsync();
        var body = """{"metadata":{"name":"c"},"spec":{"schedule":"bogus","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"b"}]}}}}}}""";
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/apis/batch/v1/namespaces/{ns}/cronjobs", body);
        Assert.Equal(422, code);
        Assert.Equal("CronJob.batch \"c\" is invalid: spec.schedule: Invalid value: \"bogus\": Expected exactly 5 fields, found 1: bogus", status!["message"]!.GetValue<string>());
        var ok = body.Replace("bogus", "*/5 * * * *");
        Assert.Equal(201, (await f.SendAsync(HttpMethod.Post, $"/apis/batch/v1/namespaces/{ns}/cronjobs", ok)).Status);
    }
}
