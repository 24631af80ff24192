using System.Diagnostics;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.CloudProvider.Kind;

/// <summary>cloud-provider-kind's service controller: an address on the kind network, ipMode Proxy, events, finalizer, release.</summary>
public sealed class KindLoadBalancerControllerTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    internal static V1Service LoadBalancer(string name) => new()
    {
        Metadata = new() { Name = name },
        Spec = new() { Type = "LoadBalancer", Selector = new Dictionary<string, string> { ["app"] = name }, Ports = [new V1ServicePort { Port = 80, TargetPort = 8080 }] },
    };

    internal static async Task<V1Service> WaitAsync(IKubernetes client, string ns, string name, Func<V1Service?, bool> done, string what)
    {
        var sw = Stopwatch.StartNew();
        V1Service? svc = null;
        while (sw.Elapsed < TimeSpan.FromSeconds(30))
        {
            try { svc = await client.CoreV1.ReadNamespacedServiceAsync(name, ns); }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { svc = null; }
            if (done(svc)) return svc!;
            await Task.Delay(50);
        }
        Assert.Fail($"service {ns}/{name} never {what}: {KubernetesJson.Serialize(svc)}");
        return null!;
    }

    [Fact]
    public async Task A_load_balancer_gets_an_address_after_the_nodes_and_gives_it_back()
    {
        var ns = await f.NewNamespaceAsync("lb");
        await f.Client.CoreV1.CreateNamespacedServiceAsync(LoadBalancer("web"), ns);
        var svc = await WaitAsync(f.Client, ns, "web", s => s?.Status?.LoadBalancer?.Ingress?.Count > 0, "got an address");
        var ingress = svc.Status.LoadBalancer.Ingress[0];
        Assert.StartsWith("172.18.0.", ingress.Ip);
        Assert.True(int.Parse(ingress.Ip.Split('.')[3]) >= 5, ingress.Ip); // nodes hold .2–.4
        Assert.Equal("Proxy", ingress.IpMode);
        Assert.Equal(80, Assert.Single(ingress.Ports).Port);
        Assert.Contains("service.kubernetes.io/load-balancer-cleanup", svc.Metadata.Finalizers);

        var row = await f.KubectlOkAsync("get", "svc", "web", "-n", ns, "--no-headers");
        Assert.Contains(ingress.Ip, row.Stdout);
        Assert.Contains($"80:{svc.Spec.Ports[0].NodePort}/TCP", row.Stdout);

        // Another load balancer gets another address.
        await f.Client.CoreV1.CreateNamespacedServiceAsync(LoadBalancer("api"), ns);
        var api = await WaitAsync(f.Client, ns, "api", s => s?.Status?.LoadBalancer?.Ingress?.Count > 0, "got an address");
        Assert.NotEqual(ingress.Ip, api.Status.LoadBalancer.Ingress[0].Ip);

        var events = (await f.Client.CoreV1.ListNamespacedEventAsync(ns)).Items.Where(e => e.InvolvedObject.Name == "web").Select(e => $"{e.Reason}: {e.Message}").ToList();
        Assert.Contains("EnsuringLoadBalancer: Ensuring load balancer", events);
        Assert.Contains("EnsuredLoadBalancer: Ensured load balancer", events);

        // Back to ClusterIP: the status and the finalizer go; deleting then removes the Service at once.
        var patch = new V1Patch("{\"spec\":{\"type\":\"ClusterIP\"}}", V1Patch.PatchType.MergePatch);
        await f.Client.CoreV1.PatchNamespacedServiceAsync(patch, "web", ns);
        await WaitAsync(f.Client, ns, "web", s => s is not null && s.Status?.LoadBalancer?.Ingress is null or { Count: 0 } && s?.Metadata.Finalizers is null or { Count: 0 }, "released its load balancer");
        await f.Client.CoreV1.DeleteNamespacedServiceAsync("api", ns);
        await WaitAsync(f.Client, ns, "api", s => s is null, "went away");
        // Both addresses are free again: a new load balancer gets the lowest.
        await f.Client.CoreV1.CreateNamespacedServiceAsync(LoadBalancer("again"), ns);
        var again = await WaitAsync(f.Client, ns, "again", s => s?.Status?.LoadBalancer?.Ingress?.Count > 0, "got an address");
        Assert.Equal(new[] { ingress.Ip, api.Status.LoadBalancer.Ingress[0].Ip }.Min(), again.Status.LoadBalancer.Ingress[0].Ip);
    }
}

/// <summary>Without cloud-provider-kind (SimulatorOptions.LoadBalancers = false) the address stays pending, as on plain kind.</summary>
public sealed class KindWithoutLoadBalancersTests(KindWithoutLoadBalancersTests.Fixture f) : IClassFixture<KindWithoutLoadBalancersTests.Fixture>
{
    public sealed class Fixture : ClusterFixture
    {
        protected override SimulatorOptions Options => new() { LoadBalancers = false };
    }

    [Fact]
    public async Task External_ip_stays_pending()
    {
        await f.Client.CoreV1.CreateNamespacedServiceAsync(KindLoadBalancerControllerTests.LoadBalancer("web"), "default");
        await Task.Delay(1000);
        var svc = await f.Client.CoreV1.ReadNamespacedServiceAsync("web", "default");
        Assert.True(svc.Status?.LoadBalancer?.Ingress is null or { Count: 0 });
        var row = await f.KubectlOkAsync("get", "svc", "web", "--no-headers");
        Assert.Matches(@"^web\s+LoadBalancer\s+10\.96\.\d+\.\d+\s+<pending>\s+80:3\d{4}/TCP\s+", row.Stdout);

        // printers' getServiceExternalIP: externalIPs are shown instead of <pending>.
        var withIp = KindLoadBalancerControllerTests.LoadBalancer("ext");
        withIp.Spec.ExternalIPs = ["198.51.100.7"];
        await f.Client.CoreV1.CreateNamespacedServiceAsync(withIp, "default");
        Assert.Matches(@"^ext\s+LoadBalancer\s+\S+\s+198\.51\.100\.7\s+", (await f.KubectlOkAsync("get", "svc", "ext", "--no-headers")).Stdout);
    }
}
