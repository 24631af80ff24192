using System.Text;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Kubelet.Environment;

namespace KubeLab.Simulator.Tests.Kubelet.Environment;

/// <summary>A container's environment resolved against a running simulated cluster.</summary>
public class ContainerEnvironmentTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private IKubernetes Client => f.Client;

    private static V1Pod Pod(string ns, V1Container c, bool? serviceLinks = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = ns, Uid = "uid-1", Labels = new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new V1PodSpec { NodeName = "k8s-course-worker", ServiceAccountName = "default", EnableServiceLinks = serviceLinks, Containers = [c] },
    };

    private Task<Dictionary<string, string>> Resolve(V1Pod pod) =>
        ContainerEnvironment.ResolveAsync(pod, pod.Spec.Containers[0], "10.244.1.5", "172.18.0.3", Client, CancellationToken.None);

    [Fact]
    public async Task EnvFrom_env_expansion_and_references()
    {
        var ns = await f.NewNamespaceAsync("env");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "cfg" }, Data = new Dictionary<string, string> { ["MODE"] = "prod", ["app.properties"] = "x=1" },
        }, ns);
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "creds" }, Data = new Dictionary<string, byte[]> { ["password"] = Encoding.UTF8.GetBytes("s3cr3t") },
        }, ns);
        var c = new V1Container
        {
            Name = "app",
            Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi") } },
            EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = "cfg" } }, new V1EnvFromSource { Prefix = "DB_", SecretRef = new V1SecretEnvSource { Name = "creds" } }],
            Env =
            [
                new V1EnvVar { Name = "GREETING", Value = "mode=$(MODE) pw=$(DB_password) lit=$$(MODE) none=$(NOPE)" },
                new V1EnvVar { Name = "MODE", Value = "dev" },
                new V1EnvVar { Name = "POD", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
                new V1EnvVar { Name = "APP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.labels['app']" } } },
                new V1EnvVar { Name = "IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
                new V1EnvVar { Name = "HOST_IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.hostIP" } } },
                new V1EnvVar { Name = "NODE", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "spec.nodeName" } } },
                new V1EnvVar { Name = "MEM_MI", ValueFrom = new V1EnvVarSource { ResourceFieldRef = new V1ResourceFieldSelector { Resource = "limits.memory", Divisor = new ResourceQuantity("1Mi") } } },
                new V1EnvVar { Name = "PASS", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "creds", Key = "password" } } },
                new V1EnvVar { Name = "OPT", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "cfg", Key = "nope", Optional = true } } },
            ],
        };
        var env = await Resolve(Pod(ns, c));
        Assert.Equal("mode=prod pw=s3cr3t lit=$(MODE) none=$(NOPE)", env["GREETING"]);
        Assert.Equal("dev", env["MODE"]);
        Assert.Equal("x=1", env["app.properties"]); // 1.32 takes every key (relaxed env var names)
        Assert.Equal("s3cr3t", env["DB_password"]);
        Assert.Equal(("web", "web", "10.244.1.5", "172.18.0.3", "k8s-course-worker"), (env["POD"], env["APP"], env["IP"], env["HOST_IP"], env["NODE"]));
        Assert.Equal("64", env["MEM_MI"]);
        Assert.Equal("s3cr3t", env["PASS"]);
        Assert.False(env.ContainsKey("OPT"));
        Assert.Equal("web", env["HOSTNAME"]);
        Assert.Equal("10.96.0.1", env["KUBERNETES_SERVICE_HOST"]);
        Assert.Equal("443", env["KUBERNETES_SERVICE_PORT"]);
        Assert.Equal("tcp://10.96.0.1:443", env["KUBERNETES_PORT"]);
        Assert.Equal("10.96.0.1", env["KUBERNETES_PORT_443_TCP_ADDR"]);
    }

    [Fact]
    public async Task Service_links_of_the_namespace_unless_disabled()
    {
        var ns = await f.NewNamespaceAsync("links");
        var svc = await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "my-db" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "db" }, Ports = [new V1ServicePort { Name = "pg", Port = 5432 }] },
        }, ns);
        var ip = svc.Spec.ClusterIP;
        var env = await Resolve(Pod(ns, new V1Container { Name = "app" }));
        Assert.Equal(ip, env["MY_DB_SERVICE_HOST"]);
        Assert.Equal("5432", env["MY_DB_SERVICE_PORT"]);
        Assert.Equal("5432", env["MY_DB_SERVICE_PORT_PG"]);
        Assert.Equal($"tcp://{ip}:5432", env["MY_DB_PORT_5432_TCP"]);
        Assert.Equal("tcp", env["MY_DB_PORT_5432_TCP_PROTO"]);
        var without = await Resolve(Pod(ns, new V1Container { Name = "app" }, serviceLinks: false));
        Assert.False(without.ContainsKey("MY_DB_SERVICE_HOST"));
        Assert.True(without.ContainsKey("KUBERNETES_SERVICE_HOST"));
    }

    [Theory]
    [InlineData("cm-missing", "configmap \"absent\" not found")]
    [InlineData("cm-key", "couldn't find key nope in ConfigMap {ns}/cfg")]
    [InlineData("secret-missing", "secret \"absent\" not found")]
    [InlineData("secret-key", "couldn't find key nope in Secret {ns}/creds")]
    [InlineData("envfrom-missing", "configmap \"absent\" not found")]
    public async Task Missing_references_are_container_config_errors(string kind, string message)
    {
        var ns = await f.NewNamespaceAsync("cfgerr");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cfg" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, ns);
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "creds" }, Data = new Dictionary<string, byte[]> { ["a"] = [0x31] } }, ns);
        var c = new V1Container { Name = "app" };
        V1EnvVar Ref(V1EnvVarSource s) => new() { Name = "X", ValueFrom = s };
        switch (kind)
        {
            case "cm-missing": c.Env = [Ref(new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "absent", Key = "a" } })]; break;
            case "cm-key": c.Env = [Ref(new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "cfg", Key = "nope" } })]; break;
            case "secret-missing": c.Env = [Ref(new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "absent", Key = "a" } })]; break;
            case "secret-key": c.Env = [Ref(new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "creds", Key = "nope" } })]; break;
            default: c.EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = "absent" } }]; break;
        }
        var e = await Assert.ThrowsAsync<ContainerConfigException>(() => Resolve(Pod(ns, c)));
        Assert.Equal(message.Replace("{ns}", ns), e.Message);
    }
}
