using k8s;
using k8s.Models;
using KubeLab.Simulator.Kubelet.Volumes;

namespace KubeLab.Simulator.Kubelet.Environment;

/// <summary>
/// The environment the kubelet gives a container (kubelet_pods.go makeEnvironmentVariables), in its order:
/// <list type="number">
/// <item>service links: the <c>kubernetes</c> service of namespace default always, plus every service of the pod's namespace
/// unless <c>enableServiceLinks: false</c> (see <see cref="ServiceLinkEnv"/>);</item>
/// <item><c>envFrom</c> configMaps/secrets with their prefix (later sources override earlier ones). Since 1.30 the kubelet
/// no longer skips keys that are not C identifiers (KEP-4369: RelaxedEnvironmentVariableValidation removed that filter and its
/// <c>InvalidEnvironmentVariableNames</c> event; configMap/secret keys are always valid relaxed names), so every key is taken;</item>
/// <item><c>env</c> in order: <c>value</c> with <c>$(VAR)</c> expansion against what is defined so far and the service links,
/// or <c>valueFrom</c> (configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef) — not expanded;</item>
/// <item>service-link variables not overridden by the container.</item>
/// </list>
/// <c>HOSTNAME</c> (set by containerd for every container) is added unless the container defines it; <c>PATH</c> and the
/// image's other variables are the caller's. A missing non-optional configMap/secret/key throws
/// <see cref="ContainerConfigException"/> with the kubelet's message.
/// </summary>
public static class ContainerEnvironment
{
    /// <summary>The services of a namespace as the kubelet knows them (its Services informer on a node).</summary>
    public delegate Task<IReadOnlyList<V1Service>> ServicesIn(string ns, CancellationToken ct);

    /// <summary>Services read through the API on each call (for callers without an informer).</summary>
    public static ServicesIn ServicesFrom(IKubernetes client) =>
        async (ns, ct) => (await client.CoreV1.ListNamespacedServiceAsync(ns, cancellationToken: ct).ConfigureAwait(false)).Items.ToList();

    public static Task<Dictionary<string, string>> ResolveAsync(V1Pod pod, V1Container c, string podIp, string hostIp,
        IKubernetes client, CancellationToken ct) => ResolveAsync(pod, c, podIp, hostIp, client, new Managers.ApiGetConfigObjects(client), ServicesFrom(client), ct);

