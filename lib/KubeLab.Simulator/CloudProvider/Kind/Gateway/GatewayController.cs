using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeLab.Simulator.CloudProvider.Kind.GatewayApi;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.CloudProvider.Kind.Gateway;

/// <summary>
/// cloud-provider-kind's gateway controller (pkg/gateway/controller.go, gateway.go, httproute.go, grpcroute.go): installs the
/// Gateway API CRDs if missing, creates GatewayClass <c>cloud-provider-kind</c> if missing and accepts every class naming
/// <see cref="ControllerName"/>; each Gateway of such a class gets an Envoy (<see cref="GatewayProxy"/>) at an address of the
/// kind network shared with the load balancers, Accepted/Programmed conditions and per-listener status; HTTPRoutes and
/// GRPCRoutes get <c>status.parents</c> (Accepted, ResolvedRefs) for each parentRef naming such a Gateway. An HTTPS listener
/// terminates TLS with the certificates of its <c>certificateRefs</c> (<see cref="ListenerTls"/>); one whose refs do not resolve
/// reports ResolvedRefs=False (InvalidCertificateRef) and is not programmed, so its port does not listen. Gateways of other
/// classes are left alone. Simplification: instead of informers it re-reads the objects every <see cref="ResyncPeriod"/> of
/// cluster time (level-triggered), skipping the pass when the store's resourceVersion has not moved since the last complete one;
/// that bounds how fast a new route takes traffic.
/// </summary>
public sealed class GatewayController : IDisposable
{
    public const string ClassName = "cloud-provider-kind";
    public const string ControllerName = "kind.sigs.k8s.io/gateway-controller";
    public static readonly TimeSpan ResyncPeriod = TimeSpan.FromSeconds(1);

    private readonly IKubernetes client;
    private readonly GatewayApiClient api;
    private readonly Informer<V1Service, V1ServiceList> services;
    private readonly Informer<V1Node, V1NodeList> nodes;
    private readonly ClusterNetwork network;
    private readonly KindNetworkAddresses addresses;
    private readonly TimeProvider time;
    private readonly Dictionary<string, GatewayProxy> proxies = new(StringComparer.Ordinal);
    private volatile string? syncedVersion;
    private int serviceChanges;

    private void Invalidate()
    {
        Interlocked.Increment(ref serviceChanges);
        syncedVersion = null;
    }

    public GatewayController(IKubernetes client, Informer<V1Service, V1ServiceList> services, Informer<V1Node, V1NodeList> nodes,
        ClusterNetwork network, KindNetworkAddresses addresses, TimeProvider time)
    {
        this.client = client;
        api = new GatewayApiClient(client);
        this.services = services;
        this.nodes = nodes;
        this.network = network;
        this.addresses = addresses;
        this.time = time;
        // The backends come from the Service cache, which may lag the store: a change there redoes the pass.
        services.AddHandler(_ => Invalidate(), (_, _) => Invalidate(), _ => Invalidate());
    }

    /// <summary>The running Envoys by Gateway "ns/name" (for the bench and tests).</summary>
    public IReadOnlyDictionary<string, GatewayProxy> Proxies { get { lock (proxies) return new Dictionary<string, GatewayProxy>(proxies); } }

    public async Task RunAsync(CancellationToken ct)
    {
        await GatewayApiInstaller.InstallAsync(client, time, ct).ConfigureAwait(false);
        await services.Synced.WaitAsync(ct).ConfigureAwait(false);
        await nodes.Synced.WaitAsync(ct).ConfigureAwait(false);
        while (!ct.IsCancellationRequested)
        {
            try { await SyncAsync(ct).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException) { /* a conflict or a race with a delete: the next pass redoes it */ }
            await Task.Delay(ResyncPeriod, time, ct).ConfigureAwait(false);
        }
    }

