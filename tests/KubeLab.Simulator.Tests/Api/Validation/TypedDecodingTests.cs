using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests.Api.Validation;

/// <summary>Bodies that do not fit the kind's Go types are refused on every write path, worded as kube-apiserver words them.</summary>
public sealed class TypedDecodingTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private static string Deployment(string name, string replicas, string containers = """[{"name":"web","image":"nginx"}]""") =>
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME"},"spec":{"replicas":REPLICAS,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":CONTAINERS}}}}"""
            .Replace("NAME", name).Replace("REPLICAS", replicas).Replace("CONTAINERS", containers);

    private static string Message(JsonObject? status) => status!["message"]!.GetValue<string>();

    [Theory]
    [InlineData("\"three\"", "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")]
    [InlineData("3000000000", "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32")]
    [InlineData("1.5", "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32")]
    [InlineData("true", "json: cannot unmarshal bool into Go struct field DeploymentSpec.spec.replicas of type int32")]
    public async Task Create_with_a_wrong_replicas_type_is_400_and_nothing_is_stored(string replicas, string expected)
    {
        var ns = await f.NewNamespaceAsync();
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("d", replicas));
        Assert.Equal(400, code);
        Assert.Equal("BadRequest", status!["reason"]!.GetValue<string>());
        Assert.Equal($"Deployment in version \"v1\" cannot be handled as a Deployment: {expected}", Message(status));
        var (get, _) = await f.SendAsync(HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments/d");
        Assert.Equal(404, get);
    }

    [Fact]
    public async Task An_object_where_a_list_belongs_names_the_Go_slice_type()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("d", "1", """{"name":"web","image":"nginx"}"""));
        Assert.Equal(400, code);
        Assert.EndsWith("json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container", Message(status));
    }

    [Fact]
    public async Task Nested_list_elements_name_the_innermost_struct_and_the_path_without_indices()
    {
        var ns = await f.NewNamespaceAsync();
        var body = """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"b","ports":[{"containerPort":"http"}]}]}}""";
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods", body);
        Assert.Equal(400, code);
        Assert.Equal("Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32", Message(status));
    }

    [Theory]
    [InlineData("\"lots\"", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
    [InlineData("\"100Mb\"", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
    [InlineData("\"1Qi\"", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
    public async Task Resource_quantities_are_parsed_while_decoding(string quantity, string expected)
    {
        var ns = await f.NewNamespaceAsync();
        var body = """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"b","resources":{"limits":{"memory":Q}}}]}}""".Replace("Q", quantity);
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods", body);
        Assert.Equal(400, code);
        Assert.Equal($"Pod in version \"v1\" cannot be handled as a Pod: {expected}", Message(status));
    }

    [Theory]
    [InlineData("\"128Mi\"")]
    [InlineData("\"0.5\"")]
    [InlineData("\"500m\"")]
    [InlineData("1")]
    [InlineData("\"1e3\"")]
    public async Task Valid_quantities_are_accepted(string quantity)
    {
        var ns = await f.NewNamespaceAsync();
        var body = """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"b","resources":{"requests":{"cpu":Q}}}]}}""".Replace("Q", quantity);
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods", body);
        Assert.True(code == 201, status?.ToJsonString());
    }

    [Fact]
    public async Task Secret_data_must_be_base64()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/secrets", """{"metadata":{"name":"s"},"data":{"k":"not base64!"}}""");
        Assert.Equal(400, code);
        Assert.Equal("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3", Message(status));
    }

    [Fact]
    public async Task IntOrString_refuses_a_bool_with_its_own_unmarshaler_words()
    {
        var ns = await f.NewNamespaceAsync();
        var body = """{"metadata":{"name":"s"},"spec":{"ports":[{"port":80,"targetPort":true}]}}""";
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/services", body);
        Assert.Equal(400, code);
        Assert.Equal("Service in version \"v1\" cannot be handled as a Service: json: cannot unmarshal bool into Go value of type int32", Message(status));
    }

    [Fact]
    public async Task Put_and_status_put_are_decoded_too()
    {
        var ns = await f.NewNamespaceAsync();
        Assert.Equal(201, (await f.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("d", "1"))).Status);
        var (put, status) = await f.SendAsync(HttpMethod.Put, $"/apis/apps/v1/namespaces/{ns}/deployments/d", Deployment("d", "\"2\""));
        Assert.Equal(400, put);
        Assert.Contains("Go struct field DeploymentSpec.spec.replicas of type int32", Message(status));
        var statusBody = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"status":{"readyReplicas":"all"}}""";
        var (st, stStatus) = await f.SendAsync(HttpMethod.Put, $"/apis/apps/v1/namespaces/{ns}/deployments/d/status", statusBody);
        Assert.Equal(400, st);
        Assert.Contains("Go struct field DeploymentStatus.status.readyReplicas of type int32", Message(stStatus));
    }

    [Fact]
    public async Task A_merge_patch_result_that_does_not_decode_is_422_on_the_patch()
    {
        var ns = await f.NewNamespaceAsync();
        Assert.Equal(201, (await f.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("d", "1"))).Status);
        var (code, status) = await f.SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/d", """{"spec":{"replicas":"three"}}""", "application/merge-patch+json");
        Assert.Equal(422, code);
        Assert.StartsWith(" \"\" is invalid: patch: Invalid value: \"{\\\"", Message(status));
        Assert.EndsWith("\": json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32", Message(status));
        Assert.Equal("patch", status!["details"]!["causes"]![0]!["field"]!.GetValue<string>());

        var (jp, jpStatus) = await f.SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/d", """[{"op":"replace","path":"/spec/replicas","value":[1]}]""", "application/json-patch+json");
        Assert.Equal(422, jp);
        Assert.EndsWith("json: cannot unmarshal array into Go struct field DeploymentSpec.spec.replicas of type int32", Message(jpStatus));
        var (_, after) = await f.SendAsync(HttpMethod.Get, $"/apis/apps/v1/namespaces/{ns}/deployments/d");
        Assert.Equal(1, after!["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_strategic_merge_patch_is_shown_as_a_Go_map_with_the_converters_words()
    {
        var ns = await f.NewNamespaceAsync();
        Assert.Equal(201, (await f.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("d", "1"))).Status);
        var (code, status) = await f.SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/d", """{"spec":{"replicas":"three"}}""", "application/strategic-merge-patch+json");
        Assert.Equal(422, code);
        Assert.Equal(" \"\" is invalid: patch: Invalid value: \"map[spec:map[replicas:three]]\": unrecognized type: int32", Message(status));
    }

    [Fact]
    public async Task Server_side_apply_names_the_typed_patch_object()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, status) = await f.SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/d?fieldManager=me", Deployment("d", "\"three\""), "application/apply-patch+yaml");
        Assert.Equal(400, code);
        Assert.Equal($"failed to create typed patch object ({ns}/d; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string", Message(status));
    }

    [Fact]
    public async Task Scale_bodies_are_decoded_as_autoscaling_v1_Scale()
    {
        var ns = await f.NewNamespaceAsync();
        Assert.Equal(201, (await f.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", Deployment("d", "1"))).Status);
        var (code, status) = await f.SendAsync(HttpMethod.Put, $"/apis/apps/v1/namespaces/{ns}/deployments/d/scale", """{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"d"},"spec":{"replicas":"two"}}""");
        Assert.Equal(400, code);
        Assert.Equal("Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32", Message(status));
        var (patch, patchStatus) = await f.SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{ns}/deployments/d/scale", """{"spec":{"replicas":"two"}}""", "application/merge-patch+json");
        Assert.Equal(422, patch);
        Assert.EndsWith("json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32", Message(patchStatus));
    }

    [Fact]
    public async Task Yaml_bodies_decode_like_json()
    {
        var ns = await f.NewNamespaceAsync();
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: [a, b]\n";
        var (code, status) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", yaml, "application/yaml");
        Assert.Equal(400, code);
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string", Message(status));
    }

    [Fact]
    public async Task Kubectl_apply_shows_the_decode_error()
    {
        var ns = await f.NewNamespaceAsync();
        var yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: three\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
        var r = await f.KubectlWithInputAsync(yaml, "apply", "-n", ns, "-f", "-");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32", r.Stderr);
        Assert.Contains("(BadRequest)", r.Stderr);
    }
}
