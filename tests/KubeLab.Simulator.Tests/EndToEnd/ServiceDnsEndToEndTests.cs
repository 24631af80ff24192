using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>CoreDNS answers read from EndpointSlices, asked with busybox nslookup from a pod: SRV, ExternalName CNAMEs, hand-made slices.</summary>
public sealed class ServiceDnsEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private static string Manifests(string ns) => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          clusterIP: None
          selector: {"{"}app: web{"}"}
          ports:
          - name: http
            port: 8080
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: alias
        spec:
          type: ExternalName
          externalName: web.{ns}.svc.cluster.local
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: outside
        spec:
          type: ExternalName
          externalName: db.example.com
        ---
        {TestPods.SelectorlessDb}
        ---
        {string.Join("---\n", new[] { "web-a", "web-b" }.Select(n => $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {n}
              labels: {"{"}app: web{"}"}
            spec:
              containers:
              - name: agnhost
                image: registry.k8s.io/e2e-test-images/agnhost:2.53
                args: ["netexec", "--http-port=8080"]

            """))}
        ---

        """ + TestPods.BusyboxClient;

    [Fact]
    public async Task Nslookup_sees_srv_records_cnames_and_hand_made_slices()
    {
        var ns = await f.NewNamespaceAsync("svc-dns");
        await f.ApplyAsync(ns, Manifests(ns));
        await f.WaitForRunningAsync(ns, "client");
        var slices = await ObservedState.Until(async () => (await f.Client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, labelSelector: "kubernetes.io/service-name=web")).Items,
            s => s.SelectMany(x => x.Endpoints ?? []).Count(e => e.Conditions?.Ready == true) == 2, "2 ready endpoints of web", 90);
        var ips = slices.SelectMany(s => s.Endpoints).Select(e => e.Addresses[0]).ToList();

        var srv = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "nslookup", "-type=srv", $"_http._tcp.web.{ns}.svc.cluster.local");
        Assert.True(srv.ExitCode == 0, srv.ToString());
        foreach (var ip in ips)
            Assert.Contains($"_http._tcp.web.{ns}.svc.cluster.local\tservice = 0 50 8080 {ip.Replace('.', '-')}.web.{ns}.svc.cluster.local\n", srv.Stdout);

        var alias = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "nslookup", $"alias.{ns}.svc.cluster.local");
        Assert.True(alias.ExitCode == 0, alias.ToString());
        Assert.Contains($"alias.{ns}.svc.cluster.local\tcanonical name = web.{ns}.svc.cluster.local\n", alias.Stdout);
        foreach (var ip in ips) Assert.Contains($"Address: {ip}\n", alias.Stdout);

        var outside = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "nslookup", $"outside.{ns}.svc.cluster.local");
        Assert.Equal(1, outside.ExitCode);
        Assert.Contains($"** server can't find outside.{ns}.svc.cluster.local: NXDOMAIN", outside.Stdout);

        var db = await f.ExecAsync(null, "exec", "client", "-n", ns, "--", "nslookup", $"db.{ns}.svc.cluster.local");
        Assert.True(db.ExitCode == 0, db.ToString());
        Assert.Contains("Address: 192.168.10.5\n", db.Stdout);
    }
}
