using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Managers;

/// <summary>
/// Where the kubelet reads the ConfigMaps and Secrets its pods refer to (volumes, envFrom, valueFrom): the kubelet's
/// configmap.Manager and secret.Manager (<c>pkg/kubelet/configmap</c>, <c>pkg/kubelet/secret</c>). Null when the object does not exist.
/// </summary>
public interface IConfigObjects
{
    Task<V1ConfigMap?> ConfigMapAsync(string ns, string name, CancellationToken ct);

    Task<V1Secret?> SecretAsync(string ns, string name, CancellationToken ct);
}
