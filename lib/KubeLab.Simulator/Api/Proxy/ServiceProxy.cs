using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.Api;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;
using KubeLab.Simulator.Metrics;
using KubeLab.Simulator.Network;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace KubeLab.Simulator.Api.Proxy;

/// <summary>
/// The API server's proxy subresources: <c>/api/v1/namespaces/{ns}/services/{[scheme:]name[:port]}/proxy/{path}</c> picks a
/// ready address of the Service's Endpoints object at random (as the 1.32 apiserver does, without kube-proxy) and <c>.../pods/{name[:port]}/proxy/{path}</c> targets one pod.
/// The request goes over the pod network to whatever listens on that pod IP and port (<see cref="ProxyForwarding"/>); the
/// answer's status, content type and body come back as they are.
/// </summary>
public sealed class ServiceProxy(RestStorage storage, DataPlane dataPlane)
{
    private static readonly ResourceType PodType = ResourceRegistry.Types.First(t => t.Group.Length == 0 && t.Kind == "Pod");
    private static readonly ResourceType ServiceType = ResourceRegistry.Types.First(t => t.Group.Length == 0 && t.Kind == "Service");
    private static readonly ResourceType NodeType = ResourceRegistry.Types.First(t => t.Group.Length == 0 && t.Kind == "Node");
    private static readonly ResourceType EndpointsType = ResourceRegistry.Types.First(t => t.Group.Length == 0 && t.Kind == "Endpoints");

    /// <summary>True for <c>api/v1/namespaces/{ns}/(services|pods)/{name}/proxy[/…]</c>.</summary>
    public static bool Matches(string[] seg) =>
        seg.Length >= 7 && seg[0] == "api" && seg[1] == "v1" && seg[2] == "namespaces" && seg[4] is "services" or "pods" && seg[6] == "proxy";

    public async Task Serve(HttpContext ctx, string[] seg)
    {
        var ns = seg[3];
        var (name, port) = SplitNamePort(seg[5]);
        var path = "/" + string.Join('/', seg[7..]);
        V1Pod pod;
        string targetPort;
        if (seg[4] == "services")
        {
            var svcJson = storage.Store.Get(ServiceType, ns, name) ?? throw ApiError.NotFound(ServiceType, name);
            var svc = KubernetesJson.Deserialize<V1Service>(svcJson.ToJsonString());
            // A port number is first mapped to the service port that declares it (and must exist); a name or "" matches by name.
            var byNumber = int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var portNumber);
            var svcPort = (svc.Spec?.Ports ?? []).FirstOrDefault(p => byNumber ? p.Port == portNumber : (p.Name ?? "") == port);
            if (byNumber && svcPort is null)
                throw new ApiError(503, "ServiceUnavailable", $"no service port {portNumber} found for service \"{name}\"");
            // ResourceLocation (pkg/registry/core/service/storage/storage.go): the Endpoints object, a random subset with
            // addresses that has the port (by name), a random address in it whose targetRef is a pod with that IP.
            var endpointsJson = storage.Store.Get(EndpointsType, ns, name) ?? throw ApiError.NotFound(EndpointsType, name);
            var endpoints = KubernetesJson.Deserialize<V1Endpoints>(endpointsJson.ToJsonString());
            var picked = svcPort is null ? null : PickAddress(endpoints, svcPort.Name ?? "", ns);
            if (picked is null)
                throw new ApiError(503, "ServiceUnavailable", $"no endpoints available for service \"{name}\"");
            (pod, targetPort) = picked.Value;
        }
        else
        {
            var podJson = storage.Store.Get(PodType, ns, name) ?? throw ApiError.NotFound(PodType, name);
            pod = KubernetesJson.Deserialize<V1Pod>(podJson.ToJsonString());
            // ResourceLocation (pkg/registry/core/pod/strategy.go): no port given → the first declared container port, else
            // none (HTTP's 80); a pod without a usable IP → 400 "address not allowed".
            targetPort = port.Length > 0 ? port
                : pod.Spec?.Containers?.SelectMany(c => c.Ports ?? []).FirstOrDefault()?.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "80";
            if (!System.Net.IPAddress.TryParse(pod.Status?.PodIP, out _))
                throw ApiError.BadRequest("address not allowed");
        }

        var target = ResolvePort(pod, targetPort);
        var ip = pod.Status!.PodIP;
        await ProxyForwarding.ForwardAsync(ctx, dataPlane.Network, ip, target, path, ApiServerAddress());
    }

    /// <summary>The API server's own address as pods see it: kind's control-plane node (kube-apiserver runs on its host network).</summary>
    private string ApiServerAddress() =>
        storage.Store.List(NodeType, null).Items
            .Where(n => n.Labels().ContainsKey("node-role.kubernetes.io/control-plane"))
            .Select(n => (n.Path("status.addresses") as JsonArray)?.FirstOrDefault(a => a?["type"]?.ToString() == "InternalIP")?["address"]?.ToString())
            .FirstOrDefault(a => a is not null) ?? "172.18.0.2";

    /// <summary><c>name</c>, <c>name:port</c> or <c>scheme:name:port</c> (the scheme is ignored: everything is plain HTTP here).</summary>
    public static (string Name, string Port) SplitNamePort(string id)
    {
        var parts = id.Split(':');
        return parts.Length switch
        {
            1 => (parts[0], ""),
            2 => (parts[0], parts[1]),
            _ => (parts[1], parts[2]),
        };
    }

    /// <summary>A random ready address serving <paramref name="portName"/>, as the pod it belongs to, and the endpoint port; null if none.</summary>
    private (V1Pod Pod, string Port)? PickAddress(V1Endpoints endpoints, string portName, string ns)
    {
        var subsets = endpoints.Subsets ?? [];
        if (subsets.Count == 0) return null;
        var subsetSeed = Random.Shared.Next(subsets.Count);
        for (var si = 0; si < subsets.Count; si++)
        {
            var subset = subsets[(subsetSeed + si) % subsets.Count];
            if (subset.Addresses is not { Count: > 0 } addresses) continue;
            foreach (var port in (subset.Ports ?? []).Where(p => (p.Name ?? "") == portName))
            {
                var addressSeed = Random.Shared.Next(addresses.Count);
                for (var t = 0; t < addresses.Count; t++)
                {
                    var address = addresses[(addressSeed + t) % addresses.Count];
                    // isValidAddress: only addresses that are pods (targetRef) with that very IP are proxied to.
                    if (address.TargetRef is not { Kind: "Pod" } target) continue;
                    var podJson = storage.Store.Get(PodType, target.NamespaceProperty ?? ns, target.Name);
                    if (podJson is null) continue;
                    var pod = KubernetesJson.Deserialize<V1Pod>(podJson.ToJsonString());
                    if (pod.Status?.PodIP != address.Ip && pod.Status?.PodIPs?.Any(i => i.Ip == address.Ip) != true) continue;
                    pod.Status!.PodIP = address.Ip;
                    return (pod, port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
        return null;
    }

    /// <summary>A named targetPort is looked up among the pod's container ports.</summary>
    private static int ResolvePort(V1Pod pod, string port)
    {
        if (int.TryParse(port, out var n)) return n;
        return pod.Spec?.Containers?.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == port)?.ContainerPort ?? -1;
    }
}
