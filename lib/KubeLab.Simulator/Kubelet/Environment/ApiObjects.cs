using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Environment;

/// <summary>
/// The kubelet's reads of referenced objects. A missing object gives null here; callers turn it into the kubelet's
/// error text, which names the resource in the singular as the kubelet's configmap/secret managers do
/// (<c>configmap "x" not found</c>, <c>secret "x" not found</c>), not the API's plural.
/// </summary>
public static class ApiObjects
{
    public static string ConfigMapNotFound(string name) => $"configmap \"{name}\" not found";

    public static string SecretNotFound(string name) => $"secret \"{name}\" not found";

    public static Task<V1ConfigMap?> ConfigMapAsync(IKubernetes client, string ns, string name, CancellationToken ct) =>
        OrNull(() => client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct));

    public static Task<V1Secret?> SecretAsync(IKubernetes client, string ns, string name, CancellationToken ct) =>
        OrNull(() => client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct));

    public static Task<V1Node?> NodeAsync(IKubernetes client, string name, CancellationToken ct) =>
        OrNull(() => client.CoreV1.ReadNodeAsync(name, cancellationToken: ct));

    public static async Task<T?> OrNull<T>(Func<Task<T>> read) where T : class
    {
        try { return await read().ConfigureAwait(false); }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { return null; }
    }

    /// <summary>ConfigMap data and binaryData as bytes (configMap volumes project both).</summary>
    public static Dictionary<string, byte[]> Bytes(V1ConfigMap cm)
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (k, v) in cm.Data ?? new Dictionary<string, string>()) data[k] = SharedBytes(v ?? "");
        foreach (var (k, v) in cm.BinaryData ?? new Dictionary<string, byte[]>()) data[k] = v ?? [];
        return data;
    }

    // Every pod of a namespace mounts kube-root-ca.crt: one array per distinct value instead of one per pod (a file's content is
    // replaced, never changed in place, when someone writes to it).
    private static readonly Util.BoundedCache<string, byte[]> Encoded = new(1024, StringComparer.Ordinal);

    private static byte[] SharedBytes(string value) => Encoded.GetOrAdd(value, System.Text.Encoding.UTF8.GetBytes);

    /// <summary>Secret data (the client has already base64-decoded it) plus stringData if a server echoed it.</summary>
    public static Dictionary<string, byte[]> Bytes(V1Secret secret)
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (k, v) in secret.StringData ?? new Dictionary<string, string>()) data[k] = System.Text.Encoding.UTF8.GetBytes(v ?? "");
        foreach (var (k, v) in secret.Data ?? new Dictionary<string, byte[]>()) data[k] = v ?? [];
        return data;
    }
}
