using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests.Api.Admission;

/// <summary>plugin/pkg/admission/serviceaccount (1.32): the default ServiceAccount, the kube-api-access volume, automount opt-outs, a missing account.</summary>
public sealed class ServiceAccountAdmissionTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private async Task<(int Code, JsonNode? Body)> CreatePodAsync(string ns, string spec)
        => await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods", $$"""{"metadata":{"name":"p"},"spec":{{spec}}}""");

    private const string TwoContainers = """
        {"initContainers":[{"name":"init","image":"busybox:1.36","command":["true"]}],
         "containers":[{"name":"a","image":"busybox:1.36"},{"name":"b","image":"busybox:1.36"}]}
        """;

    [Fact]
    public async Task A_pod_gets_the_default_account_and_a_projected_token_volume_in_every_container()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, pod) = await CreatePodAsync(ns, TwoContainers);
        Assert.True(code == 201, pod?.ToJsonString());
        Assert.Equal("default", pod!["spec"]!["serviceAccountName"]!.ToString());
        var volume = pod["spec"]!["volumes"]!.AsArray().Single()!;
        Assert.Matches("^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$", volume["name"]!.ToString());
        var sources = volume["projected"]!["sources"]!.AsArray();
        Assert.Equal(3607, sources[0]!["serviceAccountToken"]!["expirationSeconds"]!.GetValue<int>());
        Assert.Equal("kube-root-ca.crt", sources[1]!["configMap"]!["name"]!.ToString());
        Assert.Equal("metadata.namespace", sources[2]!["downwardAPI"]!["items"]![0]!["fieldRef"]!["fieldPath"]!.ToString());
        Assert.Equal(420, volume["projected"]!["defaultMode"]!.GetValue<int>());
        foreach (var c in pod["spec"]!["containers"]!.AsArray().Concat(pod["spec"]!["initContainers"]!.AsArray()))
        {
            var mount = c!["volumeMounts"]!.AsArray().Single()!;
            Assert.Equal(volume["name"]!.ToString(), mount["name"]!.ToString());
            Assert.Equal("/var/run/secrets/kubernetes.io/serviceaccount", mount["mountPath"]!.ToString());
            Assert.True(mount["readOnly"]!.GetValue<bool>());
        }
    }

    [Fact]
    public async Task Automount_false_on_the_pod_or_its_account_mounts_nothing_and_the_pod_wins()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, pod) = await CreatePodAsync(ns, """{"automountServiceAccountToken":false,"containers":[{"name":"a","image":"busybox:1.36"}]}""");
        Assert.Equal(201, code);
        Assert.Null(pod!["spec"]!["volumes"]);

        await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/serviceaccounts", """{"metadata":{"name":"quiet"},"automountServiceAccountToken":false}""");
        var (_, quiet) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods",
            """{"metadata":{"name":"q1"},"spec":{"serviceAccountName":"quiet","containers":[{"name":"a","image":"busybox:1.36"}]}}""");
        Assert.Null(quiet!["spec"]!["volumes"]);
        var (_, loud) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods",
            """{"metadata":{"name":"q2"},"spec":{"serviceAccountName":"quiet","automountServiceAccountToken":true,"containers":[{"name":"a","image":"busybox:1.36"}]}}""");
        Assert.Single(loud!["spec"]!["volumes"]!.AsArray());
    }

    [Fact]
    public async Task A_container_that_mounts_something_at_the_token_path_keeps_it()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, pod) = await CreatePodAsync(ns, """
            {"volumes":[{"name":"mine","emptyDir":{}}],
             "containers":[{"name":"a","image":"busybox:1.36","volumeMounts":[{"name":"mine","mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}]},
                           {"name":"b","image":"busybox:1.36"}]}
            """);
        Assert.True(code == 201, pod?.ToJsonString());
        var containers = pod!["spec"]!["containers"]!.AsArray();
        Assert.Equal("mine", containers[0]!["volumeMounts"]!.AsArray().Single()!["name"]!.ToString());
        Assert.StartsWith("kube-api-access-", containers[1]!["volumeMounts"]!.AsArray().Single()!["name"]!.ToString());
        Assert.Equal(2, pod["spec"]!["volumes"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_missing_service_account_is_refused_with_the_admission_message()
    {
        var ns = await f.NewNamespaceAsync();
        var (code, status) = await CreatePodAsync(ns, """{"serviceAccountName":"ghost","containers":[{"name":"a","image":"busybox:1.36"}]}""");
        Assert.Equal(403, code);
        Assert.Equal($"pods \"p\" is forbidden: error looking up service account {ns}/ghost: serviceaccount \"ghost\" not found",
            status!["message"]!.ToString());
    }
}
