namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>Cluster DNS from inside pods: a StatefulSet's per-pod names through its headless Service, nslookup and wget by name.</summary>
public sealed class DnsEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private const string Manifests = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          clusterIP: None
          selector:
            app: web
          ports:
          - name: http
            port: 80
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: web
        spec:
          serviceName: web
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: nginx
                image: nginx:1.27
                ports:
                - containerPort: 80
        ---

        """ + TestPods.BusyboxClient;

    [Fact]
    public async Task StatefulSet_pods_resolve_through_their_headless_service()
    {
        var ns = await f.NewNamespaceAsync("dns-sts");
        await f.ApplyAsync(ns, Manifests);
        var pods = await f.WaitForPodsAsync(ns, "app=web", 2, EndToEndCluster.IsReady, "web-0 and web-1 ready");
        await f.WaitForRunningAsync(ns, "client");
        var web0 = pods.Single(p => p.Metadata.Name == "web-0").Status.PodIP;
        var fqdn = $"web-0.web.{ns}.svc.cluster.local";

        var full = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "nslookup", fqdn);
        Assert.True(full.ExitCode == 0, full.ToString());
        Assert.Equal($"Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\t{fqdn}\nAddress: {web0}\n\n\n", full.Stdout);

        // busybox nslookup asks a dotted name as given: the short form is NXDOMAIN there…
        var shortName = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "nslookup", "web-0.web");
        Assert.Contains("** server can't find web-0.web: NXDOMAIN", shortName.Stdout);
        // …while wget (libc's resolver: search list, ndots:5) finds it.
        var page = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", "http://web-0.web/");
        Assert.True(page.ExitCode == 0, page.ToString());
        Assert.Contains("Welcome to nginx!", page.Stdout);

        // The headless Service's own name lists every ready pod.
        var all = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "nslookup", $"web.{ns}.svc.cluster.local");
        foreach (var p in pods) Assert.Contains($"Address: {p.Status.PodIP}\n", all.Stdout);

        var missing = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "wget", "-qO-", "http://web-9.web/");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("wget: bad address 'web-9.web'", missing.Stderr);
    }
}
