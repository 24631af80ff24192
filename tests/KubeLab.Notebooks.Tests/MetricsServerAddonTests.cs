using KubeLab.Runner;

namespace KubeLab.Notebooks.Tests;

/// <summary>How `kubelab up` installs metrics-server on kind (no Docker here, so the kubectl commands are checked as data).</summary>
public sealed class MetricsServerAddonTests
{
    private const string Config = "/home/u/.kube/config";

    [Fact]
    public void AppliesThePinnedUpstreamReleaseByUrl()
    {
        Assert.Equal("v0.7.2", MetricsServerAddon.Version);
        Assert.Equal(["apply", "-f", "https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.7.2/components.yaml",
                      "--kubeconfig", Config, "--context", "kind-k8s-course"],
            MetricsServerAddon.ApplyArgs(Config, KindCluster.ContextName));
    }

    [Fact]
    public void AddsInsecureTlsWithAJsonPatch_OnlyWhenMissing()
    {
        var args = MetricsServerAddon.PatchArgs(Config, "kind-k8s-course");
        Assert.Equal(["-n", "kube-system", "patch", "deployment", "metrics-server", "--type=json", "-p"], args[..7]);
        var patch = System.Text.Json.Nodes.JsonNode.Parse(args[7])!.AsArray().Single()!;
        Assert.Equal("add", patch["op"]!.ToString());
        Assert.Equal("/spec/template/spec/containers/0/args/-", patch["path"]!.ToString());
        Assert.Equal("--kubelet-insecure-tls", patch["value"]!.ToString());

        Assert.True(MetricsServerAddon.NeedsPatch("""["--cert-dir=/tmp","--secure-port=10250","--metric-resolution=15s"]"""));
        Assert.False(MetricsServerAddon.NeedsPatch("""["--cert-dir=/tmp","--metric-resolution=15s","--kubelet-insecure-tls"]"""));
    }

    [Fact]
    public void WaitsForTheRolloutAndForKubectlTop()
    {
        Assert.Equal(["-n", "kube-system", "rollout", "status", "deployment/metrics-server", "--timeout=180s", "--kubeconfig", Config, "--context", "c"],
            MetricsServerAddon.RolloutStatusArgs(Config, "c"));
        Assert.Equal(["top", "nodes", "--kubeconfig", Config, "--context", "c"], MetricsServerAddon.TopNodesArgs(Config, "c"));
    }
}
