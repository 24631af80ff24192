using k8s;
using k8s.Models;
using KubeLab.Simulator.Kubelet.Environment;
using KubeLab.Simulator.Kubelet.Managers;

namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>
/// The files of configMap, secret, downwardAPI and projected volumes (the MakePayload / CollectData functions of
/// pkg/volume/configmap, secret, downwardapi, projected). Failures are <see cref="PayloadException"/>s whose message is the
/// kubelet's error (it becomes "MountVolume.SetUp failed for volume … : &lt;message&gt;").
/// </summary>
public static class VolumePayloads
{
    public const int DefaultMode = 0x1A4; // 0644, the API default of defaultMode for all four kinds

    public sealed class PayloadException(string message) : Exception(message);

    public static async Task<Dictionary<string, FileProjection>> ConfigMapAsync(IConfigObjects objects, string ns, string name,
        IList<V1KeyToPath>? items, int? defaultMode, bool optional, CancellationToken ct)
    {
        var cm = await objects.ConfigMapAsync(ns, name, ct).ConfigureAwait(false);
        if (cm is null && !optional) throw new PayloadException(ApiObjects.ConfigMapNotFound(name));
        return KeysToFiles(cm is null ? [] : ApiObjects.Bytes(cm), items, defaultMode ?? DefaultMode, optional,
            "configmap references non-existent config key: ");
    }

    public static async Task<Dictionary<string, FileProjection>> SecretAsync(IConfigObjects objects, string ns, string name,
        IList<V1KeyToPath>? items, int? defaultMode, bool optional, CancellationToken ct)
    {
        var secret = await objects.SecretAsync(ns, name, ct).ConfigureAwait(false);
        if (secret is null && !optional) throw new PayloadException(ApiObjects.SecretNotFound(name));
        return KeysToFiles(secret is null ? [] : ApiObjects.Bytes(secret), items, defaultMode ?? DefaultMode, optional,
            "references non-existent secret key: ");
    }

    /// <summary>All keys as files named after them, or just <c>items</c> (key → path, per-item mode).</summary>
    public static Dictionary<string, FileProjection> KeysToFiles(IReadOnlyDictionary<string, byte[]> data, IList<V1KeyToPath>? items,
        int defaultMode, bool optional, string missingKeyError)
    {
        var files = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        if (items is not { Count: > 0 })
        {
            foreach (var (k, v) in data) files[k] = new FileProjection(v, defaultMode);
            return files;
        }
        foreach (var item in items)
        {
            if (!data.TryGetValue(item.Key, out var v))
            {
                if (optional) continue;
                throw new PayloadException(missingKeyError + item.Key);
            }
            files[Clean(item.Path)] = new FileProjection(v, item.Mode ?? defaultMode);
        }
        return files;
    }

    public static async Task<Dictionary<string, FileProjection>> DownwardApiAsync(V1Pod pod, IList<V1DownwardAPIVolumeFile>? items,
        int? defaultMode, IKubernetes client, string nodeName, CancellationToken ct)
    {
        var files = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        IDictionary<string, ResourceQuantity>? allocatable = null;
        var errors = new List<string>();
        foreach (var item in items ?? [])
        {
            string? value = null;
            try
            {
                if (item.FieldRef is { } field) value = PodFieldPath.Metadata(pod, field.FieldPath);
                else if (item.ResourceFieldRef is { } res)
                {
                    allocatable ??= (await ApiObjects.NodeAsync(client, nodeName, ct).ConfigureAwait(false))?.Status?.Allocatable;
                    var container = (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []).FirstOrDefault(c => c.Name == res.ContainerName)
                        ?? throw new InvalidOperationException($"container {res.ContainerName} not found");
                    value = ResourceFieldValue.Of(container, res.Resource, res.Divisor, allocatable);
                }
            }
            catch (InvalidOperationException e) { errors.Add(e.Message); continue; }
            files[Clean(item.Path)] = new FileProjection(System.Text.Encoding.UTF8.GetBytes(value ?? ""), item.Mode ?? defaultMode ?? DefaultMode);
        }
        if (errors.Count > 0) throw new PayloadException(errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]");
        return files;
    }

    /// <summary>
    /// A projected volume: the union of its sources (configMap, secret, downwardAPI, serviceAccountToken); each source's files
    /// with the volume's defaultMode unless an item says otherwise. <paramref name="token"/> supplies the token's text.
    /// </summary>
    public static async Task<Dictionary<string, FileProjection>> ProjectedAsync(V1Pod pod, V1ProjectedVolumeSource projected,
        IKubernetes client, IConfigObjects objects, string nodeName, Func<V1ServiceAccountTokenProjection, CancellationToken, Task<string>> token,
        CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "default";
        var mode = projected.DefaultMode ?? DefaultMode;
        var files = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var source in projected.Sources ?? [])
        {
            try
            {
                Dictionary<string, FileProjection>? part = null;
                if (source.ConfigMap is { } cm)
                    part = await ConfigMapAsync(objects, ns, cm.Name, cm.Items, mode, cm.Optional == true, ct).ConfigureAwait(false);
                else if (source.Secret is { } s)
                    part = await SecretAsync(objects, ns, s.Name, s.Items, mode, s.Optional == true, ct).ConfigureAwait(false);
                else if (source.DownwardAPI is { } d)
                    part = await DownwardApiAsync(pod, d.Items, mode, client, nodeName, ct).ConfigureAwait(false);
                else if (source.ServiceAccountToken is { } sat)
                    part = new() { [Clean(sat.Path)] = new FileProjection(System.Text.Encoding.UTF8.GetBytes(await token(sat, ct).ConfigureAwait(false)), mode) };
                foreach (var (k, v) in part ?? []) files[k] = v;
            }
            catch (PayloadException e) { errors.Add(e.Message); }
        }
        if (errors.Count > 0) throw new PayloadException(errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]");
        return files;
    }

    private static string Clean(string path) => string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "."));
}