    private async Task SyncAsync(CancellationToken ct)
    {
        var changesAtStart = Volatile.Read(ref serviceChanges);
        var (classes, version) = await api.ListWithVersionAsync("gatewayclasses", "v1", ct).ConfigureAwait(false);
        // Nothing written anywhere since the last complete pass: nothing to do (the real controller waits for watch events).
        if (version.Length > 0 && version == syncedVersion) return;
        if (!classes.Any(c => Name(c) == ClassName))
        {
            // pkg/gateway/controller.go Run: the class is created when missing.
            await api.CreateClusterAsync("gatewayclasses", new JsonObject
            {
                ["apiVersion"] = $"{GatewayApiCrds.Group}/v1", ["kind"] = "GatewayClass", ["metadata"] = new JsonObject { ["name"] = ClassName },
                ["spec"] = new JsonObject { ["controllerName"] = ControllerName, ["description"] = "cloud-provider-kind gateway API" },
            }, ct).ConfigureAwait(false);
            classes = await api.ListAsync("gatewayclasses", "v1", ct).ConfigureAwait(false);
        }
        var now = time.GetUtcNow();
        var ours = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in classes.Where(c => (string?)c["spec"]?["controllerName"] == ControllerName))
        {
            ours.Add(Name(c));
            var conditions = Conditions.Merge(c["status"]?["conditions"] as JsonArray,
                [Conditions.Make("Accepted", true, "Accepted", "GatewayClass is accepted by this controller.", Generation(c))], now);
            if (conditions is not null) await api.PatchStatusAsync("gatewayclasses", null, Name(c), new JsonObject { ["conditions"] = conditions }, ct).ConfigureAwait(false);
        }
        var gateways = (await api.ListAsync("gateways", "v1", ct).ConfigureAwait(false))
            .Where(g => ours.Contains((string?)g["spec"]?["gatewayClassName"] ?? "") && g["metadata"]?["deletionTimestamp"] is null).ToList();
        var routes = (await api.ListAsync("httproutes", "v1", ct).ConfigureAwait(false)).Select(r => (Kind: "HTTPRoute", Obj: r))
            .Concat((await api.ListAsync("grpcroutes", "v1", ct).ConfigureAwait(false)).Select(r => (Kind: "GRPCRoute", Obj: r))).ToList();
        var grants = await api.ListAsync("referencegrants", "v1beta1", ct).ConfigureAwait(false);
        var namespaces = gateways.Any(g => Listeners(g).Any(l => (string?)l["allowedRoutes"]?["namespaces"]?["from"] == "Selector"))
            ? (await client.CoreV1.ListNamespaceAsync(cancellationToken: ct).ConfigureAwait(false)).Items.ToDictionary(n => n.Metadata.Name, n => n.Metadata.Labels ?? new Dictionary<string, string>())
            : [];

        // The Secrets HTTPS listeners refer to (read only when some listener terminates TLS).
        var secrets = gateways.Any(g => Listeners(g).Any(l => (string?)l["protocol"] == "HTTPS"))
            ? (await client.CoreV1.ListSecretForAllNamespacesAsync(cancellationToken: ct).ConfigureAwait(false)).Items.ToDictionary(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}")
            : [];

