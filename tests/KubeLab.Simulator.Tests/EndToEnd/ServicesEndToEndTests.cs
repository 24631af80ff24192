using k8s;
using System.Text.Json.Nodes;

namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>
/// Services with the real kubectl and real simulated pods: kubectl create service / expose / get -o wide / describe, and traffic
/// through the kube-proxy model to endpoints listed in a hand-made EndpointSlice (a selectorless Service, a valid Kubernetes
/// pattern that does not need the EndpointSlice controller).
/// </summary>
public sealed class ServicesEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private static string Netexec(string name) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
          labels:
            app: web
        spec:
          containers:
          - name: agnhost
            image: registry.k8s.io/e2e-test-images/agnhost:2.53
            args: ["netexec", "--http-port=8080"]
        ---

        """;

    private const string Client = TestPods.BusyboxClient;

    private static string Slice(string service, IEnumerable<(string Ip, string Node)> endpoints) =>
        new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1", ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = service + "-manual",
                ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = service, ["endpointslice.kubernetes.io/managed-by"] = "kubelab-test" },
            },
            ["addressType"] = "IPv4",
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "", ["port"] = 8080, ["protocol"] = "TCP" }),
            ["endpoints"] = new JsonArray(endpoints.Select(e => (JsonNode)new JsonObject
            {
                ["addresses"] = new JsonArray(e.Ip), ["nodeName"] = e.Node, ["conditions"] = new JsonObject { ["ready"] = true },
            }).ToArray()),
        }.ToJsonString();

    private async Task<string> Wget(string ns, string url)
    {
        string last = "";
        // kube-proxy applies rules at most once a second: retry briefly until the Service answers.
        for (var i = 0; i < 50; i++)
        {
            var r = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", "-T", "3", url);
            if (r.ExitCode == 0) return r.Stdout;
            last = r.ToString();
            await Task.Delay(200);
        }
        Assert.Fail($"wget {url} never answered: {last}");
        return "";
    }

    [Fact]
    public async Task Traffic_to_cluster_ip_node_port_and_load_balancer_reaches_the_endpoints()
    {
        var ns = await f.NewNamespaceAsync("svc-traffic");
        await f.ApplyAsync(ns, Netexec("web-1") + Netexec("web-2") + Netexec("web-3") + Client);
        var pods = new List<(string Ip, string Node)>();
        foreach (var name in new[] { "web-1", "web-2", "web-3" })
        {
            var p = await f.WaitForRunningAsync(ns, name);
            pods.Add((p.Status.PodIP, p.Spec.NodeName));
        }
        var client = await f.WaitForRunningAsync(ns, "client");
        await f.KubectlWithInputAsync("""
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              type: NodePort
              ports:
              - port: 80
                targetPort: 8080
            """, "create", "-n", ns, "-f", "-");
        var created = await f.KubectlWithInputAsync(Slice("web", pods), "create", "-n", ns, "-f", "-");
        Assert.True(created.ExitCode == 0, created.ToString());
        var svc = await f.Client.CoreV1.ReadNamespacedServiceAsync("web", ns);
        var clusterIp = svc.Spec.ClusterIP;
        var nodePort = svc.Spec.Ports[0].NodePort!.Value;

        // By name through cluster DNS; the endpoint sees the client pod's own address.
        Assert.StartsWith("web-", await Wget(ns, "http://web/hostname"));
        Assert.StartsWith(client.Status.PodIP + ":", await Wget(ns, $"http://{clusterIp}/clientip"));

        // agnhost /dial opens a new connection per try: kube-proxy spreads them over all three endpoints.
        var dial = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-",
            $"http://{pods[0].Ip}:8080/dial?request=hostname&host={clusterIp}&port=80&protocol=http&tries=40");
        Assert.True(dial.ExitCode == 0, dial.ToString());
        var responses = JsonNode.Parse(dial.Stdout)!["responses"]!.AsArray().Select(r => r!.GetValue<string>()).ToHashSet();
        Assert.Equal(["web-1", "web-2", "web-3"], responses.Order().ToArray());

        // A node port on any node; policy Cluster masquerades to that node.
        Assert.StartsWith("172.18.0.4:", await Wget(ns, $"http://172.18.0.4:{nodePort}/clientip"));

        // As a LoadBalancer: cloud-provider-kind's address forwards to the workers' node ports.
        await f.KubectlOkAsync("patch", "svc", "web", "-n", ns, "-p", "{\"spec\":{\"type\":\"LoadBalancer\"}}");
        string? lbIp = null;
        await EndToEndCluster.EventuallyAsync(async () =>
            (lbIp = (await f.Client.CoreV1.ReadNamespacedServiceAsync("web", ns)).Status?.LoadBalancer?.Ingress?.FirstOrDefault()?.Ip) is not null,
            () => "the load balancer never got an address");
        Assert.StartsWith("web-", await Wget(ns, $"http://{lbIp}/hostname"));
        var wide = await f.KubectlOkAsync("get", "svc", "web", "-n", ns, "-o", "wide", "--no-headers");
        Assert.Matches($@"^web\s+LoadBalancer\s+{System.Text.RegularExpressions.Regex.Escape(clusterIp)}\s+{System.Text.RegularExpressions.Regex.Escape(lbIp!)}\s+80:{nodePort}/TCP\s+\S+\s+<none>\s*$", wide.Stdout);
    }

    [Fact]
    public async Task A_service_without_endpoints_refuses_connections()
    {
        var ns = await f.NewNamespaceAsync("svc-empty");
        await f.ApplyAsync(ns, Client);
        await f.WaitForRunningAsync(ns, "client");
        await f.KubectlOkAsync("create", "service", "clusterip", "empty", "--tcp=80:8080", "-n", ns);
        var ip = (await f.Client.CoreV1.ReadNamespacedServiceAsync("empty", ns)).Spec.ClusterIP;
        await Task.Delay(300); // > the 1 s min sync period on the 10× clock
        var r = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", "-T", "3", $"http://{ip}/");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"wget: can't connect to remote host ({ip}): Connection refused", r.Stderr);
    }

    [Fact]
    public async Task Internal_traffic_policy_local_without_a_local_endpoint_times_out_on_the_cluster_clock()
    {
        var ns = await f.NewNamespaceAsync("svc-local");
        await f.ApplyAsync(ns, Netexec("web-1").Replace("spec:\n", "spec:\n  nodeName: k8s-course-worker\n") + Client.Replace("spec:\n", "spec:\n  nodeName: k8s-course-worker2\n"));
        var web = await f.WaitForRunningAsync(ns, "web-1");
        await f.WaitForRunningAsync(ns, "client");
        var svc = await f.KubectlWithInputAsync("""
            apiVersion: v1
            kind: Service
            metadata:
              name: local
            spec:
              internalTrafficPolicy: Local
              ports:
              - port: 80
                targetPort: 8080
            """, "create", "-n", ns, "-f", "-");
        Assert.True(svc.ExitCode == 0, svc.ToString());
        Assert.Equal(0, (await f.KubectlWithInputAsync(Slice("local", [(web.Status.PodIP, web.Spec.NodeName)]), "create", "-n", ns, "-f", "-")).ExitCode);
        var ip = (await f.Client.CoreV1.ReadNamespacedServiceAsync("local", ns)).Spec.ClusterIP;
        await Task.Delay(300); // > the 1 s min sync period on the 10× clock

        // The client's node has no endpoint: kube-proxy drops the SYN, and wget gives up after -T seconds of cluster time.
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var r = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", "-T", "5", $"http://{ip}/hostname");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("wget: download timed out", r.Stderr);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"took {sw.Elapsed} of real time for 5 s on a 10x clock");

        // From the endpoint's own node the same address answers.
        var dial = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-",
            $"http://{web.Status.PodIP}:8080/dial?request=hostname&host={ip}&port=80&protocol=http&tries=1");
        Assert.Equal("{\"responses\":[\"web-1\"]}", dial.Stdout.Trim());
    }

    [Fact]
    public async Task Kubectl_create_service_expose_get_wide_and_describe()
    {
        var ns = await f.NewNamespaceAsync("svc-kubectl");
        await f.KubectlOkAsync("create", "service", "clusterip", "web", "--tcp=80:8080", "-n", ns);
        await f.KubectlOkAsync("create", "service", "nodeport", "np", "--tcp=80:8080", "--node-port=30080", "-n", ns);
        await f.KubectlOkAsync("create", "service", "loadbalancer", "lb", "--tcp=80:8080", "-n", ns);
        await f.KubectlOkAsync("create", "service", "externalname", "db", "--external-name=db.example.com", "-n", ns);
        var deploy = await f.ExecAsync(null, "create", "deployment", "app", "--image=registry.k8s.io/e2e-test-images/agnhost:2.53", "-n", ns, "--", "/agnhost", "netexec", "--http-port=8080");
        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        await f.KubectlOkAsync("expose", "deployment", "app", "--port=80", "--target-port=8080", "--type=NodePort", "-n", ns);

        var taken = await f.KubectlAsync("create", "service", "nodeport", "np2", "--tcp=80:8080", "--node-port=30080", "-n", ns);
        Assert.Contains("spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated", taken.Stderr);

        await EndToEndCluster.EventuallyAsync(async () => (await f.KubectlOkAsync("get", "svc", "lb", "-n", ns, "--no-headers")).Stdout.Contains("172.18.0."),
            () => "lb never got an EXTERNAL-IP");
        var table = await f.KubectlOkAsync("get", "svc", "-n", ns, "-o", "wide");
        var lines = table.Lines;
        Assert.Matches(@"^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR$", lines[0]);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^app\s+NodePort\s+10\.96\.\d+\.\d+\s+<none>\s+80:3\d{4}/TCP\s+\S+\s+app=app$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^db\s+ExternalName\s+<none>\s+db\.example\.com\s+<none>\s+\S+\s+app=db$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^lb\s+LoadBalancer\s+10\.96\.\d+\.\d+\s+172\.18\.0\.\d+\s+80:3\d{4}/TCP\s+\S+\s+app=lb$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^np\s+NodePort\s+10\.96\.\d+\.\d+\s+<none>\s+80:30080/TCP\s+\S+\s+app=np$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80/TCP\s+\S+\s+app=web$"));

        var describe = await f.KubectlOkAsync("describe", "svc", "np", "-n", ns);
        Assert.Matches(@"Type:\s+NodePort", describe.Stdout);
        Assert.Matches(@"NodePort:\s+80-8080\s+30080/TCP", describe.Stdout);
        Assert.Matches(@"External Traffic Policy:\s+Cluster", describe.Stdout);
        var describeLb = await f.KubectlOkAsync("describe", "svc", "lb", "-n", ns);
        Assert.Matches(@"LoadBalancer Ingress:\s+172\.18\.0\.\d+ \(Proxy\)", describeLb.Stdout);
        Assert.Contains("EnsuredLoadBalancer", describeLb.Stdout);
    }

    /// <summary>The issue's kubectl path: create, expose, `kubectl run` a client, then wget the Service by its short name.</summary>
    [Fact]
    public async Task Kubectl_run_a_client_and_wget_an_exposed_deployment_by_name()
    {
        var ns = await f.NewNamespaceAsync("svc-run");
        await f.KubectlOkAsync("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "-n", ns);
        await f.KubectlOkAsync("expose", "deployment", "web", "--port=80", "-n", ns);
        var run = await f.ExecAsync(null, "run", "client", "--image=busybox:1.36", "-n", ns, "--", "sleep", "3600");
        Assert.True(run.ExitCode == 0, run.ToString());
        await f.KubectlOkAsync("wait", "--for=condition=Ready", "pod/client", "--timeout=60s", "-n", ns);

        Assert.Contains("Welcome to nginx!", await Wget(ns, "http://web"));
        Assert.Contains("Welcome to nginx!", await Wget(ns, $"http://web.{ns}.svc.cluster.local"));

        // One table for the three kinds, with kind's columns (-o wide): the Service, its Endpoints and its EndpointSlice.
        await EndToEndCluster.EventuallyAsync(async () => (await f.KubectlOkAsync("get", "endpoints", "web", "-n", ns, "--no-headers")).Stdout.Contains(":80,"),
            () => "the Endpoints of web never listed both pods");
        var all = (await f.KubectlOkAsync("get", "svc,endpoints,endpointslices", "-n", ns, "-o", "wide")).Stdout;
        Assert.Matches(@"service/web\s+ClusterIP\s+10\.96\.\d+\.\d+\s+<none>\s+80/TCP\s+\S+\s+app=web", all);
        Assert.Matches(@"endpoints/web\s+10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80", all);
        Assert.Matches(@"endpointslice\.discovery\.k8s\.io/web-[a-z0-9]{5}\s+IPv4\s+80\s+10\.244\.\d+\.\d+,10\.244\.\d+\.\d+", all);
    }
}
