using System.Text.RegularExpressions;
using KubeLab.Simulator.Tests.EndToEnd;

namespace KubeLab.Simulator.Tests.Api.Seed;

/// <summary>kind's kube-system: the CoreDNS Deployment (2 ready pods behind kube-dns), its probes and the modelled image.</summary>
public sealed class CoreDnsAddonTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    [Fact]
    public async Task Coredns_runs_two_ready_pods_in_kube_system()
    {
        var pods = await f.WaitForPodsAsync("kube-system", "k8s-app=kube-dns", 2, EndToEndCluster.IsReady, "Ready");
        Assert.All(pods, p => Assert.Matches("^coredns-[a-z0-9]+-[a-z0-9]{5}$", p.Metadata.Name));
        Assert.All(pods, p => Assert.Equal("registry.k8s.io/coredns/coredns:v1.11.3", p.Spec.Containers[0].Image));

        // kind's node image already holds the CoreDNS image: the pods start without a pull, as on a fresh kind cluster.
        var events = await f.KubectlOkAsync("get", "events", "-n", "kube-system", "--field-selector", $"involvedObject.name={pods[0].Metadata.Name}");
        Assert.DoesNotContain("Pulling", events.Stdout);
        Assert.Contains("already present on machine", events.Stdout);

        var deploy = await f.KubectlOkAsync("get", "deployment", "coredns", "-n", "kube-system", "--no-headers");
        Assert.Matches(@"^coredns\s+2/2\s+2\s+2\s+", deploy.Stdout);

        // The pod serves the probes' endpoints and logs CoreDNS's start lines.
        var name = pods[0].Metadata.Name;
        var health = await f.KubectlOkAsync("get", "--raw", $"/api/v1/namespaces/kube-system/pods/{name}:8080/proxy/health");
        Assert.Equal("OK", health.Stdout.Trim());
        var logs = await f.KubectlOkAsync("logs", name, "-n", "kube-system");
        Assert.Contains("CoreDNS-1.11.3", logs.Stdout);
        Assert.StartsWith(".:53\n", logs.Stdout);
        Assert.Matches(new Regex(@"^\[INFO\] plugin/reload: Running configuration SHA512 = [0-9a-f]{128}$", RegexOptions.Multiline), logs.Stdout);
    }
}
