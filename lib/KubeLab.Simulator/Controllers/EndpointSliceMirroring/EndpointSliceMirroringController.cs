using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Controllers.EndpointSlice;

namespace KubeLab.Simulator.Controllers.EndpointSliceMirroring;

/// <summary>
/// kube-controller-manager's "endpointslice-mirroring-controller" (pkg/controller/endpointslicemirroring): Endpoints written
/// by hand for a Service WITHOUT a selector are mirrored into EndpointSlices (<see cref="MirroredSlices"/>), so kube-proxy and
/// CoreDNS, which read only slices, see them. Its slices are deleted when the Service is gone, is ExternalName or gets a selector, the
/// Endpoints are gone or are not to be mirrored (skip-mirror label, as on default/kubernetes). Endpoints left behind by the
/// endpoints controller when a selector is removed are mirrored too (syncEndpoints checks only the Service's selector).
/// </summary>
public sealed class EndpointSliceMirroringController
{
    private readonly IKubernetes client;
    private readonly Informer<V1Service, V1ServiceList> services;
    private readonly Informer<V1Endpoints, V1EndpointsList> endpoints;
    private readonly Informer<V1EndpointSlice, V1EndpointSliceList> slices;
    private readonly WorkQueue queue;
    private readonly SliceWriteTracker written;

    public EndpointSliceMirroringController(IKubernetes client, Informer<V1Service, V1ServiceList> services, Informer<V1Endpoints, V1EndpointsList> endpoints,
        Informer<V1EndpointSlice, V1EndpointSliceList> slices, TimeProvider time)
    {
        this.client = client;
        this.services = services;
        this.endpoints = endpoints;
        this.slices = slices;
        queue = new WorkQueue(time);
        written = new SliceWriteTracker(slices, time);
        services.AddHandler(added: s => Add(s.Metadata), updated: (_, s) => Add(s.Metadata), deleted: s => Add(s.Metadata));
        endpoints.AddHandler(added: e => Add(e.Metadata), updated: (_, e) => Add(e.Metadata), deleted: e => Add(e.Metadata));
        slices.AddHandler(deleted: s =>
        {
            if (EndpointPodRules.Label(s.Metadata.Labels, EndpointSlicePlanner.ManagedByLabel) == MirroredSlices.ControllerName &&
                EndpointPodRules.Label(s.Metadata.Labels, EndpointSlicePlanner.ServiceNameLabel) is { } svc)
                queue.Add(Informer<V1Service, V1ServiceList>.KeyOf(s.Metadata.NamespaceProperty, svc));
        });
    }

    private void Add(V1ObjectMeta meta) => queue.Add(Informer<V1Service, V1ServiceList>.KeyOf(meta.NamespaceProperty, meta.Name));

    public Task RunAsync(int workers, CancellationToken cancellationToken) =>
        queue.RunControllerAsync(Task.WhenAll(services.Synced, endpoints.Synced, slices.Synced),
            () => endpoints.List().Select(Informer<V1Endpoints, V1EndpointsList>.KeyOf), workers, SyncAsync, [], cancellationToken);

    private async Task SyncAsync(string key, CancellationToken ct)
    {
        var parts = key.Split('/');
        var (ns, name) = (parts[0], parts[1]);
        if (written.Stale(key)) { queue.AddAfter(key, TimeSpan.FromMilliseconds(50)); return; }
        var mine = slices.List(ns).Where(s =>
            EndpointPodRules.Label(s.Metadata.Labels, EndpointSlicePlanner.ServiceNameLabel) == name &&
            EndpointPodRules.Label(s.Metadata.Labels, EndpointSlicePlanner.ManagedByLabel) == MirroredSlices.ControllerName).ToList();
        var svc = services.Get(key);
        var eps = endpoints.Get(key);
        var plan = svc is null || svc.Spec?.Type == "ExternalName" || svc.Spec?.Selector is { Count: > 0 } || eps is null || !MirroredSlices.ShouldMirror(eps)
            ? new EndpointSlicePlan([], [], mine)
            : MirroredSlices.Plan(eps, mine);
        foreach (var slice in plan.Delete)
        {
            try { await client.DiscoveryV1.DeleteNamespacedEndpointSliceAsync(slice.Metadata.Name, ns, cancellationToken: ct).ConfigureAwait(false); }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { }
            written.Wrote(key, slice.Metadata.Name, null);
        }
        foreach (var slice in plan.Update)
        {
            var updated = await client.DiscoveryV1.ReplaceNamespacedEndpointSliceAsync(slice, slice.Metadata.Name, ns, cancellationToken: ct).ConfigureAwait(false);
            written.Wrote(key, updated.Metadata.Name, updated.Metadata.ResourceVersion);
        }
        foreach (var slice in plan.Create)
        {
            var created = await client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(slice, ns, cancellationToken: ct).ConfigureAwait(false);
            written.Wrote(key, created.Metadata.Name, created.Metadata.ResourceVersion);
        }
    }
}
