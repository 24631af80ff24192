using k8s;
using k8s.Models;
using KubeLab.Simulator.Kubelet.Environment;

namespace KubeLab.Simulator.Kubelet.Managers;

/// <summary>
/// The kubelet's "Get" change-detection strategy (<c>configMapAndSecretChangeDetectionStrategy: Get</c>): every read is a GET
/// to the API server. Used where there is no running kubelet to hold watches (one-off reads in tests and tools).
/// </summary>
public sealed class ApiGetConfigObjects(IKubernetes client) : IConfigObjects
{
    public Task<V1ConfigMap?> ConfigMapAsync(string ns, string name, CancellationToken ct) => ApiObjects.ConfigMapAsync(client, ns, name, ct);

    public Task<V1Secret?> SecretAsync(string ns, string name, CancellationToken ct) => ApiObjects.SecretAsync(client, ns, name, ct);
}
