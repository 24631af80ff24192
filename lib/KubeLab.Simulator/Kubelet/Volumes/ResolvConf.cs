using k8s.Models;
using KubeLab.Simulator.Network.Dns;

namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>
/// The pod's /etc/resolv.conf (pkg/kubelet/network/dns dns.go GetPodDNS, written by containerd as "search …", "nameserver …"
/// lines, "options …"):
/// <list type="bullet">
/// <item>ClusterFirst (and ClusterFirstWithHostNet): nameserver 10.96.0.10 (kube-dns), search
/// <c>&lt;ns&gt;.svc.cluster.local svc.cluster.local cluster.local</c> plus the node's search domains, options <c>ndots:5</c>;
/// a hostNetwork pod with ClusterFirst falls back to Default;</item>
/// <item>Default: the node's resolv.conf (<see cref="NodeDns"/>);</item>
/// <item>None: only <c>dnsConfig</c>.</item>
/// </list>
/// <c>dnsConfig</c> is appended (nameservers, searches without duplicates; options merged by name, the pod's value winning).
/// </summary>
public static class ResolvConf
{
    public const string ClusterDns = Network.Dns.ClusterDns.ServiceIp;

    /// <summary>A node's own DNS settings. Kind nodes use Docker's gateway resolver (an assumption of this model).</summary>
    public sealed record NodeDns(IReadOnlyList<string> Nameservers, IReadOnlyList<string> Searches, IReadOnlyList<string> Options)
    {
        public static NodeDns Kind { get; } = new(["172.18.0.1"], [], ["ndots:0"]);
    }

    public static string Content(V1Pod pod, NodeDns? node = null)
    {
        node ??= NodeDns.Kind;
        var policy = pod.Spec?.DnsPolicy ?? "ClusterFirst";
        List<string> servers, searches, options;
        if (policy == "None") (servers, searches, options) = ([], [], []);
        else if (policy == "ClusterFirstWithHostNet" || (policy == "ClusterFirst" && pod.Spec?.HostNetwork != true))
        {
            servers = [ClusterDns];
            searches = [.. ResolverSearch.ClusterFirstSearch(pod.Metadata.NamespaceProperty ?? "default"), .. node.Searches];
            options = [$"ndots:{ResolverSearch.KubeletNdots}"];
        }
        else (servers, searches, options) = ([.. node.Nameservers], [.. node.Searches], [.. node.Options]);

        if (pod.Spec?.DnsConfig is { } extra)
        {
            foreach (var s in extra.Nameservers ?? []) if (!servers.Contains(s)) servers.Add(s);
            foreach (var s in extra.Searches ?? []) if (!searches.Contains(s)) searches.Add(s);
            options = MergeOptions(options, extra.Options ?? []);
        }
        var text = "";
        if (searches.Count > 0) text += $"search {string.Join(' ', searches)}\n";
        foreach (var s in servers) text += $"nameserver {s}\n";
        if (options.Count > 0) text += $"options {string.Join(' ', options)}\n";
        return text;
    }

    /// <summary>mergeDNSOptions: "name:value" by name, the pod's options override. (Go iterates a map here; we keep first-seen order.)</summary>
    private static List<string> MergeOptions(List<string> existing, IList<V1PodDNSConfigOption> extra)
    {
        var merged = new List<KeyValuePair<string, string>>();
        void Set(string name, string value)
        {
            var i = merged.FindIndex(kv => kv.Key == name);
            if (i >= 0) merged[i] = new(name, value); else merged.Add(new(name, value));
        }
        foreach (var op in existing)
        {
            var colon = op.IndexOf(':');
            if (colon >= 0) Set(op[..colon], op[(colon + 1)..]); else Set(op, "");
        }
        foreach (var op in extra) Set(op.Name, op.Value ?? "");
        return merged.Select(kv => kv.Value.Length > 0 ? $"{kv.Key}:{kv.Value}" : kv.Key).ToList();
    }
}
