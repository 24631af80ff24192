namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>The pod proxy (<c>kubectl get --raw …/proxy/…</c>) and pod-to-pod traffic between real simulated pods.</summary>
public sealed class NetworkEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private const string Netexec = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: netexec
        spec:
          containers:
          - name: agnhost
            image: registry.k8s.io/e2e-test-images/agnhost:2.53
            args: ["netexec", "--http-port=8080"]
            ports:
            - containerPort: 8080
        ---

        """ + TestPods.BusyboxClient;

    [Fact]
    public async Task Agnhost_netexec_through_the_pod_proxy_and_from_another_pod()
    {
        var ns = await f.NewNamespaceAsync("net-agnhost");
        await f.ApplyAsync(ns, Netexec);
        var server = await f.WaitForRunningAsync(ns, "netexec");
        await f.WaitForRunningAsync(ns, "client");
        var ip = server.Status.PodIP;
        Assert.False(string.IsNullOrEmpty(ip));

        var hostname = await f.KubectlOkAsync("get", "--raw", $"/api/v1/namespaces/{ns}/pods/netexec:8080/proxy/hostname");
        Assert.Equal("netexec", hostname.Stdout.Trim());

        var echo = await f.KubectlOkAsync("get", "--raw", $"/api/v1/namespaces/{ns}/pods/netexec:8080/proxy/echo?msg=hi");
        Assert.Equal("hi", echo.Stdout.Trim());

        var fromPod = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", $"http://{ip}:8080/hostname");
        Assert.True(fromPod.ExitCode == 0, fromPod.ToString());
        Assert.Equal("netexec", fromPod.Stdout);

        // Port 9999 of the same pod: nothing listens, the kernel answers RST.
        var refused = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", $"http://{ip}:9999/");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("", refused.Stdout);
        Assert.Equal($"wget: can't connect to remote host ({ip}): Connection refused\ncommand terminated with exit code 1", refused.Stderr.Trim());
    }

    [Fact]
    public async Task Nginx_welcome_page_through_the_pod_proxy()
    {
        var ns = await f.NewNamespaceAsync("net-nginx");
        await f.RunNginxAsync(ns, "web");
        var r = await f.KubectlOkAsync("get", "--raw", $"/api/v1/namespaces/{ns}/pods/web:80/proxy/");
        Assert.Contains("<title>Welcome to nginx!</title>", r.Stdout);
        Assert.Contains("<h1>Welcome to nginx!</h1>", r.Stdout);
    }
}
