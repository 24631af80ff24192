using System.Diagnostics;
using k8s.Models;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Network.KubeProxy;

namespace KubeLab.Cli.Commands;

/// <summary>
/// Service dials through the kube-proxy model: a client pod sends <c>GET /hostname</c> to a cluster IP whose 10 endpoints answer
/// in-process, each dial a new connection with its own random endpoint choice (ClusterNetwork.SendAsync → KubeProxyModel.Route).
/// </summary>
internal static class ServiceRoutingBench
{
    public sealed record Result(int Dials, TimeSpan Elapsed, int EndpointsHit)
    {
        public double DialsPerSecond => Dials / Elapsed.TotalSeconds;
    }

    public static async Task<Result> RunAsync(int dials, CancellationToken ct)
    {
        var network = new ClusterNetwork();
        var slice = new V1EndpointSlice
        {
            Metadata = new() { Name = "web-bench", NamespaceProperty = "bench", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "web" } },
            AddressType = "IPv4",
            Ports = [new Discoveryv1EndpointPort { Name = "", Port = 8080, Protocol = "TCP" }],
            Endpoints = [],
        };
        for (var i = 0; i < 10; i++)
        {
            var name = $"web-{i}";
            var sandbox = new PodSandbox("bench", name, Guid.NewGuid().ToString(), name, "k8s-course-worker") { Ip = $"10.244.1.{10 + i}" };
            sandbox.Listen(8080, "web", (_, _) => Task.FromResult(HttpResponseMessageModel.Text(200, name)));
            network.Attach(sandbox);
            slice.Endpoints.Add(new V1Endpoint { Addresses = [sandbox.Ip], NodeName = "k8s-course-worker", Conditions = new V1EndpointConditions { Ready = true } });
        }
        var service = new V1Service
        {
            Metadata = new() { Name = "web", NamespaceProperty = "bench" },
            Spec = new() { Type = "ClusterIP", ClusterIP = "10.96.100.100", Ports = [new V1ServicePort { Port = 80, Protocol = "TCP" }] },
        };
        var node = new V1Node { Metadata = new() { Name = "k8s-course-worker" }, Status = new() { Addresses = [new V1NodeAddress { Type = "InternalIP", Address = "172.18.0.3" }] } };
        var proxy = new KubeProxyModel(() => new ProxyRules([service], [slice], [node]), TimeProvider.System);
        proxy.SyncNow();
        network.Services = proxy;
        var client = new PodSandbox("bench", "client", Guid.NewGuid().ToString(), "client", "k8s-course-worker2") { Ip = "10.244.2.10" };
        network.Attach(client);

        var hit = new HashSet<string>();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < dials; i++)
        {
            var request = HttpRequestMessageModel.Get("/hostname", "10.96.100.100", client.Ip);
            var response = await network.SendAsync(client, "10.96.100.100", 80, request, ct).ConfigureAwait(false);
            hit.Add(response.BodyText);
        }
        sw.Stop();
        return new Result(dials, sw.Elapsed, hit.Count);
    }
}
