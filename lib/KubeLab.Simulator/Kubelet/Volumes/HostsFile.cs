using System.Text;
using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>
/// The kubelet-managed /etc/hosts (kubelet_pods.go managedHostsFileContent / nodeHostsFileContent): a header, the localhost and
/// IPv6 lines, one line per pod IP (<c>ip\thostname</c>, or <c>ip\thostname.domain\thostname</c> with a subdomain), then the
/// <c>hostAliases</c> after "# Entries added by HostAliases.". A hostNetwork pod gets the node's own hosts file under
/// "# Kubernetes-managed hosts file (host network)."; a kind node's file is Docker's, modelled here with its IPv4 entry.
/// </summary>
public static class HostsFile
{
    public const string Header = "# Kubernetes-managed hosts file.\n";
    public const string HostNetworkHeader = "# Kubernetes-managed hosts file (host network).\n";

    public static string Content(V1Pod pod, IReadOnlyList<string> podIps, string nodeName, string hostIp)
    {
        var sb = new StringBuilder();
        if (pod.Spec?.HostNetwork == true)
        {
            sb.Append(HostNetworkHeader);
            sb.Append(NodeHostsFile(nodeName, hostIp));
        }
        else
        {
            sb.Append(Header);
            sb.Append(LocalhostLines);
            var (hostname, domain) = PodHostname.Of(pod);
            foreach (var ip in podIps)
                sb.Append(domain is null ? $"{ip}\t{hostname}\n" : $"{ip}\t{hostname}.{domain}\t{hostname}\n");
        }
        var aliases = pod.Spec?.HostAliases;
        if (aliases is { Count: > 0 })
        {
            sb.Append("\n# Entries added by HostAliases.\n");
            foreach (var a in aliases) sb.Append($"{a.Ip}\t{string.Join('\t', a.Hostnames ?? [])}\n");
        }
        return sb.ToString();
    }

    private const string LocalhostLines =
        "127.0.0.1\tlocalhost\n" +
        "::1\tlocalhost ip6-localhost ip6-loopback\n" +
        "fe00::0\tip6-localnet\n" +
        "fe00::0\tip6-mcastprefix\n" +
        "fe00::1\tip6-allnodes\n" +
        "fe00::2\tip6-allrouters\n";

    /// <summary>The hosts file Docker writes into a kind node container.</summary>
    public static string NodeHostsFile(string nodeName, string hostIp) =>
        "127.0.0.1\tlocalhost\n" +
        "::1\tlocalhost ip6-localhost ip6-loopback\n" +
        "fe00::0\tip6-localnet\n" +
        "ff00::0\tip6-mcastprefix\n" +
        "ff02::1\tip6-allnodes\n" +
        "ff02::2\tip6-allrouters\n" +
        $"{hostIp}\t{nodeName}\n";
}