        var routeParents = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal); // route key → our parent statuses
        foreach (var gw in gateways)
        {
            var gwNs = Namespace(gw);
            var key = $"{gwNs}/{Name(gw)}";
            var listeners = Listeners(gw).ToList();
            var tls = listeners.Where(l => (string?)l["protocol"] == "HTTPS").ToDictionary(l => (string)l["name"]!, l => ListenerTls.Resolve(l, gwNs, secrets, grants));
            var attached = listeners.ToDictionary(l => (string)l["name"]!, _ => 0);
            var entries = new List<(int Port, IReadOnlyList<string> Hosts, RouteEntry Entry)>();
            foreach (var (kind, route) in routes)
            {
                var routeNs = Namespace(route);
                var refs = (route["spec"]?["parentRefs"] as JsonArray ?? []).OfType<JsonObject>()
                    .Where(p => ((string?)p["group"] ?? GatewayApiCrds.Group) == GatewayApiCrds.Group && ((string?)p["kind"] ?? "Gateway") == "Gateway"
                        && (string?)p["name"] == Name(gw) && ((string?)p["namespace"] ?? routeNs) == gwNs).ToList();
                foreach (var parent in refs)
                {
                    var (reason, matched) = Attach(kind, route, parent, listeners, gwNs, namespaces);
                    var resolved = RouteBuilder.Resolve(kind, route, services, grants, out var rules);
                    var status = new JsonObject
                    {
                        ["parentRef"] = parent.DeepClone(), ["controllerName"] = ControllerName,
                        ["conditions"] = new JsonArray(
                            reason is null
                                ? Conditions.Make("Accepted", true, "Accepted", "Route is accepted.", Generation(route))
                                : Conditions.Make("Accepted", false, reason, reason switch
                                {
                                    "NotAllowedByListeners" => "Route is not allowed by a listener's policy.",
                                    "NoMatchingListenerHostname" => "The route's hostnames do not match any listener hostnames.",
                                    _ => "No listener matched the parentRef.",
                                }, Generation(route)),
                            resolved),
                    };
                    (routeParents.TryGetValue($"{kind}/{routeNs}/{Name(route)}", out var list) ? list : routeParents[$"{kind}/{routeNs}/{Name(route)}"] = []).Add(status);
                    foreach (var l in matched)
                    {
                        attached[(string)l["name"]!]++;
                        var hosts = Hostnames(route).Select(h => RouteTable.Intersect((string?)l["hostname"], h)).OfType<string>().ToList();
                        if (hosts.Count == 0 && (string?)l["hostname"] is { } lh) hosts.Add(lh);
                        foreach (var e in rules) entries.Add(((int)l["port"]!, hosts, e));
                    }
                }
            }
            // An address written before (a restarted controller) stays with its Gateway, as the Envoy container keeps running.
            if (addresses.AddressOf("Gateway " + key) is null && (string?)gw["status"]?["addresses"]?[0]?["value"] is { } written) addresses.Claim("Gateway " + key, written);
            var ip = addresses.Allocate("Gateway " + key, nodes.List());
            GatewayProxy proxy;
            lock (proxies)
                if (!proxies.TryGetValue(key, out proxy!)) proxies[key] = proxy = new GatewayProxy(network, time, gwNs, Name(gw), ip);
            // An HTTPS listener without a usable certificate is not programmed: its port does not listen.
            var serving = listeners.Where(l => !tls.TryGetValue((string)l["name"]!, out var t) || t.Serves).ToList();
            var tables = serving.Select(l => (int)l["port"]!).Distinct()
                .ToDictionary(p => p, p => new RouteTable(entries.Where(e => e.Port == p).Select(e => (e.Hosts, e.Entry))));
            // One filter chain per HTTPS listener, matched on SNI by the listener's hostname when it has one.
            var certificates = serving.Where(l => tls.ContainsKey((string)l["name"]!)).GroupBy(l => (int)l["port"]!)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<FilterChain>)g.Select(l => new FilterChain((string?)l["hostname"], tls[(string)l["name"]!].Certificates)).ToList());
            proxy.Configure(tables, services.List().ToDictionary(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}",
                s => (s.Spec?.ClusterIP ?? "", s.Spec?.ClusterIP == "None")), certificates);
            await WriteGatewayStatusAsync(gw, ip, listeners, attached, tls, now, ct).ConfigureAwait(false);
        }
        // Gateways that are gone (or changed class): the Envoy stops and the address is free again.
        var live = gateways.Select(g => $"{Namespace(g)}/{Name(g)}").ToHashSet(StringComparer.Ordinal);
        lock (proxies)
            foreach (var gone in proxies.Keys.Where(k => !live.Contains(k)).ToList())
            {
                proxies[gone].Dispose();
                proxies.Remove(gone);
                addresses.Release("Gateway " + gone);
            }
        foreach (var (kind, route) in routes)
            await WriteRouteStatusAsync(kind, route, routeParents.GetValueOrDefault($"{kind}/{Namespace(route)}/{Name(route)}") ?? [], now, ct).ConfigureAwait(false);
        if (Volatile.Read(ref serviceChanges) == changesAtStart) syncedVersion = version;
    }

    /// <summary>Which listeners take the route for this parentRef, or why none (gateway.go: NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname).</summary>
    private static (string? Reason, List<JsonObject> Listeners) Attach(string kind, JsonObject route, JsonObject parent, List<JsonObject> listeners, string gwNs, Dictionary<string, IDictionary<string, string>> namespaces)
    {
        var candidates = listeners.Where(l => ((string?)parent["sectionName"] is not { } s || (string?)l["name"] == s)
            && (parent["port"] is null || (int?)parent["port"] == (int?)l["port"])
            && (string?)l["protocol"] is "HTTP" or "HTTPS").ToList();
        if (candidates.Count == 0) return ("NoMatchingParent", []);
        var routeNs = Namespace(route);
        var allowed = candidates.Where(l =>
        {
            var from = (string?)l["allowedRoutes"]?["namespaces"]?["from"] ?? "Same";
            var nsOk = from switch
            {
                "All" => true,
                "Selector" => l["allowedRoutes"]?["namespaces"]?["selector"]?["matchLabels"] is JsonObject want && namespaces.TryGetValue(routeNs, out var labels)
                    && want.All(kv => labels.TryGetValue(kv.Key, out var v) && v == (string?)kv.Value),
                _ => routeNs == gwNs,
            };
            var kinds = l["allowedRoutes"]?["kinds"] as JsonArray;
            var kindOk = kinds is null || kinds.Count == 0 || kinds.OfType<JsonObject>().Any(k => (string?)k["kind"] == kind);
            return nsOk && kindOk;
        }).ToList();
        if (allowed.Count == 0) return ("NotAllowedByListeners", []);
        var hostnames = Hostnames(route);
        var matching = allowed.Where(l => hostnames.Count == 0 || hostnames.Any(h => RouteTable.Intersect((string?)l["hostname"], h) is not null)).ToList();
        return matching.Count == 0 ? ("NoMatchingListenerHostname", []) : (null, matching);
    }

    private async Task WriteGatewayStatusAsync(JsonObject gw, string ip, List<JsonObject> listeners, Dictionary<string, int> attached,
        Dictionary<string, ListenerTls> tls, DateTimeOffset now, CancellationToken ct)
    {
        var generation = Generation(gw);
        var old = gw["status"] as JsonObject;
        var listenerStatus = new JsonArray();
        var programmed = 0;
        foreach (var l in listeners)
        {
            var name = (string)l["name"]!;
            var http = (string?)l["protocol"] is "HTTP" or "HTTPS";
            var oldConditions = (old?["listeners"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(s => (string?)s["name"] == name)?["conditions"] as JsonArray;
            var refs = tls.GetValueOrDefault(name);
            var serves = refs is null || refs.Serves;
            JsonObject[] desired = http
                ? [Conditions.Make("Accepted", true, "Accepted", "Listener is valid", generation),
                   serves ? Conditions.Make("Programmed", true, "Programmed", "Listener is programmed", generation)
                          : Conditions.Make("Programmed", false, "Invalid", $"Failed to program listener: {refs!.ProgramError}", generation),
                   refs?.Reason is { } reason
                       ? Conditions.Make("ResolvedRefs", false, reason, refs.Message!, generation)
                       : Conditions.Make("ResolvedRefs", true, "ResolvedRefs", "All references resolved", generation)]
                : [Conditions.Make("Accepted", false, "UnsupportedProtocol", $"Protocol {(string?)l["protocol"]} is not supported", generation),
                   Conditions.Make("Programmed", false, "Invalid", "Listener is not programmed", generation),
                   Conditions.Make("ResolvedRefs", true, "ResolvedRefs", "All references resolved", generation)];
            if (http && serves) programmed++;
            listenerStatus.Add(new JsonObject
            {
                ["name"] = name,
                ["supportedKinds"] = http
                    ? new JsonArray(new JsonObject { ["group"] = GatewayApiCrds.Group, ["kind"] = "HTTPRoute" }, new JsonObject { ["group"] = GatewayApiCrds.Group, ["kind"] = "GRPCRoute" })
                    : new JsonArray(),
                ["attachedRoutes"] = attached[name],
                ["conditions"] = Conditions.Merge(oldConditions, desired, now) ?? oldConditions!.DeepClone(),
            });
        }
        JsonObject[] gwConditions =
        [
            Conditions.Make("Accepted", true, "Accepted", "Gateway is accepted", generation),
            programmed == listeners.Count
                ? Conditions.Make("Programmed", true, "Programmed", "Envoy configuration updated successfully", generation)
                : Conditions.Make("Programmed", false, "ListenersNotProgrammed", $"{programmed} out of {listeners.Count} listeners failed to be programmed", generation),
        ];
        var status = new JsonObject
        {
            ["addresses"] = new JsonArray(new JsonObject { ["type"] = "IPAddress", ["value"] = ip }),
            ["conditions"] = Conditions.Merge(old?["conditions"] as JsonArray, gwConditions, now) ?? old!["conditions"]!.DeepClone(),
            ["listeners"] = listenerStatus,
        };
        if (!JsonNode.DeepEquals(status, old)) await api.PatchStatusAsync("gateways", Namespace(gw), Name(gw), status, ct).ConfigureAwait(false);
    }

    private async Task WriteRouteStatusAsync(string kind, JsonObject route, List<JsonObject> ourParents, DateTimeOffset now, CancellationToken ct)
    {
        var current = (route["status"]?["parents"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var others = current.Where(p => (string?)p["controllerName"] != ControllerName).Select(p => (JsonNode)p.DeepClone());
        var mine = ourParents.Select(p =>
        {
            var old = current.FirstOrDefault(c => (string?)c["controllerName"] == ControllerName && JsonNode.DeepEquals(c["parentRef"], p["parentRef"]));
            var merged = Conditions.Merge(old?["conditions"] as JsonArray, (p["conditions"] as JsonArray)!.OfType<JsonObject>().Select(c => c.DeepClone().AsObject()), now);
            p["conditions"] = merged ?? old!["conditions"]!.DeepClone();
            return (JsonNode)p;
        });
        var parents = new JsonArray(others.Concat(mine).ToArray());
        if (JsonNode.DeepEquals(parents, route["status"]?["parents"] ?? new JsonArray())) return;
        await api.PatchStatusAsync(kind == "HTTPRoute" ? "httproutes" : "grpcroutes", Namespace(route), Name(route), new JsonObject { ["parents"] = parents }, ct).ConfigureAwait(false);
    }

    internal static string Name(JsonObject o) => (string)o["metadata"]!["name"]!;
    internal static string Namespace(JsonObject o) => (string?)o["metadata"]!["namespace"] ?? "";
    internal static long Generation(JsonObject o) => o["metadata"]?["generation"]?.GetValue<long>() ?? 1;
    private static IEnumerable<JsonObject> Listeners(JsonObject gw) => (gw["spec"]?["listeners"] as JsonArray ?? []).OfType<JsonObject>();
    internal static List<string> Hostnames(JsonObject route) => (route["spec"]?["hostnames"] as JsonArray ?? []).Select(h => (string)h!).ToList();

    public void Dispose()
    {
        lock (proxies)
        {
            foreach (var p in proxies.Values) p.Dispose();
            proxies.Clear();
        }
    }
}
