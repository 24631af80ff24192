using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Network.HostPorts;

namespace KubeLab.Simulator.Tests.Network.HostPorts;

/// <summary>kind's extraPortMappings: a real host port reaching a NodePort Service through the control-plane node.</summary>
public sealed class HostPortForwarderTests
{
    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [Fact]
    public async Task Curl_on_the_host_port_reaches_an_endpoint_of_the_node_port_service()
    {
        var hostPort = FreePort();
        await using var cluster = await SimulatedCluster.StartAsync(new SimulatorOptions { HostPortMappings = [new HostPortMapping(hostPort, 30080)] });
        // A stand-in pod on a worker answering with the client address it sees.
        var sandbox = new PodSandbox("default", "web-1", Guid.NewGuid().ToString(), "web-1", "k8s-course-worker") { Ip = "10.244.1.200" };
        sandbox.Listen(8080, "web", (req, _) => Task.FromResult(HttpResponseMessageModel.Text(200, $"hello from web-1, you are {req.RemoteIp}\n")));
        cluster.DataPlane.Network.Attach(sandbox);

        Assert.True(CanBind(hostPort), "the host port is not held while no Service uses node port 30080");
        using var http = cluster.CreateHttpClient();
        async Task Post(string path, string json)
        {
            using var r = await http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }
        await Post("/api/v1/namespaces/default/services", """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
             "spec":{"type":"NodePort","ports":[{"port":80,"targetPort":8080,"nodePort":30080}]}}
            """);
        await Post("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", """
            {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
             "metadata":{"name":"web-manual","labels":{"kubernetes.io/service-name":"web","endpointslice.kubernetes.io/managed-by":"test"}},
             "addressType":"IPv4","ports":[{"name":"","port":8080,"protocol":"TCP"}],
             "endpoints":[{"addresses":["10.244.1.200"],"nodeName":"k8s-course-worker","conditions":{"ready":true}}]}
            """);

        using var host = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        string? body = null;
        for (var i = 0; i < 100 && body is null; i++)
        {
            try { body = await host.GetStringAsync($"http://127.0.0.1:{hostPort}/"); }
            catch (HttpRequestException) { await Task.Delay(100); } // kube-proxy has not synced yet: connection reset
        }
        // Policy Cluster: the source is masqueraded to the control-plane node that received the traffic.
        Assert.Equal("hello from web-1, you are 172.18.0.2\n", body);

        // Deleting the Service gives the host port back (kube-proxy syncs, the forwarder polls).
        using (var r = await http.DeleteAsync("/api/v1/namespaces/default/services/web")) Assert.True(r.IsSuccessStatusCode);
        var freed = false;
        for (var i = 0; i < 100 && !freed; i++) { freed = CanBind(hostPort); if (!freed) await Task.Delay(100); }
        Assert.True(freed, "the host port is released once no Service uses node port 30080");
    }

    private static bool CanBind(int port)
    {
        var l = new TcpListener(IPAddress.Loopback, port);
        try { l.Start(); return true; }
        catch (SocketException) { return false; }
        finally { l.Stop(); }
    }

    /// <summary>kube-proxy's rules as the forwarder polls them: node port 30080 is held once <see cref="Holding"/> is set.</summary>
    private sealed class NodePortRules : KubeLab.Simulator.Network.KubeProxy.IServiceRouter
    {
        public volatile bool Holding;
        public KubeLab.Simulator.Network.KubeProxy.RouteDecision Route(string clientIp, string clientNode, string dstIp, int dstPort) =>
            KubeLab.Simulator.Network.KubeProxy.RouteDecision.Refuse;
        public bool ServesNodePort(int nodePort) => Holding && nodePort == 30080;
    }

    [Fact]
    public async Task A_taken_host_port_is_left_alone_until_a_Service_wants_it_then_reported_in_one_line()
    {
        var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        try
        {
            var port = ((IPEndPoint)blocker.LocalEndpoint).Port;
            var log = new StringWriter();
            var rules = new NodePortRules();
            await using var forwarder = HostPortForwarder.Start([new HostPortMapping(port, 30080)], new ClusterNetwork { Services = rules },
                TimeProvider.System, log);
            // No Service uses the node port: the host port is not even tried (another simulator may be serving it).
            await Task.Delay(600);
            Assert.Equal("", log.ToString());

            rules.Holding = true;
            for (var i = 0; i < 100 && log.ToString().Length == 0; i++) await Task.Delay(50);
            await Task.Delay(600); // a few more polls: still one line
            Assert.Empty(forwarder.Listening);
            var line = Assert.Single(log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"cannot listen on 127.0.0.1:{port}", line);
            Assert.Contains("NodePort 30080", line);
        }
        finally { blocker.Stop(); }
    }
}
