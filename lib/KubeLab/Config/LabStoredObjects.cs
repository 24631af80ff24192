using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace KubeLab;

public sealed partial class Lab
{
    /// <summary>kubeadm's etcd client certificates, as mounted into the etcd static pod.</summary>
    private static readonly string[] EtcdctlTls =
    [
        "--endpoints=https://127.0.0.1:2379", "--cacert=/etc/kubernetes/pki/etcd/ca.crt",
        "--cert=/etc/kubernetes/pki/etcd/server.crt", "--key=/etc/kubernetes/pki/etcd/server.key",
    ];

    /// <summary>
    /// What etcd keeps for an object: runs <c>etcdctl get /registry/&lt;resource&gt;/&lt;ns&gt;/&lt;name&gt; -w json</c> in the etcd
    /// static pod of the control plane (kube-system, label component=etcd: <c>etcd-k8s-course-control-plane</c> on kind and on the
    /// simulator). <paramref name="ns"/> defaults to the lab's namespace; null when etcd has no such key.
    /// </summary>
    public async Task<StoredObject?> StoredObjectAsync(string resource, string name, string? ns = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resource);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var key = EtcdKey(resource, ns ?? Namespace, name);
        var etcd = await RunningEtcdPodAsync(ct).ConfigureAwait(false)
            ?? throw new PodAccessException("exec", "etcd-<control-plane>", null, null, "no running pod with label component=etcd in kube-system",
                "kind runs etcd as the static pod etcd-k8s-course-control-plane; on a cluster without one (a managed service) etcd cannot be read this way.");
        var r = await ExecInNamespaceAsync("kube-system", etcd, ["etcdctl", .. EtcdctlTls, "get", key, "-w", "json"], ct: ct).ConfigureAwait(false);
        if (r.ExitCode != 0)
            throw new PodAccessException("exec", etcd, null, null, (r.Stderr + r.Stdout).Trim(),
                $"etcdctl get {key} failed in {etcd}; the etcd pod needs its client certificates under /etc/kubernetes/pki/etcd.");
        var kv = (JsonNode.Parse(r.Stdout)?["kvs"] as JsonArray)?.FirstOrDefault();
        if (kv is null) return null;
        return new StoredObject(Encoding.UTF8.GetString(Convert.FromBase64String(kv["key"]!.GetValue<string>())),
            Convert.FromBase64String(kv["value"]?.GetValue<string>() ?? ""), kv["mod_revision"]?.GetValue<long>() ?? 0);
    }

    /// <summary>
    /// The running etcd static pod; while one exists but is not Running yet (a cluster that has just started) it is waited for,
    /// at most 30 s. Null when there is none.
    /// </summary>
    private async Task<string?> RunningEtcdPodAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var pods = await _client.CoreV1.ListNamespacedPodAsync("kube-system", labelSelector: "component=etcd", cancellationToken: ct).ConfigureAwait(false);
            if (pods.Items.FirstOrDefault(p => p.Status?.Phase == "Running") is { } running) return running.Metadata.Name;
            if (pods.Items.Count == 0 || DateTime.UtcNow > deadline) return null;
            await Task.Delay(250, ct).ConfigureAwait(false);
        }
    }

    /// <summary>kube-apiserver's etcd key layout: /registry/&lt;resource&gt;/&lt;namespace&gt;/&lt;name&gt; (services under services/specs).</summary>
    public static string EtcdKey(string resource, string ns, string name)
    {
        var segment = resource switch
        {
            "cm" or "configmap" or "configmaps" => "configmaps",
            "secret" or "secrets" => "secrets",
            "svc" or "service" or "services" => "services/specs",
            _ => resource,
        };
        return $"/registry/{segment}/{ns}/{name}";
    }
}
