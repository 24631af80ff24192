using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.CloudProvider.Kind;

/// <summary>
/// cloud-provider-kind's service controller (k8s.io/cloud-provider controllers/service + cloud-provider-kind pkg/loadbalancer):
/// for every Service of type LoadBalancer it "starts" a proxy container on the docker network <c>kind</c> and writes its address
/// to status.loadBalancer.ingress ({ip, ipMode: Proxy, ports}), with the EnsuringLoadBalancer / EnsuredLoadBalancer events and
/// the finalizer service.kubernetes.io/load-balancer-cleanup. When the Service goes or stops being a LoadBalancer the container
/// goes (DeletingLoadBalancer / DeletedLoadBalancer), the status is cleared and the address is free again. Addresses come after
/// the nodes' (kind's nodes are 172.18.0.2–4, so the first load balancer gets 172.18.0.5, as kind's docs show). Traffic to the
/// address is routed by <see cref="Network.KubeProxy.KubeProxyModel"/>.
/// </summary>
public sealed class KindLoadBalancerController
{
    public const string Finalizer = "service.kubernetes.io/load-balancer-cleanup";
    public const string Component = "service-controller";

    private readonly IKubernetes client;
    private readonly Informer<V1Service, V1ServiceList> services;
    private readonly Informer<V1Node, V1NodeList> nodes;
    private readonly EventRecorder events;
    private readonly WorkQueue queue;
    private readonly KindNetworkAddresses addresses;

    public KindLoadBalancerController(IKubernetes client, Informer<V1Service, V1ServiceList> services, Informer<V1Node, V1NodeList> nodes, EventRecorder events, TimeProvider time, KindNetworkAddresses? addresses = null)
    {
        this.addresses = addresses ?? new KindNetworkAddresses();
        this.client = client;
        this.services = services;
        this.nodes = nodes;
        this.events = events;
        queue = new WorkQueue(time);
        services.AddHandler(s => queue.Add(Key(s)), (_, s) => queue.Add(Key(s)), s => queue.Add(Key(s)));
    }

    private static string Key(V1Service s) => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}";

    public async Task RunAsync(CancellationToken ct)
    {
        // The service controller waits for both caches (WaitForNamedCacheSync: services and nodes): an address is picked only
        // once the nodes' addresses are known, so a load balancer never gets a node's.
        await services.Synced.WaitAsync(ct).ConfigureAwait(false);
        await nodes.Synced.WaitAsync(ct).ConfigureAwait(false);
        // Addresses already written (a restarted controller) stay with their Services.
        foreach (var s in services.List())
            if (s.Status?.LoadBalancer?.Ingress?.FirstOrDefault()?.Ip is { } ip) addresses.Claim("Service " + Key(s), ip);
        while (!ct.IsCancellationRequested)
        {
            var key = await queue.TakeAsync(ct).ConfigureAwait(false);
            try
            {
                await SyncAsync(key, ct).ConfigureAwait(false);
                queue.Forget(key);
            }
            catch (Exception e) when (e is not OperationCanceledException) { queue.AddRateLimited(key); }
            finally { queue.Done(key); }
        }
    }

    private async Task SyncAsync(string key, CancellationToken ct)
    {
        var svc = services.Get(key);
        var parts = key.Split('/', 2);
        if (svc is null)
        {
            Release(key);
            return;
        }
        var wantsLb = svc.Spec?.Type == "LoadBalancer" && svc.Metadata.DeletionTimestamp is null;
        var hasFinalizer = svc.Metadata.Finalizers?.Contains(Finalizer) == true;
        var reference = EventRecorder.Reference(svc.Metadata, "Service", "v1");
        if (wantsLb)
        {
            if (!hasFinalizer) await SetFinalizersAsync(svc, [.. svc.Metadata.Finalizers ?? [], Finalizer], ct).ConfigureAwait(false);
            if (svc.Status?.LoadBalancer?.Ingress is { Count: > 0 } && Ports(svc.Status.LoadBalancer.Ingress[0]) == Ports(svc)) return;
            events.Normal(reference, "EnsuringLoadBalancer", "Ensuring load balancer");
            var ip = Allocate(key);
            var ports = new JsonArray((svc.Spec!.Ports ?? []).Select(p => (JsonNode)new JsonObject { ["port"] = p.Port, ["protocol"] = p.Protocol ?? "TCP" }).ToArray());
            var status = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = ip, ["ipMode"] = "Proxy", ["ports"] = ports }) } };
            await PatchStatusAsync(parts, status, ct).ConfigureAwait(false);
            events.Normal(reference, "EnsuredLoadBalancer", "Ensured load balancer");
            return;
        }
        var hadLb = svc.Status?.LoadBalancer?.Ingress is { Count: > 0 } || hasFinalizer;
        if (!hadLb) return;
        events.Normal(reference, "DeletingLoadBalancer", "Deleting load balancer");
        Release(key);
        if (svc.Status?.LoadBalancer?.Ingress is { Count: > 0 })
            await PatchStatusAsync(parts, new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = null } }, ct).ConfigureAwait(false);
        if (hasFinalizer) await SetFinalizersAsync(svc, (svc.Metadata.Finalizers ?? []).Where(f => f != Finalizer).ToList(), ct).ConfigureAwait(false);
        events.Normal(reference, "DeletedLoadBalancer", "Deleted load balancer");
    }

    private static string Ports(V1LoadBalancerIngress i) => string.Join(",", (i.Ports ?? []).Select(p => $"{p.Port}/{p.Protocol}"));
    private static string Ports(V1Service s) => string.Join(",", (s.Spec?.Ports ?? []).Select(p => $"{p.Port}/{p.Protocol ?? "TCP"}"));

    private string Allocate(string key) => addresses.Allocate("Service " + key, nodes.List());

    private void Release(string key) => addresses.Release("Service " + key);

    private Task PatchStatusAsync(string[] parts, JsonObject status, CancellationToken ct) =>
        client.CoreV1.PatchNamespacedServiceStatusAsync(new V1Patch(new JsonObject { ["status"] = status }.ToJsonString(), V1Patch.PatchType.MergePatch),
            parts[1], parts[0], cancellationToken: ct);

    private Task SetFinalizersAsync(V1Service svc, List<string> finalizers, CancellationToken ct) =>
        client.CoreV1.PatchNamespacedServiceAsync(FinalizerPatch.Set(svc.Metadata, finalizers), svc.Metadata.Name, svc.Metadata.NamespaceProperty, cancellationToken: ct);
}