    public static async Task<Dictionary<string, string>> ResolveAsync(V1Pod pod, V1Container c, string podIp, string hostIp,
        IKubernetes client, Managers.IConfigObjects objects, ServicesIn services, CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "default";
        var serviceEnv = await ServiceEnvAsync(pod, services, ct).ConfigureAwait(false);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        var configMaps = new Dictionary<string, V1ConfigMap>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, V1Secret>(StringComparer.Ordinal);

        async Task<V1ConfigMap?> ConfigMap(string name, bool optional)
        {
            if (configMaps.TryGetValue(name, out var cached)) return cached;
            var cm = await objects.ConfigMapAsync(ns, name, ct).ConfigureAwait(false);
            if (cm is null) return optional ? null : throw new ContainerConfigException(ApiObjects.ConfigMapNotFound(name));
            return configMaps[name] = cm;
        }

        async Task<V1Secret?> Secret(string name, bool optional)
        {
            if (secrets.TryGetValue(name, out var cached)) return cached;
            var s = await objects.SecretAsync(ns, name, ct).ConfigureAwait(false);
            if (s is null) return optional ? null : throw new ContainerConfigException(ApiObjects.SecretNotFound(name));
            return secrets[name] = s;
        }

        foreach (var from in c.EnvFrom ?? [])
        {
            var prefix = from.Prefix ?? "";
            if (from.ConfigMapRef is { } cmRef && await ConfigMap(cmRef.Name, cmRef.Optional == true).ConfigureAwait(false) is { } cm)
                foreach (var (k, v) in cm.Data ?? new Dictionary<string, string>()) env[prefix + k] = v ?? "";
            if (from.SecretRef is { } sRef && await Secret(sRef.Name, sRef.Optional == true).ConfigureAwait(false) is { } secret)
                foreach (var (k, v) in ApiObjects.Bytes(secret)) env[prefix + k] = System.Text.Encoding.UTF8.GetString(v);
        }

        var podIps = pod.Status?.PodIPs?.Select(p => p.Ip).Where(ip => !string.IsNullOrEmpty(ip)).ToList() is { Count: > 0 } ips ? ips
            : string.IsNullOrEmpty(podIp) ? [] : [podIp];
        var hostIps = pod.Status?.HostIPs?.Select(h => h.Ip).Where(ip => !string.IsNullOrEmpty(ip)).ToList() is { Count: > 0 } hips ? hips
            : string.IsNullOrEmpty(hostIp) ? [] : [hostIp];
        IDictionary<string, ResourceQuantity>? allocatable = null;

        foreach (var e in c.Env ?? [])
        {
            string? value = e.Value ?? "";
            if (value.Length > 0)
                value = EnvExpansion.Expand(value, EnvExpansion.Lookup(env, serviceEnv));
            else if (e.ValueFrom is { } from)
            {
                if (from.ConfigMapKeyRef is { } cmKey)
                {
                    var optional = cmKey.Optional == true;
                    var cm = await ConfigMap(cmKey.Name, optional).ConfigureAwait(false);
                    if (cm is null) continue;
                    if (cm.Data?.TryGetValue(cmKey.Key, out var v) != true)
                    {
                        if (optional) continue;
                        throw new ContainerConfigException($"couldn't find key {cmKey.Key} in ConfigMap {ns}/{cmKey.Name}");
                    }
                    value = v;
                }
                else if (from.SecretKeyRef is { } sKey)
                {
                    var optional = sKey.Optional == true;
                    var secret = await Secret(sKey.Name, optional).ConfigureAwait(false);
                    if (secret is null) continue;
                    if (!ApiObjects.Bytes(secret).TryGetValue(sKey.Key, out var bytes))
                    {
                        if (optional) continue;
                        throw new ContainerConfigException($"couldn't find key {sKey.Key} in Secret {ns}/{sKey.Name}");
                    }
                    value = System.Text.Encoding.UTF8.GetString(bytes);
                }
                else if (from.FieldRef is { } field)
                {
                    try { value = PodFieldPath.ForEnv(pod, field.FieldPath, podIps, hostIps); }
                    catch (InvalidOperationException x) { throw new ContainerConfigException(x.Message); }
                }
                else if (from.ResourceFieldRef is { } res)
                {
                    allocatable ??= (await ApiObjects.NodeAsync(client, pod.Spec?.NodeName ?? "", ct).ConfigureAwait(false))?.Status?.Allocatable;
                    var target = string.IsNullOrEmpty(res.ContainerName) ? c
                        : (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []).FirstOrDefault(x => x.Name == res.ContainerName) ?? c;
                    try { value = ResourceFieldValue.Of(target, res.Resource, res.Divisor, allocatable); }
                    catch (InvalidOperationException x) { throw new ContainerConfigException(x.Message); }
                }
            }
            env[e.Name] = value ?? "";
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOSTNAME"] = PodHostname.Of(pod).Hostname };
        foreach (var (k, v) in env) result[k] = v;
        foreach (var (k, v) in serviceEnv) result.TryAdd(k, v);
        return result;
    }

    /// <summary>getServiceEnvVarMap: the master service "kubernetes" from default always, the namespace's services if enabled.</summary>
    private static async Task<Dictionary<string, string>> ServiceEnvAsync(V1Pod pod, ServicesIn servicesIn, CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "default";
        var services = new Dictionary<string, V1Service>(StringComparer.Ordinal);
        if ((await servicesIn("default", ct).ConfigureAwait(false)).FirstOrDefault(s => s.Metadata.Name == "kubernetes") is { } master)
            services["kubernetes"] = master;
        if (pod.Spec?.EnableServiceLinks != false)
            foreach (var s in await servicesIn(ns, ct).ConfigureAwait(false)) services[s.Metadata.Name] = s;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in services.Values)
            foreach (var (k, v) in ServiceLinkEnv.For(s)) env[k] = v;
        return env;
    }
}
