using System.Text;
using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.CloudProvider.Kind.Gateway;

/// <summary>
/// The Envoy container cloud-provider-kind runs per Gateway (pkg/gateway/envoy.go), on the docker network <c>kind</c> at the
/// Gateway's address, one listener per port. Each request takes the listener's <see cref="RouteTable"/>, then a backend by
/// weight, and goes to the Service as that Envoy sends it: a STATIC cluster on the Service's ClusterIP:port (through a node's
/// kube-proxy rules, which the route-adder makes reachable) or, for a headless Service, STRICT_DNS on its cluster DNS name.
/// Answers as Envoy gives them: no route → 404 with an empty body; a rule with invalid backends → 500 (direct response); a
/// refused connection → 503 <c>upstream connect error …</c>; no address for a headless Service → 503 <c>no healthy upstream</c>;
/// nothing answering within the 5 s connect timeout → 503 <c>… reset reason: connection timeout</c>.
/// A port of HTTPS listeners terminates TLS: it presents <see cref="ListenerCertificates"/> to TLS clients, closes a plain-HTTP
/// connection without an answer (its handshake fails), and tells the backend <c>x-forwarded-proto: https</c>.
/// </summary>
public sealed class GatewayProxy : IDisposable
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5); // Envoy's cluster connect_timeout default
    private readonly ClusterNetwork network;
    private readonly TimeProvider time;
    private readonly PodSandbox sandbox;
    private readonly Dictionary<int, (IDisposable Listening, ListenerCertificates? Tls)> listening = new();
    private volatile IReadOnlyDictionary<int, RouteTable> tables = new Dictionary<int, RouteTable>();
    private volatile IReadOnlyDictionary<string, (string ClusterIp, bool Headless)> services = new Dictionary<string, (string, bool)>();
    private readonly Random random;

    public GatewayProxy(ClusterNetwork network, TimeProvider time, string ns, string gateway, string ip, Random? random = null)
    {
        this.network = network;
        this.time = time;
        this.random = random ?? Random.Shared;
        Address = ip;
        // The container cloud-provider-kind names after the cluster and the gateway; it is no pod, so no node either.
        sandbox = new PodSandbox(ns, $"kindccm-gw-{ns}-{gateway}", "", $"kindccm-gw-{gateway}", "") { Ip = ip };
        network.Attach(sandbox);
    }

    public string Address { get; }

    /// <summary>
    /// Replaces the configuration (Envoy's xDS push): listener port → routes; Service "ns/name" → ClusterIP (or headless);
    /// port → certificates for the ports that terminate TLS (HTTPS listeners whose Secrets resolved).
    /// </summary>
    public void Configure(IReadOnlyDictionary<int, RouteTable> routes, IReadOnlyDictionary<string, (string ClusterIp, bool Headless)> backends,
        IReadOnlyDictionary<int, IReadOnlyList<FilterChain>>? tls = null)
    {
        services = backends;
        tables = routes;
        tls ??= new Dictionary<int, IReadOnlyList<FilterChain>>();
        lock (listening)
        {
            // A port that is gone, or switches between plain and TLS, is closed and opened again.
            foreach (var port in listening.Keys.Where(p => !routes.ContainsKey(p) || (listening[p].Tls is not null) != tls.ContainsKey(p)).ToList())
            {
                listening[port].Listening.Dispose();
                listening.Remove(port);
            }
            foreach (var port in routes.Keys)
            {
                if (listening.TryGetValue(port, out var open))
                {
                    if (open.Tls is not null) open.Tls.Chains = tls[port];
                    continue;
                }
                var certificates = tls.TryGetValue(port, out var certs) ? new ListenerCertificates { Chains = certs } : null;
                var p = port;
                listening[port] = (sandbox.Listen(port, "envoy", (r, ct) => HandleAsync(p, r, ct), certificates), certificates);
            }
        }
    }

    /// <summary>The filter chains of a TLS port (null: the port is plain HTTP or closed).</summary>
    public IReadOnlyList<FilterChain>? CertificatesOn(int port)
    {
        lock (listening) return listening.TryGetValue(port, out var l) ? l.Tls?.Chains : null;
    }

    public async Task<HttpResponseMessageModel> HandleAsync(int port, HttpRequestMessageModel request, CancellationToken ct)
    {
        // A plain request on a TLS port fails Envoy's handshake: the connection is closed without an answer.
        if (!request.Tls && CertificatesOn(port) is not null) throw NetworkException.Closed(Address, port);
        if (!tables.TryGetValue(port, out var table) || table.Find(request) is not { } route) return Envoy(404, "");
        if (route.Redirect is { } redirect) return RedirectResponse(redirect, request, port);
        if (route.DirectStatus is { } status) return Envoy(status, "");
        if (RouteTable.PickBackend(route.Backends, random) is not { } backend) return Envoy(500, "");
        var forwarded = Modify(request, route.Headers) with { Tls = false };
        if (!services.TryGetValue($"{backend.Namespace}/{backend.Service}", out var svc)) return Envoy(500, "");
        var target = svc.Headless ? network.Resolve(null, $"{backend.Service}.{backend.Namespace}.svc.cluster.local") : svc.ClusterIp;
        if (target is null) return Envoy(503, "no healthy upstream");
        using var connect = new CancellationTokenSource(ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(connect.Token, ct);
        try
        {
            var response = await network.SendFromNodeAsync(network.ControlPlaneNode, Address, target, backend.Port, forwarded, linked.Token).ConfigureAwait(false);
            var headers = new Dictionary<string, string>(response.Headers, StringComparer.OrdinalIgnoreCase) { ["server"] = "envoy" };
            return response with { Headers = headers };
        }
        catch (NetworkException e)
        {
            var reason = e.Message.Contains("refused", StringComparison.Ordinal) ? "Connection refused" : "No route to host";
            return Envoy(503, $"upstream connect error or disconnect/reset before headers. reset reason: remote connection failure, transport failure reason: delayed connect error: {reason}");
        }
        catch (OperationCanceledException) when (connect.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return Envoy(503, "upstream connect error or disconnect/reset before headers. reset reason: connection timeout");
        }
    }

    private static HttpRequestMessageModel Modify(HttpRequestMessageModel r, HeaderModifier? m)
    {
        var headers = new Dictionary<string, string>(r.Headers, StringComparer.OrdinalIgnoreCase);
        if (m is not null)
        {
            foreach (var (k, v) in m.Set) headers[k] = v;
            foreach (var (k, v) in m.Add) headers[k] = headers.TryGetValue(k, out var old) ? old + "," + v : v;
            foreach (var k in m.Remove) headers.Remove(k);
        }
        // Envoy's own request headers towards the upstream.
        headers["x-forwarded-proto"] = r.Tls ? "https" : "http";
        headers["x-request-id"] = Guid.NewGuid().ToString();
        return r with { Headers = headers };
    }

    private static HttpResponseMessageModel RedirectResponse(Redirect redirect, HttpRequestMessageModel r, int listenerPort)
    {
        var scheme = redirect.Scheme ?? "http";
        var host = redirect.Hostname ?? RouteTable.StripPort(r.Host);
        // The port is left out when it is the scheme's well-known one (HTTPRequestRedirectFilter.Port).
        var port = redirect.Port ?? (redirect.Scheme is not null ? (scheme == "https" ? 443 : 80) : listenerPort);
        var hostPort = (scheme, port) is ("http", 80) or ("https", 443) ? host : $"{host}:{port}";
        var path = redirect.FullPath ?? r.PathAndQuery;
        return Envoy(redirect.StatusCode, "") with { Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Location"] = $"{scheme}://{hostPort}{path}", ["server"] = "envoy" } };
    }

    private static HttpResponseMessageModel Envoy(int status, string body) =>
        new(status, Encoding.UTF8.GetBytes(body), "text/plain") { Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["server"] = "envoy" } };

    public void Dispose()
    {
        lock (listening)
        {
            foreach (var l in listening.Values) l.Listening.Dispose();
            listening.Clear();
        }
        network.Detach(sandbox);
    }
}
