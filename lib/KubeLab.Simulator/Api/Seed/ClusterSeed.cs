using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;

namespace KubeLab.Simulator.Api.Seed;

/// <summary>What a fresh kind cluster named "k8s-course" has: the four system namespaces and three nodes (one control plane).</summary>
public static class ClusterSeed
{
    public const string KubeletVersion = "v1.32.2";

    public static void Apply(RestStorage storage, int workerNodes = 2, bool coreDns = true)
    {
        var ns = ResourceRegistry.ForKind("Namespace");
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            storage.Create(ns, null, new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = name } },
            });

        // The API server's own service in "default", as in every cluster.
        storage.Create(ResourceRegistry.ForKind("Service"), "default", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "kubernetes", ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" } },
            ["spec"] = new JsonObject
            {
                ["clusterIP"] = "10.96.0.1",
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = 6443 }),
            },
        });
        KubernetesServiceEndpoints.Apply(storage);

        // kubeadm's CoreDNS addon Service (cmd/kubeadm/app/phases/addons/dns manifests): kube-dns at the tenth address of the range.
        // The DNS answers come from Network/Dns/ClusterDns; this object is what `kubectl get svc -n kube-system` shows on kind.
        storage.Create(ResourceRegistry.ForKind("Service"), "kube-system", new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = "kube-dns",
                ["labels"] = new JsonObject { ["k8s-app"] = "kube-dns", ["kubernetes.io/cluster-service"] = "true", ["kubernetes.io/name"] = "CoreDNS" },
                ["annotations"] = new JsonObject { ["prometheus.io/port"] = "9153", ["prometheus.io/scrape"] = "true" },
            },
            ["spec"] = new JsonObject
            {
                ["clusterIP"] = Network.Dns.ClusterDns.ServiceIp,
                ["selector"] = new JsonObject { ["k8s-app"] = "kube-dns" },
                ["ports"] = new JsonArray(
                    new JsonObject { ["name"] = "dns", ["port"] = 53, ["protocol"] = "UDP", ["targetPort"] = 53 },
                    new JsonObject { ["name"] = "dns-tcp", ["port"] = 53, ["protocol"] = "TCP", ["targetPort"] = 53 },
                    new JsonObject { ["name"] = "metrics", ["port"] = 9153, ["protocol"] = "TCP", ["targetPort"] = 9153 }),
            },
        });

        if (coreDns) CoreDnsAddon.Apply(storage);

        // kube-apiserver's default roles and bindings (rbac/bootstrappolicy) and kubeadm's kubeadm:cluster-admins binding.
        Authorization.BootstrapPolicy.Apply(storage);

        // kind's default StorageClass: rancher's local-path-provisioner, binding delayed until a pod uses the claim.
        storage.Create(ResourceRegistry.ForKind("StorageClass"), null, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = "standard",
                ["annotations"] = new JsonObject { ["storageclass.kubernetes.io/is-default-class"] = "true" },
            },
            ["provisioner"] = "rancher.io/local-path",
            ["reclaimPolicy"] = "Delete",
            ["volumeBindingMode"] = "WaitForFirstConsumer",
        });

        var nodes = ResourceRegistry.ForKind("Node");
        var controlPlane = storage.Create(nodes, null, Node("k8s-course-control-plane", "172.18.0.2", "10.244.0.0/24", controlPlane: true));
        EtcdStaticPod.Apply(storage, controlPlane, "172.18.0.2");
        // kind names workers <cluster>-worker, <cluster>-worker2, …; node i gets 172.18.0.(i+2) and pod CIDR 10.244.i.0/24.
        for (var i = 1; i <= workerNodes; i++)
            storage.Create(nodes, null, Node(i == 1 ? "k8s-course-worker" : $"k8s-course-worker{i}", $"172.18.0.{i + 2}", $"10.244.{i}.0/24", controlPlane: false));
    }

    private static JsonObject Node(string name, string ip, string podCidr, bool controlPlane)
    {
        var labels = new JsonObject
        {
            ["beta.kubernetes.io/arch"] = "amd64", ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64", ["kubernetes.io/hostname"] = name, ["kubernetes.io/os"] = "linux",
        };
        var spec = new JsonObject { ["podCIDR"] = podCidr, ["podCIDRs"] = new JsonArray(podCidr), ["providerID"] = $"kind://docker/k8s-course/{name}" };
        if (controlPlane)
        {
            labels["node-role.kubernetes.io/control-plane"] = "";
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = "";
            spec["taints"] = new JsonArray(new JsonObject { ["key"] = "node-role.kubernetes.io/control-plane", ["effect"] = "NoSchedule" });
        }
        JsonObject Resources() => new()
        {
            ["cpu"] = "2", ["ephemeral-storage"] = "102625208Ki", ["hugepages-1Gi"] = "0", ["hugepages-2Mi"] = "0",
            ["memory"] = "8129804Ki", ["pods"] = "110",
        };
        JsonObject Condition(string type, string status, string reason, string message) => new()
        {
            ["type"] = type, ["status"] = status, ["reason"] = reason, ["message"] = message,
            ["lastHeartbeatTime"] = "2026-01-01T00:00:00Z", ["lastTransitionTime"] = "2026-01-01T00:00:00Z",
        };
        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = name, ["labels"] = labels,
                ["annotations"] = new JsonObject { ["node.alpha.kubernetes.io/ttl"] = "0", ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true" },
            },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["capacity"] = Resources(), ["allocatable"] = Resources(),
                ["conditions"] = new JsonArray(
                    Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")),
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = ip },
                    new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
                ["nodeInfo"] = new JsonObject
                {
                    ["machineID"] = Guid.NewGuid().ToString("N"), ["systemUUID"] = Guid.NewGuid().ToString(), ["bootID"] = Guid.NewGuid().ToString(),
                    ["kernelVersion"] = "6.8.0-kubelab", ["osImage"] = "Debian GNU/Linux 12 (bookworm)", ["containerRuntimeVersion"] = "containerd://1.7.24",
                    ["kubeletVersion"] = KubeletVersion, ["kubeProxyVersion"] = KubeletVersion, ["operatingSystem"] = "linux", ["architecture"] = "amd64",
                },
            },
        };
    }
}
