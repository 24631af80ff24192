using System.Collections.Concurrent;
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
/// ready endpoint of the Service (pods matching its selector that are Ready and not terminating; round-robin, where the real
/// apiserver picks at random – same spread on average) and <c>.../pods/{name[:port]}/proxy/{path}</c> targets one pod.
/// The request goes over the pod network to whatever listens on that pod IP and port (<see cref="ProxyForwarding"/>); the
/// answer's status, content type and body come back as they are.
/// </summary>
public sealed class ServiceProxy(RestStorage storage, DataPlane dataPlane)
{
    private static readonly ResourceType PodType = ResourceRegistry.Types.First(t => t.Group.Length == 0 && t.Kind == "Pod");
    private static readonly ResourceType ServiceType = ResourceRegistry.Types.First(t => t.Group.Length == 0 && t.Kind == "Service");
    private static readonly ResourceType NodeType = ResourceRegistry.Types.First(t => t.Group.Length == 0 && t.Kind == "Node");
    private readonly ConcurrentDictionary<string, int> next = new();

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
            var endpoints = svcPort is null || svc.Spec?.Selector is not { Count: > 0 } selector ? [] : ReadyPods(ns, selector);
            if (svcPort is null || endpoints.Count == 0)
                throw new ApiError(503, "ServiceUnavailable", $"no endpoints available for service \"{name}\"");
            var i = next.AddOrUpdate($"{ns}/{name}", 0, (_, n) => n + 1);
            pod = endpoints[(int)((uint)i % (uint)endpoints.Count)];
            targetPort = svcPort.TargetPort?.Value is { Length: > 0 } tp ? tp : svcPort.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
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

    private List<V1Pod> ReadyPods(string ns, IDictionary<string, string> selector) =>
        storage.Store.List(PodType, ns).Items
            .Where(p => !p.IsDeleting() && selector.All(kv => p.Labels().TryGetValue(kv.Key, out var v) && v == kv.Value))
            .Select(p => KubernetesJson.Deserialize<V1Pod>(p.ToJsonString()))
            .Where(p => !string.IsNullOrEmpty(p.Status?.PodIP) && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();

    /// <summary>A named targetPort is looked up among the pod's container ports.</summary>
    private static int ResolvePort(V1Pod pod, string port)
    {
        if (int.TryParse(port, out var n)) return n;
        return pod.Spec?.Containers?.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == port)?.ContainerPort ?? -1;
    }
}
