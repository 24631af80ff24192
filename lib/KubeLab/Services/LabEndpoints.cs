using k8s;

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

    /// <summary>Starts recording a Service's endpoints over time (watch on its EndpointSlices); stop it to plot.</summary>
    public EndpointRecording RecordEndpoints(string service) => EndpointRecording.Start(this, service);
}
