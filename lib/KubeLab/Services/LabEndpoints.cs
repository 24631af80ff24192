using k8s;
using k8s.Models;
using KubeLab.Observe;

namespace KubeLab;

/// <summary>Reading a Service's EndpointSlices.</summary>
public sealed partial class Lab
{
    /// <summary>Label every EndpointSlice of a Service carries, whoever manages it (kube-controller-manager or you).</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>The Service's endpoints now, from all its EndpointSlices (not the legacy Endpoints object).</summary>
    public async Task<EndpointTable> EndpointsAsync(string service, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        var slices = await _client.DiscoveryV1.ListNamespacedEndpointSliceAsync(Namespace, labelSelector: $"{ServiceNameLabel}={service}",
            cancellationToken: ct).ConfigureAwait(false);
        return new EndpointTable(service, slices.Items.ToList());
    }

    /// <summary>
    /// Waits (list, then watch the Service's EndpointSlices) until <paramref name="condition"/> holds for its endpoints – e.g. three
    /// ready ones after a Deployment scaled up. The EndpointSlice controller follows pods within about a second; the timeout (default
    /// 2 min) covers slow image pulls on kind, since a pod has no endpoint until it has an IP.
    /// </summary>
    public async Task<EndpointTable> WaitForEndpointsAsync(string service, Func<EndpointTable, bool> condition, string description,
        TimeSpan? timeout = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentNullException.ThrowIfNull(condition);
        return await ListWatch.WithTimeoutAsync(token => ListWatch.UntilAsync<V1EndpointSlice, V1EndpointSliceList, EndpointTable>(
                (rv, watch, c) => _client.DiscoveryV1.ListNamespacedEndpointSliceWithHttpMessagesAsync(Namespace,
                    labelSelector: $"{ServiceNameLabel}={service}", resourceVersion: rv, watch: watch, cancellationToken: c),
                slices =>
                {
                    var table = new EndpointTable(service, slices.ToList());
                    return (condition(table), table);
                }, token),
            timeout ?? TimeSpan.FromMinutes(2), $"the endpoints of Service {service}: {description}",
            async () => $"  Now: {await EndpointsAsync(service, ct).ConfigureAwait(false)}\n" +
                        $"  Pods: {await PodsAsync(ct: ct).ConfigureAwait(false)}", ct).ConfigureAwait(false);
    }

    /// <summary>Starts recording a Service's endpoints over time (watch on its EndpointSlices); stop it to plot.</summary>
    public EndpointRecording RecordEndpoints(string service) => EndpointRecording.Start(this, service);
}
