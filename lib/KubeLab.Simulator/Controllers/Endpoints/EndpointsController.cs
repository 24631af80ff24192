using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Controllers.EndpointSlice;

namespace KubeLab.Simulator.Controllers.Endpoints;

/// <summary>
/// kube-controller-manager's "endpoints-controller" (pkg/controller/endpoint/endpoints_controller.go), still running in 1.32:
/// one core/v1 Endpoints object named like each Service with a selector, its subsets from <see cref="EndpointSubsets"/>, the
/// Service's labels (+ <c>service.kubernetes.io/headless</c>) and the last-change-trigger-time annotation. Written only when
/// something changed. A deleted Service's Endpoints are deleted; Services without a selector (and ExternalName ones) are left
/// alone, so hand-written Endpoints stay as they are.
/// </summary>
public sealed class EndpointsController
{
    private readonly IKubernetes client;
    private readonly Informer<V1Service, V1ServiceList> services;
    private readonly Informer<V1Pod, V1PodList> pods;
    private readonly Informer<V1Endpoints, V1EndpointsList> endpoints;
    private readonly WorkQueue queue;

    public EndpointsController(IKubernetes client, Informer<V1Service, V1ServiceList> services, Informer<V1Pod, V1PodList> pods,
        Informer<V1Endpoints, V1EndpointsList> endpoints, TimeProvider time)
    {
        this.client = client;
        this.services = services;
        this.pods = pods;
        this.endpoints = endpoints;
        queue = new WorkQueue(time);
        services.AddHandler(added: Enqueue, updated: (_, s) => Enqueue(s), deleted: Enqueue);
        pods.AddHandler(added: p => EnqueueFor(p, null), updated: (o, n) => EnqueueFor(n, o), deleted: p => EnqueueFor(p, null));
        // A changed or deleted Endpoints object of a Service with a selector is put back (checkLeftoverEndpoints / onEndpointsDelete).
        endpoints.AddHandler(updated: (_, e) => queue.Add(Informer<V1Endpoints, V1EndpointsList>.KeyOf(e)), deleted: e => queue.Add(Informer<V1Endpoints, V1EndpointsList>.KeyOf(e)));
    }

    private void Enqueue(V1Service svc) => queue.Add(Informer<V1Service, V1ServiceList>.KeyOf(svc));

    private void EnqueueFor(V1Pod pod, V1Pod? old)
    {
        foreach (var svc in services.List(pod.Metadata.NamespaceProperty))
            if (EndpointPodRules.Selects(svc, pod) || (old is not null && EndpointPodRules.Selects(svc, old))) Enqueue(svc);
    }

    public Task RunAsync(int workers, CancellationToken cancellationToken) =>
        queue.RunControllerAsync(Task.WhenAll(services.Synced, pods.Synced, endpoints.Synced),
            () => services.List().Select(Informer<V1Service, V1ServiceList>.KeyOf), workers, SyncAsync, [], cancellationToken);

    private async Task SyncAsync(string key, CancellationToken ct)
    {
        var parts = key.Split('/');
        var (ns, name) = (parts[0], parts[1]);
        var svc = services.Get(key);
        if (svc is null)
        {
            // The Service is gone: so are its Endpoints (syncService deletes them itself).
            if (endpoints.Get(key) is null) return;
            try { await client.CoreV1.DeleteNamespacedEndpointsAsync(name, ns, cancellationToken: ct).ConfigureAwait(false); }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { }
            return;
        }
        if (svc.Spec?.Type == "ExternalName" || svc.Spec?.Selector is not { Count: > 0 }) return;

        var selected = pods.List(ns).Where(p => EndpointPodRules.Selects(svc, p)).ToList();
        var (subsets, truncated) = EndpointSubsets.Compute(svc, selected);
        var labels = new Dictionary<string, string>(svc.Metadata.Labels ?? new Dictionary<string, string>());
        if (svc.Spec.ClusterIP == "None") labels[EndpointSlicePlanner.HeadlessLabel] = "";
        else labels.Remove(EndpointSlicePlanner.HeadlessLabel);

        var current = endpoints.Get(key);
        if (current is not null && Same(current.Subsets, subsets) && SameMap(current.Metadata.Labels, labels) &&
            current.Metadata.Annotations?.ContainsKey(EndpointSubsets.OverCapacityAnnotation) == truncated)
            return;

        var annotations = new Dictionary<string, string>(current?.Metadata.Annotations ?? new Dictionary<string, string>());
        annotations.Remove(EndpointSubsets.OverCapacityAnnotation);
        if (truncated) annotations[EndpointSubsets.OverCapacityAnnotation] = "truncated";
        var trigger = selected.Select(p => p.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.LastTransitionTime ?? p.Metadata.CreationTimestamp)
            .Append(svc.Metadata.CreationTimestamp).Max();
        if (trigger is { } t) annotations[EndpointSlicePlanner.TriggerTimeAnnotation] = EndpointSlicePlanner.FormatTime(t);

        var desired = new V1Endpoints
        {
            ApiVersion = "v1", Kind = "Endpoints",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels, Annotations = annotations, ResourceVersion = current?.Metadata.ResourceVersion },
            Subsets = subsets,
        };
        if (current is null)
        {
            try { await client.CoreV1.CreateNamespacedEndpointsAsync(desired, ns, cancellationToken: ct).ConfigureAwait(false); }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                throw new InvalidOperationException($"endpoints {key} exist already; retrying from the cache", e);
            }
        }
        else await client.CoreV1.ReplaceNamespacedEndpointsAsync(desired, name, ns, cancellationToken: ct).ConfigureAwait(false);
    }

    private static bool Same(IList<V1EndpointSubset>? a, List<V1EndpointSubset> b) =>
        KubernetesJson.Serialize(a is { Count: > 0 } ? a : new List<V1EndpointSubset>()) == KubernetesJson.Serialize(b);

    private static bool SameMap(IDictionary<string, string>? a, Dictionary<string, string> b) =>
        (a?.Count ?? 0) == b.Count && b.All(kv => a!.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
