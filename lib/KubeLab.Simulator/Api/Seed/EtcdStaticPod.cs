using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;

namespace KubeLab.Simulator.Api.Seed;

/// <summary>
/// The mirror pod of kubeadm's etcd static pod (cmd/kubeadm/app/phases/etcd/local.go GetEtcdPodSpec, 1.32) as the kubelet posts
/// it for /etc/kubernetes/manifests/etcd.yaml: <c>etcd-&lt;control-plane node&gt;</c> in kube-system, owned by the Node, annotated
/// <c>kubernetes.io/config.mirror</c>. Its container runs the modelled etcd image, whose <c>etcdctl get</c> reads the API server's
/// store as bytes (what chapter 10 uses to show encryption at rest). Not modelled: the other control-plane static pods, deleting a
/// mirror pod bringing it back, the probes on :2381, hostNetwork addresses (the pod gets a pod IP).
/// </summary>
public static class EtcdStaticPod
{
    public const string NodeName = "k8s-course-control-plane";
    public const string PodName = "etcd-" + NodeName;

    public static void Apply(RestStorage storage, JsonObject node, string nodeIp)
    {
        const string pki = "/etc/kubernetes/pki/etcd";
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(PodName)))[..32];
        var command = new JsonArray(
            "etcd", $"--advertise-client-urls=https://{nodeIp}:2379", $"--cert-file={pki}/server.crt", "--client-cert-auth=true",
            "--data-dir=/var/lib/etcd", "--experimental-initial-corrupt-check=true", "--experimental-watch-progress-notify-interval=5s",
            $"--initial-advertise-peer-urls=https://{nodeIp}:2380", $"--initial-cluster={NodeName}=https://{nodeIp}:2380",
            $"--key-file={pki}/server.key", $"--listen-client-urls=https://127.0.0.1:2379,https://{nodeIp}:2379",
            "--listen-metrics-urls=http://127.0.0.1:2381", $"--listen-peer-urls=https://{nodeIp}:2380", $"--name={NodeName}",
            $"--peer-cert-file={pki}/peer.crt", "--peer-client-cert-auth=true", $"--peer-key-file={pki}/peer.key",
            $"--peer-trusted-ca-file={pki}/ca.crt", "--snapshot-count=10000", $"--trusted-ca-file={pki}/ca.crt");
        storage.Create(ResourceRegistry.ForKind("Pod"), "kube-system", new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = PodName,
                ["labels"] = new JsonObject { ["component"] = "etcd", ["tier"] = "control-plane" },
                ["annotations"] = new JsonObject
                {
                    ["kubeadm.kubernetes.io/etcd.advertise-client-urls"] = $"https://{nodeIp}:2379",
                    ["kubernetes.io/config.hash"] = hash, ["kubernetes.io/config.mirror"] = hash,
                    ["kubernetes.io/config.seen"] = "2026-01-01T00:00:00.000000000Z", ["kubernetes.io/config.source"] = "file",
                },
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "v1", ["kind"] = "Node", ["name"] = NodeName, ["uid"] = node["metadata"]!["uid"]!.GetValue<string>(), ["controller"] = true,
                }),
            },
            ["spec"] = new JsonObject
            {
                ["nodeName"] = NodeName,
                ["hostNetwork"] = true,
                ["priorityClassName"] = "system-node-critical",
                ["priority"] = 2000001000,
                ["tolerations"] = new JsonArray(new JsonObject { ["operator"] = "Exists", ["effect"] = "NoExecute" }),
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "etcd", ["image"] = Runtime.Images.EtcdImage.Reference, ["imagePullPolicy"] = "IfNotPresent",
                    ["command"] = command,
                    ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "100Mi" } },
                    ["volumeMounts"] = new JsonArray(
                        new JsonObject { ["name"] = "etcd-data", ["mountPath"] = "/var/lib/etcd" },
                        new JsonObject { ["name"] = "etcd-certs", ["mountPath"] = pki }),
                }),
                ["volumes"] = new JsonArray(
                    new JsonObject { ["name"] = "etcd-certs", ["hostPath"] = new JsonObject { ["path"] = pki, ["type"] = "DirectoryOrCreate" } },
                    new JsonObject { ["name"] = "etcd-data", ["hostPath"] = new JsonObject { ["path"] = "/var/lib/etcd", ["type"] = "DirectoryOrCreate" } }),
            },
        });
    }
}
