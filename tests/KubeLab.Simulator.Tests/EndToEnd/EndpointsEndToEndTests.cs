using k8s;
using System.Text.Json.Nodes;
using k8s.Models;

namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary>
/// The endpointslice- and endpoints-controllers against real simulated pods, read back with the real kubectl 1.32
/// (get -o wide, describe), the API server's service proxy reading Endpoints, and the API server's own default/kubernetes.
/// </summary>
public sealed class EndpointsEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private static string Pods(params string[] names) => string.Join("---\n", names.Select(n => $"""
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
            ports:
            - name: http
              containerPort: 8080

        """));

    private static string Service(string name) => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
          labels: {"{"}team: course{"}"}
        spec:
          selector: {"{"}app: web{"}"}
          ports:
          - name: http
            port: 80
            targetPort: http

        """;

    private async Task<List<V1EndpointSlice>> SlicesAsync(string ns, string service) =>
        (await f.Client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, labelSelector: $"kubernetes.io/service-name={service}")).Items.ToList();

    private Task<List<V1EndpointSlice>> ReadySlicesAsync(string ns, string service, int ready) =>
        ObservedState.Until(() => SlicesAsync(ns, service),
            s => s.SelectMany(x => x.Endpoints ?? []).Count(e => e.Conditions?.Ready == true) == ready && s.SelectMany(x => x.Endpoints ?? []).Count() == ready,
            $"{ready} ready endpoints of {service}", 90, s => string.Join(" | ", s.Select(x => k8s.KubernetesJson.Serialize(x.Endpoints))));

    [Fact]
    public async Task Slices_and_endpoints_list_ready_pods_kubectl_prints_them_and_the_proxy_spreads_at_random()
    {
        var ns = await f.NewNamespaceAsync("eps");
        await f.ApplyAsync(ns, Pods("web-a", "web-b") + "---\n" + Service("web"));
        var slice = Assert.Single(await ReadySlicesAsync(ns, "web", 2));
        Assert.StartsWith("web-", slice.Metadata.Name);
        Assert.Equal(9, slice.Metadata.Name.Length); // generateName: 5 random characters
        Assert.Equal("endpointslice-controller.k8s.io", slice.Metadata.Labels["endpointslice.kubernetes.io/managed-by"]);
        Assert.Equal("course", slice.Metadata.Labels["team"]);
        Assert.True(slice.Metadata.Annotations.ContainsKey("endpoints.kubernetes.io/last-change-trigger-time"));
        Assert.Equal(("Service", "web"), (slice.Metadata.OwnerReferences[0].Kind, slice.Metadata.OwnerReferences[0].Name));
        Assert.Equal(8080, Assert.Single(slice.Ports).Port);
        var ips = slice.Endpoints.Select(e => e.Addresses[0]).Order(StringComparer.Ordinal).ToList();

        var endpoints = await ObservedState.Until(async () => (await f.KubectlAsync("get", "endpoints", "web", "-n", ns)).Stdout,
            o => ips.All(ip => o.Contains($"{ip}:8080")), "Endpoints web with both pods", 60, o => o);
        Assert.StartsWith("NAME", endpoints);

        var wide = await f.KubectlOkAsync("get", "endpoints,endpointslices", "-n", ns, "-o", "wide");
        Assert.Contains("ADDRESSTYPE", wide.Stdout);
        Assert.Matches($@"{slice.Metadata.Name}\s+IPv4\s+8080\s+{string.Join(",", slice.Endpoints.Select(e => e.Addresses[0]))}\s", wide.Stdout);
        var describeSlice = await f.KubectlOkAsync("describe", "endpointslice", slice.Metadata.Name, "-n", ns);
        Assert.Contains("AddressType:  IPv4", describeSlice.Stdout);
        Assert.Contains(ips[0], describeSlice.Stdout);
        var describeSvc = await f.KubectlOkAsync("describe", "svc", "web", "-n", ns);
        Assert.Matches(@"Endpoints:\s+10\.244\.\d+\.\d+:8080,10\.244\.\d+\.\d+:8080", describeSvc.Stdout);

        // services/web:http/proxy picks a random address of the Endpoints object: over 30 requests both pods answer.
        var seen = new HashSet<string>();
        for (var i = 0; i < 30; i++)
        {
            using var resp = await f.Http.GetAsync($"/api/v1/namespaces/{ns}/services/web:http/proxy/hostname");
            Assert.True(resp.IsSuccessStatusCode, $"{(int)resp.StatusCode}");
            seen.Add(await resp.Content.ReadAsStringAsync());
        }
        Assert.Equal(["web-a", "web-b"], seen.Order());

        // A deleted pod leaves the slice (its endpoint is terminating first, then gone).
        await f.Client.CoreV1.DeleteNamespacedPodAsync("web-b", ns, new V1DeleteOptions { GracePeriodSeconds = 0 });
        var after = Assert.Single(await ReadySlicesAsync(ns, "web", 1));
        Assert.Equal(slice.Metadata.Name, after.Metadata.Name); // the same slice is updated

        // Deleting the Service: the endpoints controller deletes the Endpoints, garbage collection the owned slices.
        await f.Client.CoreV1.DeleteNamespacedServiceAsync("web", ns);
        await ObservedState.Until(async () => (await SlicesAsync(ns, "web")).Count + (await f.Client.CoreV1.ListNamespacedEndpointsAsync(ns)).Items.Count,
            n => n == 0, "slices and Endpoints of web gone", 60);
    }

    [Fact]
    public async Task A_selectorless_service_keeps_its_hand_made_slice_and_removing_a_selector_leaves_the_slices_as_they_were()
    {
        var ns = await f.NewNamespaceAsync("eps-manual");
        await f.ApplyAsync(ns, Pods("web-a", "web-b") + "---\n" + Service("web") + "---\n" + TestPods.SelectorlessDb);
        var handMade = await f.Client.DiscoveryV1.ReadNamespacedEndpointSliceAsync("db-1", ns);
        await ReadySlicesAsync(ns, "web", 2);

        // syncService returns early without a selector (endpointslice_controller.go): so it also keeps the slices it wrote
        // before the selector was removed, however the pods change afterwards.
        await f.KubectlOkAsync("patch", "svc", "web", "-n", ns, "--type=json", "-p", """[{"op":"remove","path":"/spec/selector"}]""");
        await f.ApplyAsync(ns, Service("barrier"));
        await ReadySlicesAsync(ns, "barrier", 2);
        await f.Client.CoreV1.DeleteNamespacedPodAsync("web-b", ns, new V1DeleteOptions { GracePeriodSeconds = 0 });
        await ReadySlicesAsync(ns, "barrier", 1); // the controller has seen the deletion…
        var web = await SlicesAsync(ns, "web");
        Assert.Equal(2, web.Single(s => s.Metadata.Labels["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io").Endpoints.Count); // …and left web's slice alone
        // The Endpoints the endpoints controller left behind now belong to a selectorless Service: the mirroring controller
        // copies them into a slice of its own (endpointslicemirroring syncEndpoints checks only the selector).
        var mirrored = await ObservedState.Until(async () => (await SlicesAsync(ns, "web")).Where(s => s.Metadata.Labels["endpointslice.kubernetes.io/managed-by"] == "endpointslicemirroring-controller.k8s.io").ToList(),
            m => m.Count == 1, "a mirrored slice of web", 60);
        Assert.Equal(2, mirrored[0].Endpoints.Count);
        Assert.Equal(("Endpoints", "web"), (mirrored[0].Metadata.OwnerReferences[0].Kind, mirrored[0].Metadata.OwnerReferences[0].Name));

        var db = Assert.Single(await SlicesAsync(ns, "db"));
        Assert.Equal(handMade.Metadata.ResourceVersion, db.Metadata.ResourceVersion);
        var noEndpoints = await f.KubectlAsync("get", "endpoints", "db", "-n", ns);
        Assert.Contains("NotFound", noEndpoints.Stderr);
    }

    [Fact]
    public async Task Hand_written_endpoints_of_a_selectorless_service_are_mirrored_into_a_slice()
    {
        var ns = await f.NewNamespaceAsync("eps-mirror");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Service
            metadata:
              name: legacy
            spec:
              ports:
              - name: pg
                port: 5432
            ---
            apiVersion: v1
            kind: Endpoints
            metadata:
              name: legacy
              labels: {team: data}
            subsets:
            - addresses: [{ip: 192.168.10.5}]
              notReadyAddresses: [{ip: 192.168.10.6}]
              ports:
              - name: pg
                port: 5432
            """);
        var slice = Assert.Single(await ObservedState.Until(() => SlicesAsync(ns, "legacy"), s => s.Count == 1, "the mirrored slice", 60));
        Assert.Equal("endpointslicemirroring-controller.k8s.io", slice.Metadata.Labels["endpointslice.kubernetes.io/managed-by"]);
        Assert.Equal("data", slice.Metadata.Labels["team"]);
        Assert.StartsWith("legacy-", slice.Metadata.Name);
        Assert.Equal([("192.168.10.5", true), ("192.168.10.6", false)], slice.Endpoints.Select(e => (e.Addresses[0], e.Conditions.Ready == true)));
        Assert.Equal(("pg", 5432), (slice.Ports[0].Name, slice.Ports[0].Port!.Value));

        // Giving the Service a selector hands it to the endpointslice controller: the mirrored slice goes.
        await f.KubectlOkAsync("patch", "svc", "legacy", "-n", ns, "-p", """{"spec":{"selector":{"app":"none"}}}""");
        await ObservedState.Until(async () => (await SlicesAsync(ns, "legacy")).Select(s => s.Metadata.Labels["endpointslice.kubernetes.io/managed-by"]).ToList(),
            m => m.SequenceEqual(["endpointslice-controller.k8s.io"]), "only the controller's placeholder slice", 60, m => string.Join(",", m));
    }

    [Fact]
    public async Task The_kubernetes_service_has_the_api_servers_endpoints()
    {
        var endpoints = await f.KubectlOkAsync("get", "endpoints", "kubernetes", "-n", "default");
        Assert.Contains("172.18.0.2:6443", endpoints.Stdout);
        var slice = await f.Client.DiscoveryV1.ReadNamespacedEndpointSliceAsync("kubernetes", "default");
        Assert.Equal("172.18.0.2", slice.Endpoints[0].Addresses[0]);
        Assert.Equal(("https", 6443), (slice.Ports[0].Name, slice.Ports[0].Port!.Value));
        // Its Endpoints carry skip-mirror: the seeded slice stays the only one (mirroring and the controller both leave it).
        Assert.Equal(["kubernetes"], (await SlicesAsync("default", "kubernetes")).Select(s => s.Metadata.Name));
        var wide = await f.KubectlOkAsync("get", "endpointslice", "kubernetes", "-n", "default");
        Assert.Matches(@"kubernetes\s+IPv4\s+6443\s+172\.18\.0\.2\s", wide.Stdout);
    }
}
