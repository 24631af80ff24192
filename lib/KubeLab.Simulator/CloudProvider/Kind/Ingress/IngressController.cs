using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.CloudProvider.Kind.Gateway;
using KubeLab.Simulator.CloudProvider.Kind.GatewayApi;

namespace KubeLab.Simulator.CloudProvider.Kind.Ingress;

/// <summary>
/// cloud-provider-kind's ingress controller (pkg/ingress/controller.go, v0.9.0+): creates IngressClass <c>cloud-provider-kind</c>
/// (controller <c>kind.sigs.k8s.io/ingress-controller</c>, the default class) when missing; every namespace with Ingresses of
/// that class (or without a class while it is the default) gets the Gateway <c>kind-ingress-gateway</c> (listener http:80,
/// https:443 with the Ingresses' TLS Secrets as certificateRefs), each Ingress one HTTPRoute per host
/// (<c>&lt;ingress&gt;-&lt;sha256(host)[:10]&gt;</c>) and one for the host-less rules or defaultBackend
/// (<c>&lt;ingress&gt;-default-backend</c>), owned by the Ingress; paths sorted Exact first then longest; Prefix and
/// ImplementationSpecific become PathPrefix. The Ingress's status.loadBalancer.ingress[].ip is the Gateway's address.
/// Like <see cref="GatewayController"/> it re-reads the objects every second of cluster time instead of using informers.
/// </summary>
public sealed class IngressController(IKubernetes client, TimeProvider time)
{
    public const string ClassName = "cloud-provider-kind";
    public const string ClassController = "kind.sigs.k8s.io/ingress-controller";
    public const string GatewayName = "kind-ingress-gateway";
    private readonly GatewayApiClient api = new(client);
    private string? syncedVersion;

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await SyncAsync(ct).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException) { /* CRDs not there yet, a conflict: the next pass redoes it */ }
            await Task.Delay(GatewayController.ResyncPeriod, time, ct).ConfigureAwait(false);
        }
    }

    private async Task SyncAsync(CancellationToken ct)
    {
        var classList = await client.NetworkingV1.ListIngressClassAsync(cancellationToken: ct).ConfigureAwait(false);
        // Nothing written anywhere since the last complete pass: nothing to do (the real controller waits for watch events).
        if (classList.Metadata?.ResourceVersion is { Length: > 0 } version && version == syncedVersion) return;
        var classes = classList.Items;
        var ours = classes.FirstOrDefault(c => c.Metadata.Name == ClassName);
        if (ours is null)
        {
            await client.NetworkingV1.CreateIngressClassAsync(new V1IngressClass
            {
                Metadata = new V1ObjectMeta { Name = ClassName, Annotations = new Dictionary<string, string> { ["ingressclass.kubernetes.io/is-default-class"] = "true" } },
                Spec = new V1IngressClassSpec { Controller = ClassController },
            }, cancellationToken: ct).ConfigureAwait(false);
            return;
        }
        var isDefault = ours.Metadata.Annotations?.TryGetValue("ingressclass.kubernetes.io/is-default-class", out var d) == true && d == "true";
        var ingresses = (await client.NetworkingV1.ListIngressForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false)).Items
            .Where(i => i.Spec?.IngressClassName is { } c ? c == ClassName : isDefault).ToList();
        var gateways = (await api.ListAsync("gateways", "v1", ct).ConfigureAwait(false)).Where(g => GatewayController.Name(g) == GatewayName)
            .ToDictionary(GatewayController.Namespace);
        var routes = await api.ListAsync("httproutes", "v1", ct).ConfigureAwait(false);
        var services = ingresses.Count == 0 ? [] : (await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false)).Items;
        int? NamedPort(string ns, string svc, string port) =>
            services.FirstOrDefault(s => s.Metadata.NamespaceProperty == ns && s.Metadata.Name == svc)?.Spec?.Ports?.FirstOrDefault(p => p.Name == port)?.Port;
        foreach (var group in ingresses.GroupBy(i => i.Metadata.NamespaceProperty))
        {
            var ns = group.Key;
            var listeners = Listeners(group);
            if (!gateways.TryGetValue(ns, out var gw))
            {
                await api.CreateAsync("gateways", ns, new JsonObject
                {
                    ["apiVersion"] = $"{GatewayApiCrds.Group}/v1", ["kind"] = "Gateway", ["metadata"] = new JsonObject { ["name"] = GatewayName, ["namespace"] = ns },
                    ["spec"] = new JsonObject { ["gatewayClassName"] = GatewayController.ClassName, ["listeners"] = listeners },
                }, ct).ConfigureAwait(false);
                continue; // the next pass sees it
            }
            if (!JsonNode.DeepEquals(gw["spec"]?["listeners"], listeners))
                await api.PatchAsync("gateways", ns, GatewayName, new JsonObject { ["spec"] = new JsonObject { ["listeners"] = listeners } }, ct).ConfigureAwait(false);
            foreach (var ing in group) await SyncIngressAsync(ing, gw, routes, NamedPort, ct).ConfigureAwait(false);
        }
        syncedVersion = classList.Metadata?.ResourceVersion;
    }

    private static JsonArray Listeners(IEnumerable<V1Ingress> ingresses)
    {
        var same = new JsonObject { ["namespaces"] = new JsonObject { ["from"] = "Same" } };
        var listeners = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 80, ["protocol"] = "HTTP", ["allowedRoutes"] = same.DeepClone() });
        var secrets = ingresses.SelectMany(i => i.Spec?.Tls ?? []).Select(t => t.SecretName).Where(s => !string.IsNullOrEmpty(s)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (secrets.Count > 0)
            listeners.Add(new JsonObject
            {
                ["name"] = "https", ["port"] = 443, ["protocol"] = "HTTPS", ["allowedRoutes"] = same.DeepClone(),
                ["tls"] = new JsonObject
                {
                    ["mode"] = "Terminate",
                    ["certificateRefs"] = new JsonArray(secrets.Select(s => (JsonNode)new JsonObject { ["group"] = "", ["kind"] = "Secret", ["name"] = s }).ToArray()),
                },
            });
        return listeners;
    }

    private async Task SyncIngressAsync(V1Ingress ing, JsonObject gw, List<JsonObject> routes, Func<string, string, string, int?> namedPort, CancellationToken ct)
    {
        var ns = ing.Metadata.NamespaceProperty;
        var desired = DesiredRoutes(ing, namedPort);
        var owned = routes.Where(r => GatewayController.Namespace(r) == ns
            && (r["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().Any(o => (string?)o["uid"] == ing.Metadata.Uid)).ToDictionary(GatewayController.Name);
        var owner = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1", ["kind"] = "Ingress", ["name"] = ing.Metadata.Name, ["uid"] = ing.Metadata.Uid,
            ["controller"] = true, ["blockOwnerDeletion"] = true,
        });
        foreach (var (name, spec) in desired)
        {
            if (!owned.Remove(name, out var existing))
            {
                var body = new JsonObject
                {
                    ["apiVersion"] = $"{GatewayApiCrds.Group}/v1", ["kind"] = "HTTPRoute",
                    ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["ownerReferences"] = owner.DeepClone() }, ["spec"] = spec,
                };
                try { await api.CreateAsync("httproutes", ns, body, ct).ConfigureAwait(false); }
                catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict) { }
            }
            else if (!SameSpec(existing["spec"] as JsonObject, spec))
                await api.PatchAsync("httproutes", ns, name, new JsonObject { ["spec"] = new JsonObject { ["hostnames"] = spec["hostnames"]?.DeepClone(), ["rules"] = spec["rules"]!.DeepClone() } }, ct).ConfigureAwait(false);
        }
        foreach (var stale in owned.Keys) await api.DeleteAsync("httproutes", ns, stale, ct).ConfigureAwait(false);

        // updateIngressStatus: the Gateway's addresses as IPs.
        var ips = (gw["status"]?["addresses"] as JsonArray ?? []).OfType<JsonObject>().Select(a => (string?)a["value"]).OfType<string>().ToList();
        var current = ing.Status?.LoadBalancer?.Ingress?.Select(i => i.Ip ?? i.Hostname).ToList() ?? [];
        if (ips.Count > 0 && !ips.SequenceEqual(current))
        {
            var status = new JsonObject { ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(ips.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip }).ToArray()) } } };
            await client.NetworkingV1.PatchNamespacedIngressStatusAsync(new V1Patch(status.ToJsonString(), V1Patch.PatchType.MergePatch), ing.Metadata.Name, ns, cancellationToken: ct).ConfigureAwait(false);
        }
    }

    /// <summary>The CRD defaults the route on the way in; compare only what the translation sets.</summary>
    private static bool SameSpec(JsonObject? existing, JsonObject desired) =>
        existing is not null && JsonNode.DeepEquals(existing["hostnames"] ?? new JsonArray(), desired["hostnames"] ?? new JsonArray())
        && Summary(existing["rules"]) == Summary(desired["rules"]);

    private static string Summary(JsonNode? rules) => string.Join(";", (rules as JsonArray ?? []).OfType<JsonObject>().Select(r =>
        $"{r["matches"]?[0]?["path"]?["type"]}:{r["matches"]?[0]?["path"]?["value"]}>" +
        string.Join(",", (r["backendRefs"] as JsonArray ?? []).Select(b => $"{b?["name"]}:{b?["port"]}"))));

    /// <summary>generateDesiredHTTPRoutes: route name → spec.</summary>
    internal static Dictionary<string, JsonObject> DesiredRoutes(V1Ingress ing, Func<string, string, string, int?> namedPort)
    {
        var parent = new JsonObject { ["group"] = GatewayApiCrds.Group, ["kind"] = "Gateway", ["name"] = GatewayName, ["namespace"] = ing.Metadata.NamespaceProperty };
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        // resolveBackendPort: a number as given, a name through the Service's ports.
        int? Port(V1IngressServiceBackend svc) => svc.Port?.Number is { } n and not 0 ? n
            : svc.Port?.Name is { Length: > 0 } name ? namedPort(ing.Metadata.NamespaceProperty, svc.Name, name) : null;
        var defaultPaths = new List<V1HTTPIngressPath>();
        var hasDefaultRule = false;
        foreach (var rule in ing.Spec?.Rules ?? [])
        {
            if (string.IsNullOrEmpty(rule.Host))
            {
                if (rule.Http is not null) { defaultPaths.AddRange(rule.Http.Paths ?? []); hasDefaultRule = true; }
                continue;
            }
            if (rule.Http is null) continue;
            result[RouteName(ing.Metadata.Name, rule.Host)] = new JsonObject
            {
                ["parentRefs"] = new JsonArray(parent.DeepClone()), ["hostnames"] = new JsonArray(rule.Host), ["rules"] = Rules(rule.Http.Paths ?? [], Port),
            };
        }
        JsonArray? defaultRules = hasDefaultRule ? Rules(defaultPaths, Port)
            : ing.Spec?.DefaultBackend?.Service is { } svc
                ? new JsonArray(new JsonObject { ["backendRefs"] = new JsonArray(Backend(svc, Port)) })
                : null;
        if (defaultRules is not null)
            result[RouteName(ing.Metadata.Name, "")] = new JsonObject { ["parentRefs"] = new JsonArray(parent.DeepClone()), ["rules"] = defaultRules };
        return result;
    }

    internal static string RouteName(string ingress, string host) =>
        host.Length == 0 ? $"{ingress}-default-backend" : $"{ingress}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(host)))[..10]}";

    /// <summary>translateIngressPaths: Exact first, then longer paths; Prefix and ImplementationSpecific → PathPrefix.</summary>
    private static JsonArray Rules(IEnumerable<V1HTTPIngressPath> paths, Func<V1IngressServiceBackend, int?> port)
    {
        var sorted = paths.OrderBy(p => p.PathType == "Exact" ? 0 : 1).ThenByDescending(p => (p.Path ?? "").Length).ToList();
        return new JsonArray(sorted.Select(p => (JsonNode)new JsonObject
        {
            ["matches"] = new JsonArray(new JsonObject { ["path"] = new JsonObject { ["type"] = p.PathType == "Exact" ? "Exact" : "PathPrefix", ["value"] = string.IsNullOrEmpty(p.Path) ? "/" : p.Path } }),
            ["backendRefs"] = new JsonArray(Backend(p.Backend.Service, port)),
        }).ToArray());
    }

    private static JsonObject Backend(V1IngressServiceBackend svc, Func<V1IngressServiceBackend, int?> port)
    {
        var b = new JsonObject { ["group"] = "", ["kind"] = "Service", ["name"] = svc.Name, ["weight"] = 1 };
        // An unresolvable named port: upstream fails the sync; here the backendRef goes without a port (the route reports it).
        if (port(svc) is { } p) b["port"] = p;
        return b;
    }
}
