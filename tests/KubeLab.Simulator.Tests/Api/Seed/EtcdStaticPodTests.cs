using k8s;
using System.Text;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Seed;
using KubeLab.Simulator.Tests.Api.PodSubresources;

namespace KubeLab.Simulator.Tests.Api.Seed;

/// <summary>A cluster started with the course's EncryptionConfiguration, on a 10× clock.</summary>
public sealed class EncryptedCluster : ClusterFixture
{
    public static string CourseEncryptionConfig { get; } = Path.Combine(RepoRoot(), "environment", "encryption", "encryption-config.yaml");

    protected override SimulatorOptions Options => new() { ClockSpeed = 10, EncryptionConfigurationPath = CourseEncryptionConfig };

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KubeLab.slnx"))) dir = dir.Parent;
        return dir!.FullName;
    }

    public async Task WaitForEtcdRunningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var pod = await Client.CoreV1.ReadNamespacedPodAsync(EtcdStaticPod.PodName, "kube-system");
            if (pod.Status?.Phase == "Running") return;
            Assert.True(DateTime.UtcNow < deadline, $"etcd pod still {pod.Status?.Phase}");
            await Task.Delay(100);
        }
    }
}

/// <summary>kind's etcd static pod and its etcdctl, reached with the real kubectl exec; kubectl create/get for ConfigMaps and Secrets.</summary>
public sealed class EtcdStaticPodTests(EncryptedCluster f) : IClassFixture<EncryptedCluster>
{
    private static readonly string[] Etcdctl =
    [
        "exec", "-n", "kube-system", EtcdStaticPod.PodName, "--", "etcdctl", "--endpoints=https://127.0.0.1:2379",
        "--cacert=/etc/kubernetes/pki/etcd/ca.crt", "--cert=/etc/kubernetes/pki/etcd/server.crt", "--key=/etc/kubernetes/pki/etcd/server.key",
    ];

    private async Task<KubectlResult> ExecOk(params string[] args)
    {
        var r = await KubectlExec.RunAsync(f, null, args);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    [Fact]
    public async Task The_mirror_pod_runs_in_kube_system_owned_by_the_node()
    {
        await f.WaitForEtcdRunningAsync();
        var pod = await f.Client.CoreV1.ReadNamespacedPodAsync(EtcdStaticPod.PodName, "kube-system");
        Assert.Equal("k8s-course-control-plane", pod.Spec.NodeName);
        Assert.Equal("Node", pod.Metadata.OwnerReferences.Single().Kind);
        Assert.True(pod.Metadata.Annotations.ContainsKey("kubernetes.io/config.mirror"));
        Assert.Equal("registry.k8s.io/etcd:3.5.16-0", pod.Spec.Containers[0].Image);
        var version = await ExecOk([.. Etcdctl[..6], "version"]);
        Assert.Contains("etcdctl version: 3.5.16", version.Stdout);
    }

    [Fact]
    public async Task Etcdctl_shows_a_secret_encrypted_with_aescbc_and_a_configmap_in_the_clear()
    {
        await f.WaitForEtcdRunningAsync();
        var ns = await f.NewNamespaceAsync();
        await f.KubectlOkAsync("-n", ns, "create", "secret", "generic", "db", "--from-literal=password=s3cr3t");
        await f.KubectlOkAsync("-n", ns, "create", "configmap", "app", "--from-literal=color=blue");

        var json = await ExecOk([.. Etcdctl, "get", $"/registry/secrets/{ns}/db", "-w", "json"]);
        var kv = JsonNode.Parse(json.Stdout)!["kvs"]![0]!;
        Assert.Equal($"/registry/secrets/{ns}/db", Encoding.UTF8.GetString(Convert.FromBase64String(kv["key"]!.GetValue<string>())));
        var value = Convert.FromBase64String(kv["value"]!.GetValue<string>());
        Assert.StartsWith("k8s:enc:aescbc:v1:key1:", Encoding.Latin1.GetString(value));
        Assert.DoesNotContain("s3cr3t", Encoding.Latin1.GetString(value));
        var secret = await f.Client.CoreV1.ReadNamespacedSecretAsync("db", ns);
        Assert.Equal(long.Parse(secret.Metadata.ResourceVersion), kv["mod_revision"]!.GetValue<long>());

        var cm = await ExecOk([.. Etcdctl, "get", $"/registry/configmaps/{ns}/app", "--print-value-only"]);
        Assert.StartsWith("k8s\0", cm.Stdout);
        Assert.Contains("blue", cm.Stdout);

        var keys = await ExecOk([.. Etcdctl, "get", $"/registry/secrets/{ns}/", "--prefix", "--keys-only"]);
        Assert.Equal($"/registry/secrets/{ns}/db\n\n", keys.Stdout);
    }

    [Fact]
    public async Task Etcdctl_without_client_certificates_times_out_like_kubeadms_etcd()
    {
        await f.WaitForEtcdRunningAsync();
        var r = await KubectlExec.RunAsync(f, null, "exec", "-n", "kube-system", EtcdStaticPod.PodName, "--", "etcdctl", "get", "/registry/secrets/default/x");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Error: context deadline exceeded", r.Stderr);
    }

    [Fact]
    public async Task Kubectl_creates_and_lists_configmaps_and_secrets_with_kinds_columns()
    {
        var ns = await f.NewNamespaceAsync();
        var file = Path.Combine(Path.GetTempPath(), $"app-{Guid.NewGuid():N}.properties");
        await File.WriteAllTextAsync(file, "color=blue\nsize=3\n");
        try
        {
            await f.KubectlOkAsync("-n", ns, "create", "configmap", "app", $"--from-file=app.properties={file}", "--from-literal=mode=dev");
            await f.KubectlOkAsync("-n", ns, "create", "secret", "generic", "db", "--from-literal=user=admin", "--from-literal=password=s3cr3t");
            var list = await f.KubectlOkAsync("-n", ns, "get", "cm,secret");
            Assert.Matches(@"NAME\s+DATA\s+AGE", list.Stdout);
            Assert.Matches(@"configmap/app\s+2\s+", list.Stdout);
            Assert.Matches(@"NAME\s+TYPE\s+DATA\s+AGE", list.Stdout);
            Assert.Matches(@"secret/db\s+Opaque\s+2\s+", list.Stdout);
            var encoded = await f.KubectlOkAsync("-n", ns, "get", "secret", "db", "-o", "jsonpath={.data.password}");
            Assert.Equal("s3cr3t", Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Stdout)));
            var fromFile = await f.KubectlOkAsync("-n", ns, "get", "configmap", "app", "-o", "jsonpath={.data.app\\.properties}");
            Assert.Equal("color=blue\nsize=3\n", fromFile.Stdout);
        }
        finally { File.Delete(file); }
    }
}
