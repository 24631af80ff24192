using k8s;

namespace KubeLab;

/// <summary>The lab namespace's Services as a table.</summary>
public sealed partial class Lab
{
    /// <summary>Like <c>kubectl get services -o wide</c> in the lab namespace.</summary>
    public async Task<ServiceTable> ServicesAsync(CancellationToken ct = default)
    {
        var list = await _client.CoreV1.ListNamespacedServiceAsync(Namespace, cancellationToken: ct).ConfigureAwait(false);
        return new ServiceTable(Namespace, list.Items.ToList());
    }
}
