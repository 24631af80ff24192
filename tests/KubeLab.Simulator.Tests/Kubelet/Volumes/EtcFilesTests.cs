using k8s.Models;
using KubeLab.Simulator.Kubelet.Volumes;

namespace KubeLab.Simulator.Tests.Kubelet.Volumes;

public class EtcFilesTests
{
    private static V1Pod Pod(Action<V1PodSpec>? edit = null)
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "web-0", NamespaceProperty = "shop" }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "app" }] } };
        edit?.Invoke(pod.Spec);
        return pod;
    }

    private const string Localhost =
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
        "fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";

    [Fact]
    public void Hosts_file_names_the_pod_ip() =>
        Assert.Equal(Localhost + "10.244.1.7\tweb-0\n", HostsFile.Content(Pod(), ["10.244.1.7"], "k8s-course-worker", "172.18.0.3"));

    [Fact]
    public void Hosts_file_with_subdomain_has_the_fqdn_first_and_host_aliases_last()
    {
        var pod = Pod(s =>
        {
            s.Subdomain = "web";
            s.HostAliases = [new V1HostAlias { Ip = "10.1.2.3", Hostnames = ["foo.local", "bar.local"] }];
        });
        Assert.Equal(Localhost + "10.244.1.7\tweb-0.web.shop.svc.cluster.local\tweb-0\n\n# Entries added by HostAliases.\n10.1.2.3\tfoo.local\tbar.local\n",
            HostsFile.Content(pod, ["10.244.1.7"], "k8s-course-worker", "172.18.0.3"));
    }

    [Fact]
    public void Host_network_pods_get_the_nodes_hosts_file_and_name()
    {
        var pod = Pod(s => s.HostNetwork = true);
        var text = HostsFile.Content(pod, ["172.18.0.3"], "k8s-course-worker", "172.18.0.3");
        Assert.StartsWith("# Kubernetes-managed hosts file (host network).\n127.0.0.1\tlocalhost\n", text);
        Assert.EndsWith("172.18.0.3\tk8s-course-worker\n", text);
        Assert.Equal("k8s-course-worker", PodHostname.Of(pod, "k8s-course-worker").Hostname);
    }

    [Fact]
    public void Hostname_is_spec_hostname_or_the_name_cut_to_63()
    {
        Assert.Equal("db", PodHostname.Of(Pod(s => s.Hostname = "db")).Hostname);
        var longPod = Pod();
        longPod.Metadata.Name = new string('a', 62) + "-bcd";
        Assert.Equal(new string('a', 62), PodHostname.Of(longPod).Hostname);
        var fqdn = Pod(s => { s.Subdomain = "web"; s.SetHostnameAsFQDN = true; });
        Assert.Equal("web-0.web.shop.svc.cluster.local", PodHostname.KernelHostname(fqdn));
    }

    [Fact]
    public void Resolv_conf_cluster_first() =>
        Assert.Equal("search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n", ResolvConf.Content(Pod()));

    [Fact]
    public void Resolv_conf_with_dns_config_appends_and_overrides_options()
    {
        var pod = Pod(s => s.DnsConfig = new V1PodDNSConfig
        {
            Nameservers = ["1.1.1.1"], Searches = ["corp.example", "cluster.local"],
            Options = [new V1PodDNSConfigOption { Name = "ndots", Value = "2" }, new V1PodDNSConfigOption { Name = "edns0" }],
        });
        Assert.Equal("search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\nnameserver 1.1.1.1\noptions ndots:2 edns0\n",
            ResolvConf.Content(pod));
    }

    [Fact]
    public void Resolv_conf_none_has_only_the_pods_config()
    {
        var pod = Pod(s => { s.DnsPolicy = "None"; s.DnsConfig = new V1PodDNSConfig { Nameservers = ["8.8.8.8"] }; });
        Assert.Equal("nameserver 8.8.8.8\n", ResolvConf.Content(pod));
    }

    [Fact]
    public void Resolv_conf_default_and_host_network_use_the_nodes()
    {
        var node = new ResolvConf.NodeDns(["192.168.1.1"], ["lan"], []);
        Assert.Equal("search lan\nnameserver 192.168.1.1\n", ResolvConf.Content(Pod(s => s.DnsPolicy = "Default"), node));
        Assert.Equal("search lan\nnameserver 192.168.1.1\n", ResolvConf.Content(Pod(s => s.HostNetwork = true), node));
        Assert.Contains("nameserver 10.96.0.10", ResolvConf.Content(Pod(s => { s.HostNetwork = true; s.DnsPolicy = "ClusterFirstWithHostNet"; }), node));
    }

    [Fact]
    public void Files_are_shared_by_the_pods_containers_and_hosts_is_skipped_when_mounted_by_the_container()
    {
        var pod = Pod();
        var files = EtcFiles.Create(pod, ["10.244.1.7"], "k8s-course-worker", "172.18.0.3", TimeProvider.System);
        var app = files.MountsFor(new V1Container { Name = "app" });
        var side = files.MountsFor(new V1Container { Name = "side", SecurityContext = new V1SecurityContext { ReadOnlyRootFilesystem = true } });
        Assert.Same(app.Single(m => m.MountPath == "/etc/hosts").Node, side.Single(m => m.MountPath == "/etc/hosts").Node);
        Assert.False(side.Single(m => m.MountPath == "/etc/hosts").ReadOnly);
        Assert.True(side.Single(m => m.MountPath == "/etc/resolv.conf").ReadOnly);
        Assert.Equal("web-0\n", files.Hostname.ReadText());
        var own = files.MountsFor(new V1Container { Name = "x", VolumeMounts = [new V1VolumeMount { Name = "h", MountPath = "/etc/hosts" }] });
        Assert.DoesNotContain(own, m => m.MountPath == "/etc/hosts");
    }
}
