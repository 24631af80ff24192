using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests.Api.Validation;

/// <summary>ConfigMap and Secret validation with kube-apiserver's messages (ValidateConfigMap, ValidateSecret and their updates).</summary>
public sealed class ConfigMapSecretValidationTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private async Task<(int Code, string Message, JsonObject? Body)> PostAsync(string ns, string resource, string body)
    {
        var (code, obj) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/{resource}", body);
        return (code, obj?["message"]?.GetValue<string>() ?? "", obj);
    }

    [Theory]
    [InlineData("a b", "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")]
    [InlineData("..x", "data[..x]: Invalid value: \"..x\": must not start with '..'")]
    [InlineData(".", "data[.]: Invalid value: \".\": must not be '.'")]
    public async Task Bad_config_keys_are_refused_with_the_key_message(string key, string expected)
    {
        var ns = await f.NewNamespaceAsync();
        var body = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "c" }, ["data"] = new JsonObject { [key] = "v" } };
        var (code, message, _) = await PostAsync(ns, "configmaps", body.ToJsonString());
        Assert.Equal(422, code);
        Assert.Equal($"ConfigMap \"c\" is invalid: {expected}", message);
        (code, message, _) = await PostAsync(ns, "secrets", body.ToJsonString().Replace("\"v\"", "\"dg==\""));
        Assert.Equal(422, code);
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task A_configmap_over_one_mebibyte_is_too_long_and_nothing_is_stored()
    {
        var ns = await f.NewNamespaceAsync();
        var body = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "big" }, ["data"] = new JsonObject { ["a"] = new string('x', 600_000), ["b"] = new string('y', 600_000) } };
        var (code, message, _) = await PostAsync(ns, "configmaps", body.ToJsonString());
        Assert.Equal(422, code);
        Assert.Equal("ConfigMap \"big\" is invalid: []: Too long: must have at most 1048576 bytes", message);
        var (get, _) = await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/big");
        Assert.Equal(404, get);
        // Exactly 1 MiB is allowed.
        body = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "edge" }, ["data"] = new JsonObject { ["a"] = new string('x', 1 << 20) } };
        (code, message, _) = await PostAsync(ns, "configmaps", body.ToJsonString());
        Assert.True(code == 201, message);
    }

    [Fact]
    public async Task A_secret_over_one_mebibyte_names_data()
    {
        var ns = await f.NewNamespaceAsync();
        var big = Convert.ToBase64String(new byte[(1 << 20) + 1]);
        var (code, message, _) = await PostAsync(ns, "secrets", $$$"""{"metadata":{"name":"s"},"data":{"k":"{{{big}}}"}}""");
        Assert.Equal(422, code);
        Assert.Equal("Secret \"s\" is invalid: data: Too long: must have at most 1048576 bytes", message);
    }

    [Fact]
    public async Task Non_base64_secret_data_is_a_400_with_gos_decoding_text()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, message, _) = await PostAsync(ns, "secrets", """{"metadata":{"name":"s"},"data":{"password":"not base64!"}}""");
        Assert.Equal(400, code);
        Assert.Contains("illegal base64 data at input byte 3", message);
    }

    [Fact]
    public async Task Non_base64_secret_data_is_refused_by_server_side_apply_too()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, body) = await f.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/secrets/s?fieldManager=t&force=true",
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"password":"not base64!"}}""", "application/apply-patch+yaml");
        Assert.Equal(400, code);
        Assert.EndsWith("illegal base64 data at input byte 3", body!["message"]!.GetValue<string>());
        Assert.Equal(404, (await f.SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/secrets/s")).Status); // nothing stored
    }

    [Theory]
    [InlineData("kubernetes.io/tls", "[data[tls.crt]: Required value, data[tls.key]: Required value]")]
    [InlineData("kubernetes.io/basic-auth", "[data[username]: Required value, data[password]: Required value]")]
    [InlineData("kubernetes.io/dockerconfigjson", "data[.dockerconfigjson]: Required value")]
    [InlineData("kubernetes.io/ssh-auth", "data[ssh-privatekey]: Required value")]
    [InlineData("kubernetes.io/service-account-token", "metadata.annotations[kubernetes.io/service-account.name]: Required value")]
    public async Task Typed_secrets_require_their_keys(string type, string expected)
    {
        var ns = await f.NewNamespaceAsync();
        var (code, message, _) = await PostAsync(ns, "secrets", $$$"""{"metadata":{"name":"s"},"type":"{{{type}}}","data":{"other":"eA=="}}""");
        Assert.Equal(422, code);
        Assert.Equal($"Secret \"s\" is invalid: {expected}", message);
    }

    [Fact]
    public async Task Dockerconfigjson_must_be_a_json_object()
    {
        var ns = await f.NewNamespaceAsync();
        var notJson = Convert.ToBase64String("nope"u8.ToArray());
        var (code, message, _) = await PostAsync(ns, "secrets", $$$"""{"metadata":{"name":"s"},"type":"kubernetes.io/dockerconfigjson","data":{".dockerconfigjson":"{{{notJson}}}"}}""");
        Assert.Equal(422, code);
        Assert.Equal("Secret \"s\" is invalid: data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character 'n' looking for beginning of value", message);
    }

    [Fact]
    public async Task StringData_is_merged_into_data_and_wins()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, message, body) = await PostAsync(ns, "secrets", """{"metadata":{"name":"s"},"data":{"user":"b2xk","keep":"eA=="},"stringData":{"user":"new"}}""");
        Assert.True(code == 201, message);
        Assert.Null(body!["stringData"]);
        Assert.Equal("Opaque", body["type"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String("new"u8.ToArray()), body["data"]!["user"]!.GetValue<string>());
        Assert.Equal("eA==", body["data"]!["keep"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_immutable_configmap_refuses_changes_but_can_be_deleted()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, message, _) = await PostAsync(ns, "configmaps", """{"metadata":{"name":"c"},"immutable":true,"data":{"k":"v1"}}""");
        Assert.True(code == 201, message);
        var (put, status) = await f.SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/c", """{"metadata":{"name":"c"},"immutable":true,"data":{"k":"v2"}}""");
        Assert.Equal(422, put);
        Assert.Equal("ConfigMap \"c\" is invalid: data: Forbidden: field is immutable when `immutable` is set", status!["message"]!.GetValue<string>());
        (put, status) = await f.SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/c", """{"metadata":{"name":"c"},"immutable":false,"data":{"k":"v1"}}""");
        Assert.Equal(422, put);
        Assert.Contains("immutable: Forbidden: field is immutable when `immutable` is set", status!["message"]!.GetValue<string>());
        var (del, _) = await f.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/c");
        Assert.Equal(200, del);
    }

    [Fact]
    public async Task A_secret_type_cannot_change_and_an_immutable_secret_keeps_its_data()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, message, _) = await PostAsync(ns, "secrets", """{"metadata":{"name":"s"},"immutable":true,"data":{"k":"eA=="}}""");
        Assert.True(code == 201, message);
        var (put, status) = await f.SendAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/secrets/s",
            """{"metadata":{"name":"s"},"type":"kubernetes.io/basic-auth","immutable":true,"stringData":{"username":"u"},"data":{"k":"eA=="}}""");
        Assert.Equal(422, put);
        Assert.Equal("Secret \"s\" is invalid: [type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable, data: Forbidden: field is immutable when `immutable` is set]",
            status!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Kubectl_reports_the_immutable_error()
    {
        var ns = await f.NewNamespaceAsync();
        await f.KubectlOkAsync("-n", ns, "create", "configmap", "frozen", "--from-literal=k=v1");
        await f.KubectlOkAsync("-n", ns, "patch", "configmap", "frozen", "-p", """{"immutable":true}""");
        var r = await f.KubectlAsync("-n", ns, "patch", "configmap", "frozen", "-p", """{"data":{"k":"v2"}}""");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("The ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set", r.Stderr);
    }
}
