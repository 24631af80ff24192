using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>
/// The pod's hostname and DNS domain (kubelet_pods.go GeneratePodHostNameAndDomain): <c>spec.hostname</c> or the pod name, cut
/// to 63 characters without a trailing '-' or '.'; with <c>spec.subdomain</c> the domain <c>&lt;subdomain&gt;.&lt;ns&gt;.svc.cluster.local</c>.
/// A hostNetwork pod has the node's name. With <c>setHostnameAsFQDN</c> the kernel hostname is the FQDN.
/// </summary>
public static class PodHostname
{
    public const string ClusterDomain = Network.Dns.ClusterDnsRecords.Zone;

    public static (string Hostname, string? Domain) Of(V1Pod pod, string? nodeName = null)
    {
        if (pod.Spec?.HostNetwork == true) return (nodeName ?? pod.Spec.NodeName ?? pod.Metadata.Name, null);
        var hostname = string.IsNullOrEmpty(pod.Spec?.Hostname) ? pod.Metadata.Name : pod.Spec.Hostname;
        if (hostname.Length > 63) hostname = hostname[..63].TrimEnd('-', '.');
        var domain = string.IsNullOrEmpty(pod.Spec?.Subdomain) ? null
            : $"{pod.Spec.Subdomain}.{pod.Metadata.NamespaceProperty ?? "default"}.svc.{ClusterDomain}";
        return (hostname, domain);
    }

    /// <summary>What <c>hostname</c> prints inside the pod's containers.</summary>
    public static string KernelHostname(V1Pod pod, string? nodeName = null)
    {
        var (hostname, domain) = Of(pod, nodeName);
        return pod.Spec?.SetHostnameAsFQDN == true && domain is not null ? $"{hostname}.{domain}" : hostname;
    }
}
