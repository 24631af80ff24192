using k8s;
using k8s.Models;
using static KubeLab.Simulator.Tests.Api.Admission.AdmissionObjects;

namespace KubeLab.Simulator.Tests.Api.Admission;

/// <summary>ResourceQuota admission and the resource-quota controller, with kube-apiserver 1.32's messages.</summary>
public class ResourceQuotaAdmissionTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private IKubernetes Client => f.Client;

    private static string Message(k8s.Autorest.HttpOperationException e) => e.StatusBody()["message"]!.ToString();

    private async Task<string> NamespaceWithQuotaAsync(Dictionary<string, string> hard)
    {
        var ns = await f.NewNamespaceAsync("quota");
        await Client.CoreV1.CreateNamespacedResourceQuotaAsync(Quota("compute", hard), ns);
        await ObservedState.Until(() => Client.CoreV1.ReadNamespacedResourceQuotaAsync("compute", ns), q => q.Status?.Used?.Count == hard.Count, "quota counted");
        return ns;
    }

    [Fact]
    public async Task The_controller_copies_hard_and_counts_used()
    {
        var ns = await NamespaceWithQuotaAsync(new() { ["pods"] = "4", ["requests.cpu"] = "2" });
        await Client.CoreV1.CreateNamespacedPodAsync(PodWith("a", Cpu("250m"), Cpu("250m")), ns);
        var q = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedResourceQuotaAsync("compute", ns), q => q.Status.Used["pods"].ToString() == "1", "one pod counted");
        Assert.Equal("2", q.Status.Hard["requests.cpu"].ToString());
        Assert.Equal("250m", q.Status.Used["requests.cpu"].ToString());
    }

    [Fact]
    public async Task A_pod_over_the_cpu_quota_is_refused_with_requested_used_and_limited()
    {
        var ns = await NamespaceWithQuotaAsync(new() { ["requests.cpu"] = "1200m" });
        await Client.CoreV1.CreateNamespacedPodAsync(PodWith("first", Cpu("1")), ns);
        var e = await Objects.Fails(() => Client.CoreV1.CreateNamespacedPodAsync(PodWith("x", Cpu("500m")), ns));
        Assert.Equal(403, (int)e.Response.StatusCode);
        Assert.Equal("pods \"x\" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=1, limited: requests.cpu=1200m", Message(e));
    }

    [Fact]
    public async Task Quota_on_limits_requires_every_container_to_state_them()
    {
        var ns = await NamespaceWithQuotaAsync(new() { ["limits.cpu"] = "2" });
        var e = await Objects.Fails(() => Client.CoreV1.CreateNamespacedPodAsync(PodWith("nolimit", Cpu("100m")), ns));
        Assert.Equal("pods \"nolimit\" is forbidden: failed quota: compute: must specify limits.cpu for: app", Message(e));
    }

    [Fact]
    public async Task Object_counts_refuse_the_next_configmap_and_free_up_on_delete()
    {
        // The namespace may already hold ConfigMaps (kube-root-ca.crt, published into every namespace on kind): count from there.
        var ns = await NamespaceWithQuotaAsync(new() { ["count/configmaps"] = "3" });
        var already = (int)(await Client.CoreV1.ReadNamespacedResourceQuotaAsync("compute", ns)).Status.Used["count/configmaps"].ToDecimal();
        for (var i = already; i < 3; i++) await Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap($"cm-{i}"), ns);
        var e = await Objects.Fails(() => Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("extra"), ns));
        Assert.Equal("configmaps \"extra\" is forbidden: exceeded quota: compute, requested: count/configmaps=1, used: count/configmaps=3, limited: count/configmaps=3", Message(e));
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("cm-2", ns);
        await ObservedState.Until(() => Client.CoreV1.ReadNamespacedResourceQuotaAsync("compute", ns), q => q.Status.Used["count/configmaps"].ToString() == "2", "usage released");
        await Client.CoreV1.CreateNamespacedConfigMapAsync(Objects.ConfigMap("extra"), ns);
    }

    [Fact]
    public async Task Kubectl_get_quota_prints_used_over_hard()
    {
        var ns = await NamespaceWithQuotaAsync(new() { ["pods"] = "3", ["limits.memory"] = "1Gi" });
        var r = await f.KubectlOkAsync("get", "quota", "-n", ns);
        Assert.Matches(@"compute\s+\S+\s+pods: 0/3\s+limits.memory: 0/1Gi", r.Lines[1]);
    }
}
