using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Controllers.EndpointSlice;

/// <summary>
/// kube-controller-manager's "endpointslice-controller" (pkg/controller/endpointslice/endpointslice_controller.go): one work
/// key per Service, queued by changes to the Service, to pods it selects (before or after the change) and to slices it manages.
/// A sync lists the selected pods and the Service's slices managed by this controller and applies
/// <see cref="EndpointSlicePlanner"/>. ExternalName Services and Services without a selector are skipped (syncService returns
/// early: their slices are written by hand – and slices written earlier are NOT removed when a selector is dropped). A deleted
/// Service's slices go through garbage collection (ownerReference). Like upstream's EndpointSliceTracker, a sync waits while
/// the cache does not yet show this controller's own last writes, so it never adds a slice twice.
/// </summary>
public sealed class EndpointSliceController
{
    private readonly IKubernetes client;
    private readonly Informer<V1Service, V1ServiceList> services;
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly Informer<V1EndpointSlice, V1EndpointSliceList> slices;
    private readonly TimeProvider time;
    private readonly int maxEndpointsPerSlice;
    private readonly WorkQueue queue;
    private readonly SliceWriteTracker written;

    public EndpointSliceController(IKubernetes client, Informer<V1Service, V1ServiceList> services, Informer<V1Pod, V1PodList> pods,
        Informer<V1EndpointSlice, V1EndpointSliceList> slices, TimeProvider time, int maxEndpointsPerSlice = EndpointSlicePlanner.DefaultMaxEndpointsPerSlice)
    {
        this.client = client;
        this.services = services;
        this.pods = pods;
        this.slices = slices;
        this.time = time;
        this.maxEndpointsPerSlice = maxEndpointsPerSlice;
        queue = new WorkQueue(time);
        written = new SliceWriteTracker(slices, time);
        services.AddHandler(added: Enqueue, updated: (_, s) => Enqueue(s), deleted: Enqueue);
        pods.AddHandler(added: p => EnqueueFor(p, null), updated: (o, n) => EnqueueFor(n, o), deleted: p => EnqueueFor(p, null));
        slices.AddHandler(added: EnqueueOwner, updated: (_, s) => EnqueueOwner(s), deleted: EnqueueOwner);
    }

    private void Enqueue(V1Service svc) => queue.Add(Informer<V1Service, V1ServiceList>.KeyOf(svc));

    private void EnqueueFor(V1Pod pod, V1Pod? old)
    {
        foreach (var svc in services.List(pod.Metadata.NamespaceProperty))
            if (EndpointPodRules.Selects(svc, pod) || (old is not null && EndpointPodRules.Selects(svc, old))) Enqueue(svc);
    }

    private void EnqueueOwner(V1EndpointSlice slice)
    {
        if (EndpointPodRules.Label(slice.Metadata.Labels, EndpointSlicePlanner.ManagedByLabel) == EndpointSlicePlanner.ControllerName &&
            EndpointPodRules.Label(slice.Metadata.Labels, EndpointSlicePlanner.ServiceNameLabel) is { } svc)
            queue.Add(Informer<V1Service, V1ServiceList>.KeyOf(slice.Metadata.NamespaceProperty, svc));
    }

    public Task RunAsync(int workers, CancellationToken cancellationToken) =>
        queue.RunControllerAsync(Task.WhenAll(services.Synced, pods.Synced, slices.Synced),
            () => services.List().Select(Informer<V1Service, V1ServiceList>.KeyOf), workers, SyncAsync, [], cancellationToken);

    private async Task SyncAsync(string key, CancellationToken ct)
    {
        var svc = services.Get(key);
        if (svc is null) { written.Forget(key); return; }
        if (svc.Spec?.Type == "ExternalName" || svc.Spec?.Selector is not { Count: > 0 }) return;
        if (written.Stale(key)) { queue.AddAfter(key, TimeSpan.FromMilliseconds(50)); return; }

        var ns = svc.Metadata.NamespaceProperty;
        var selected = pods.List(ns).Where(p => EndpointPodRules.Selects(svc, p)).ToList();
        var mine = slices.List(ns).Where(s =>
            EndpointPodRules.Label(s.Metadata.Labels, EndpointSlicePlanner.ServiceNameLabel) == svc.Metadata.Name &&
            EndpointPodRules.Label(s.Metadata.Labels, EndpointSlicePlanner.ManagedByLabel) == EndpointSlicePlanner.ControllerName).ToList();
        var plan = EndpointSlicePlanner.Plan(svc, selected, mine, maxEndpointsPerSlice, TriggerTime(svc, selected));
        if (plan.IsEmpty) return;

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

    /// <summary>
    /// The last-change-trigger-time (TriggerTimeTracker): the latest of the Service's creation and its pods' last Ready
    /// transition (or creation).
    /// </summary>
    private DateTime? TriggerTime(V1Service svc, IEnumerable<V1Pod> selected)
    {
        DateTime? latest = svc.Metadata.CreationTimestamp;
        foreach (var p in selected)
        {
            var t = p.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastTransitionTime ?? p.Metadata.CreationTimestamp;
            if (t is { } v && (latest is null || v > latest)) latest = v;
        }
        return latest ?? time.GetUtcNow().UtcDateTime;
    }
}
